/**
 * @module Admin roles and what each may do. A route names one capability (src/admin/permissions.ts); a role either
 * has it or the server answers 403. The console reads the signed-in admin's capabilities from /api/auth/me.
 */
import type { AdminRole } from "../db/schema.js";

export type { AdminRole };

export const ROLES = ["owner", "admin", "auditor", "viewer"] as const satisfies readonly AdminRole[];

/**
 * read       metadata: lists, settings, usage, the action trail (every role)
 * read_body  prompt and response bodies, Hermes conversation and file contents (auditor and up)
 * export     JSONL downloads (auditor and up)
 * manage     tenants, API users and keys, Hermes configuration (admin and up)
 * admins     admin accounts (owner)
 * self       one's own session and password (every role)
 */
export const CAPABILITIES = ["read", "read_body", "export", "manage", "admins", "self"] as const;
export type Capability = (typeof CAPABILITIES)[number];

const GRANTS: Readonly<Record<AdminRole, readonly Capability[]>> = {
  owner: ["read", "read_body", "export", "manage", "admins", "self"],
  admin: ["read", "read_body", "export", "manage", "self"],
  auditor: ["read", "read_body", "export", "self"],
  viewer: ["read", "self"],
};

export function roleCan(role: AdminRole, capability: Capability): boolean {
  return GRANTS[role].includes(capability);
}

export function capabilitiesOf(role: AdminRole): readonly Capability[] {
  return GRANTS[role];
}

export function isRole(value: unknown): value is AdminRole {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
