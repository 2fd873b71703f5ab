/**
 * @module The `?profile=` query every Hermes view takes, and the scope it resolves to (tenant → Hermes home →
 * profile; the name is checked against Hermes' own rule by the service).
 */
import type { Context } from "hono";
import { z } from "zod";
import { resolveScope, type HermesContext, type HermesScope } from "../../../hermes/hermes-scope.js";
import { parseQuery } from "../../validation.js";

export const ProfileQuery = z.object({
  profile: z.string({ error: "must be a string" }).max(64, "must be at most 64 characters").optional(),
});

/** The scope of a `/api/admin/tenants/:id/hermes/…?profile=` request: 404 for an unknown tenant or profile. */
export async function hermesScopeOf(c: Context, ctx: HermesContext): Promise<HermesScope> {
  const { profile } = parseQuery(c, ProfileQuery);
  return resolveScope(ctx, c.req.param("id") ?? "", profile);
}
