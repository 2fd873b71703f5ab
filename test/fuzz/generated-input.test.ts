/**
 * The generated-input test: for every route of the three listeners (route-table.ts), generated requests whose path
 * parameters, query, headers and body are valid or hostile, against the real service on real PostgreSQL with a fake
 * upstream. Every answer must be below 500, in its listener's error envelope, and echo nothing hostile; afterwards
 * the service is ready, the audit writer has dropped, quarantined and failed nothing, and every gateway request has
 * its audit row. Seeded: a failure prints the seed, the fast-check path and the request, and replays with
 * FUZZ_SEED=<seed>. FUZZ_RUNS sets the cases per route (default 80).
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type Database from "better-sqlite3";
import { sql } from "kysely";
import fc from "fast-check";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminApp } from "../../src/admin/admin-app.js";
import { encodeCursor as encodeEventCursor } from "../../src/admin-events/admin-events.service.js";
import { encodeCursor as encodeAuditCursor } from "../../src/audit/audit-query.js";
import { createGatewayApp } from "../../src/gateway/gateway-app.js";
import { ADMIN_ENV, AdminClient, signedInClient } from "../admin/admin-client.js";
import { flushAll } from "../gateway/kit.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { createKanbanDb, createStateDb } from "../fixtures/hermes/hermes-dbs.js";
import { seedKanbanDb, seedStateDb } from "../fixtures/hermes/pane-data.js";
import { problemWith, requestArbitrary, send, type FuzzContext, type FuzzRequest } from "./fuzz-case.js";
import { ROUTES, routeKey } from "./route-table.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 80);

let svc: TestService;
let hermes: FixtureRoot;
let upstream: FakeUpstream;
let ctx: FuzzContext;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const sent = { total: 0, gateway: 0 };

beforeAll(async () => {
  // The default tenant reads a Hermes home in daily use (with its databases), so the Hermes routes' cases reach
  // the readers rather than stopping at "not present".
  hermes = copyFixtureRoot(["active"]);
  const now = Math.floor(Date.now() / 1000);
  for (const [file, create, seed] of [
    ["state.db", createStateDb, (db: Database.Database) => seedStateDb(db, now)],
    ["kanban.db", createKanbanDb, (db: Database.Database) => seedKanbanDb(db, now, "f")],
  ] as const) {
    const db = create(path.join(hermes.home, file));
    seed(db);
    db.close();
  }
  svc = await startTestService({ env: { ...ADMIN_ENV, ...hermes.env } });
  upstream = await startFakeUpstream();
  // The gateway cases' tenant and keys: in no pool the admin cases draw ids from, so no generated PATCH or DELETE
  // reaches them.
  const gw = await createTenant(svc, {
    id: "fz-gw",
    preUpstreamUrl: upstream.url,
    postUpstreamUrl: upstream.url,
  });
  const uncapped = await createApiUser(svc, { tenantId: gw.id });
  const capped = await createApiUser(svc, { tenantId: gw.id, monthlyTokenCap: 1_000_000_000_000 });
  // Throwaway ids for the admin cases.
  const tenants = ["fz-play", "fz-t1", "fz-t2", "fz-t3"];
  for (const id of tenants) await createTenant(svc, { id });
  const users = [];
  for (let i = 0; i < 6; i++) users.push((await createApiUser(svc, { tenantId: "fz-play" })).apiUser.id);
  const admin = await signedInClient(svc);
  const spare = new AdminClient(svc.urls.admin);
  await spare.login();
  for (const c of [admin, spare]) svc.secret(c.cookie!.split("=")[1]!);
  const port = (url: string) => Number(new URL(url).port);
  ctx = {
    ports: { admin: port(svc.urls.admin), pre: port(svc.urls.pre), post: port(svc.urls.post) },
    adminCookie: admin.cookie!,
    spareCookie: spare.cookie!,
    keys: { capped: capped.apiKey, uncapped: uncapped.apiKey },
    pools: {
      tenant: [...tenants, "default"],
      apiUser: users,
      auditId: ["1", "2", "50"],
      // The built console's hashed asset names (the global setup builds it before any test runs).
      asset: fs.readdirSync(path.resolve("dist/admin-ui/assets")).slice(0, 4),
    },
    cursors: {
      audit: encodeAuditCursor({ ts: new Date().toISOString().replace("Z", "000Z"), id: 1 }),
      event: encodeEventCursor(1_000),
    },
  };
});
afterAll(async () => {
  agent.destroy();
  await svc?.close();
  await upstream?.close();
  hermes?.cleanup();
});

/** Handlers the apps register (middleware takes `next`, a handler does not), as `METHOD path`. */
function registered(app: Hono): string[] {
  return app.routes
    .filter((r) => r.method !== "ALL" || r.handler.length < 2)
    .map((r) => routeKey(r.method, r.path));
}

it("every route the three listeners register has an entry in test/fuzz/route-table.ts", () => {
  const table = (listener: string) =>
    ROUTES.filter((r) => r.listener === listener || r.listener === "every").map((r) =>
      routeKey(r.method, r.path),
    );
  const missing = (app: Hono, listener: string) =>
    registered(app).filter((k) => !table(listener).includes(k));
  const unknown = (app: Hono, listener: string) =>
    table(listener).filter((k) => !registered(app).includes(k));
  const admin = createAdminApp(svc.deps);
  const pre = createGatewayApp(svc.deps, { gateway: "pre" });
  const post = createGatewayApp(svc.deps, { gateway: "post" });
  expect({
    admin: missing(admin, "admin"),
    pre: missing(pre, "gateway"),
    post: missing(post, "gateway"),
  }).toEqual({
    admin: [],
    pre: [],
    post: [],
  });
  // And no stale entry fuzzes a route that no longer exists.
  expect([...unknown(admin, "admin"), ...unknown(pre, "gateway")]).toEqual([]);
});

function describeRequest(req: FuzzRequest): string {
  const body = req.body === null ? "none" : JSON.stringify(req.body.toString("utf8").slice(0, 400));
  return `${req.method} ${req.target.slice(0, 400)} on ${req.listener}\nheaders: ${JSON.stringify(req.headers).slice(0, 400)}\nbody (${req.body?.length ?? 0} bytes): ${body}`;
}

describe("generated input", () => {
  ROUTES.forEach((entry, index) => {
    it(`${entry.method} ${entry.path}`, async () => {
      const seed = SEED + index;
      let failure: string | null = null;
      const details = await fc.check(
        fc.asyncProperty(requestArbitrary(entry, ctx), async (req) => {
          const res = await send(req, ctx, agent);
          sent.total++;
          if (req.listener !== "admin" && entry.listener === "gateway") sent.gateway++;
          const problem = problemWith(req, res);
          if (problem) failure = `${problem}\n${describeRequest(req)}\nanswer: ${res.text.slice(0, 300)}`;
          return problem === null;
        }),
        { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      // Our own report: fast-check's would print multi-megabyte counterexamples in full.
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : "";
        throw new Error(
          `FUZZ_SEED=${SEED} failed (route seed ${seed}, path ${details.counterexamplePath}): ${failure ?? error}`,
        );
      }
      // Sign-in cases verify argon2 hashes: give a loaded machine room.
    }, 180_000);
  });
});

describe("after the run", () => {
  it(`sent at least 2,000 cases`, () => {
    expect(sent.total).toBeGreaterThanOrEqual(Math.min(2_000, RUNS_PER_ROUTE * ROUTES.length));
  });

  it("every listener is healthy and ready", async () => {
    for (const base of Object.values(svc.urls)) expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("the audit writer dropped, quarantined and failed nothing, and every gateway request has its row", async () => {
    await flushAll(svc);
    expect(svc.deps.audit.stats()).toMatchObject({
      dropped: 0,
      quarantined: 0,
      write_errors: 0,
      mode: "live",
    });
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(svc.db);
    expect(rows.rows[0]!.n).toBe(sent.gateway);
  });

  it("nothing was logged at error level, and no unhandled error", () => {
    const errors = svc.logs.lines().filter((l) => (l.level as number) >= 50);
    expect(errors.map((l) => l.msg)).toEqual([]);
  });
});
