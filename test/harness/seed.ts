/**
 * Seed helpers for gateway tests, built on the real domain functions (tenants.service, keys.service): a fresh tenant
 * per test, API users with keys.
 */
import { randomBytes } from "node:crypto";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import type { Gateway } from "../../src/config/config.js";
import { createApiUser as createApiUserFn, type IssuedKey } from "../../src/keys/keys.service.js";
import { createTenant as createTenantFn, type Tenant } from "../../src/tenants/tenants.service.js";
import type { TestService } from "./test-service.js";

export type SeedTenantInput = {
  preUpstreamUrl?: string | null;
  postUpstreamUrl?: string | null;
  upstreamApiKey?: string | null;
  id?: string;
};

export async function createTenant(svc: TestService, input: SeedTenantInput = {}): Promise<Tenant> {
  const id = input.id ?? `t-${randomBytes(4).toString("hex")}`;
  if (input.upstreamApiKey) svc.secret(input.upstreamApiKey);
  return createTenantFn(
    { db: svc.db, secretKey: svc.deps.config.secrets.secretKey },
    {
      id,
      name: `Tenant ${id}`,
      preUpstreamUrl: input.preUpstreamUrl ?? null,
      postUpstreamUrl: input.postUpstreamUrl ?? null,
      upstreamApiKey: input.upstreamApiKey ?? null,
    },
    SYSTEM_ACTOR,
  );
}

export type SeedApiUserInput = {
  tenantId: string;
  gateways?: Gateway[];
  rpmLimit?: number | null;
  monthlyTokenCap?: number | null;
  name?: string;
};

/** Creates an API user; its key is registered as a secret so close() fails if it is ever logged. */
export async function createApiUser(svc: TestService, input: SeedApiUserInput): Promise<IssuedKey> {
  const issued = await createApiUserFn(
    { db: svc.db, keyPepper: svc.deps.config.secrets.keyPepper },
    {
      name: input.name ?? `user-${randomBytes(3).toString("hex")}`,
      tenantId: input.tenantId,
      gateways: input.gateways ?? ["pre", "post"],
      rpmLimit: input.rpmLimit ?? null,
      monthlyTokenCap: input.monthlyTokenCap ?? null,
    },
    SYSTEM_ACTOR,
  );
  svc.secret(issued.apiKey);
  return issued;
}
