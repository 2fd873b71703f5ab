/**
 * @module GET /api/admin/tenants/:id/hermes/accounts and …/identities (`?profile=`): credential pools, provider
 * logins and the external CLIs' account identities. Read-only; no token ever leaves.
 */
import type { Hono } from "hono";
import { readAccountIdentities, readAccounts } from "../../../hermes/accounts.service.js";
import type { HermesContext } from "../../../hermes/hermes-scope.js";
import { hermesScopeOf } from "./profile-query.js";

export type { AccountsView, IdentitiesResponse } from "../../../hermes/accounts.service.js";

export function registerHermesAccountRoutes(app: Hono, ctx: HermesContext): void {
  app.get("/api/admin/tenants/:id/hermes/accounts", async (c) => {
    return c.json(await readAccounts(await hermesScopeOf(c, ctx)));
  });

  app.get("/api/admin/tenants/:id/hermes/identities", async (c) => {
    return c.json(await readAccountIdentities(await hermesScopeOf(c, ctx)));
  });
}
