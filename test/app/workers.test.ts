/**
 * The built service with two worker processes (HERMES_WORKERS=2, node:cluster) on real PostgreSQL, behind the same
 * three ports: limits hold across the workers, key changes reach both, a killed worker is replaced and its spool
 * replayed exactly once, and SIGTERM drains both without losing a record.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createApiUser, revokeApiUser } from "../../src/keys/keys.service.js";
import { createTenant } from "../../src/tenants/tenants.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { captureLogs } from "../harness/log-capture.js";
import { spawnService, type SpawnedService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

const ADMIN_PASSWORD = "workers-test-password-0123";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

type Cluster = {
  svc: SpawnedService;
  ports: { admin: number; pre: number; post: number };
  dataDir: string;
};

async function startCluster(databaseUrl: string, env: Record<string, string> = {}): Promise<Cluster> {
  const ports = { admin: await freePort(), pre: await freePort(), post: await freePort() };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-workers-"));
  const svc = spawnService({
    DATABASE_URL: databaseUrl,
    HERMES_DATA_DIR: dataDir,
    HERMES_ADMIN_PORT: String(ports.admin),
    HERMES_PRE_AI_API_PORT: String(ports.pre),
    HERMES_POST_AI_API_PORT: String(ports.post),
    HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HERMES_WORKERS: "2",
    HERMES_KEY_CACHE_TTL_MS: "600000",
    LOG_LEVEL: "info",
    ...env,
  });
  await svc.waitFor(/"cluster: every worker is listening"/, 60_000);
  return { svc, ports, dataDir };
}

/** A fresh connection per request, so the primary hands requests to both workers in turn. */
async function call(port: number, key: string, body: object = { model: "m", messages: [] }) {
  const dispatcher = new Agent({ pipelining: 0 });
  try {
    const res = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      dispatcher,
    });
    await res.body.text();
    return { status: res.statusCode, requestId: String(res.headers["x-request-id"]) };
  } finally {
    await dispatcher.close();
  }
}

/** The workers that served these requests, once their request log lines are out (buffered up to 200 ms). */
async function workersOf(svc: SpawnedService, requestIds: string[]): Promise<Set<number>> {
  for (let i = 0; ; i++) {
    const served = servedBy(svc);
    if (requestIds.every((id) => served.has(id)) || i === 50)
      return new Set(requestIds.map((id) => served.get(id)!));
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Which worker served each request id, from the workers' request log lines. */
function servedBy(svc: SpawnedService): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of svc.output().split("\n")) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { requestId: string; worker: number };
    out.set(entry.requestId, entry.worker);
  }
  return out;
}

async function adminStatus(port: number) {
  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const res = await fetch(`http://127.0.0.1:${port}/api/admin/status`, { headers: { cookie } });
  return (await res.json()) as {
    workers: { serving: number; list: { index: number; pid: number; restarts: number }[] };
    instances: { id: string }[];
  };
}

describe("two worker processes on one PostgreSQL (HERMES_WORKERS=2)", () => {
  let testDb: TestDatabase;
  let database: Database;
  let upstream: FakeUpstream;
  let tenantId: string;
  const clusters: Cluster[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase("workers");
    upstream = await startFakeUpstream();
    // The service migrates the database; the test seeds through its own connection once it has.
    // No lease advance: admission against a monthly cap is then exact across processes (see the README).
    const first = await startCluster(testDb.url, { HERMES_TOKEN_LEASE_REQUESTS: "0" });
    clusters.push(first);
    database = await openDatabase({
      url: testDb.url,
      poolMax: 2,
      dataDir: os.tmpdir(),
      logger: captureLogs().logger,
    });
    tenantId = (
      await createTenant(
        { db: database.db, secretKey: undefined },
        {
          id: "workers",
          name: "Workers",
          preUpstreamUrl: upstream.url,
          postUpstreamUrl: upstream.url,
          upstreamApiKey: null,
        },
        SYSTEM_ACTOR,
      )
    ).id;
  }, 120_000);

  afterAll(async () => {
    for (const c of clusters) {
      c.svc.proc.kill("SIGKILL");
      fs.rmSync(c.dataDir, { recursive: true, force: true });
    }
    await database?.close();
    await upstream?.close();
    await testDb?.drop();
  });

  const newKey = async (limits: { rpmLimit?: number | null; monthlyTokenCap?: number | null } = {}) =>
    createApiUser(
      { db: database.db, keyPepper: undefined },
      { name: "w", tenantId, gateways: ["pre", "post"], rpmLimit: null, monthlyTokenCap: null, ...limits },
      SYSTEM_ACTOR,
    );

  it("the admin status lists both workers, each a registered instance; /readyz answers on every port", async () => {
    const { ports } = clusters[0]!;
    const status = await adminStatus(ports.admin);
    expect(status.workers.list.map((w) => w.index)).toEqual([0, 1]);
    expect(new Set(status.workers.list.map((w) => w.pid)).size).toBe(2);
    for (const w of status.workers.list)
      expect(status.instances.some((i) => i.id.includes(`:${w.pid}:`))).toBe(true);
    for (const port of Object.values(ports))
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it("the RPM limit holds exactly across both workers under concurrency", async () => {
    const { svc, ports } = clusters[0]!;
    const { apiKey } = await newKey({ rpmLimit: 15 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(i % 2 ? ports.pre : ports.post, apiKey)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(15);
    expect(results.filter((r) => r.status === 429)).toHaveLength(25);
    expect(
      await workersOf(
        svc,
        results.map((r) => r.requestId),
      ),
    ).toEqual(new Set([0, 1]));
  });

  it("the monthly cap holds exactly across both workers under concurrency", async () => {
    const { ports } = clusters[0]!;
    // Every request is admitted (or refused) while the admitted ones still hold their reservations.
    upstream.set({ delayMs: 1_500 });
    try {
      const body = { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }] };
      const estimate = Buffer.byteLength(JSON.stringify(body)) + 100;
      // Room for exactly 7 requests' reservations; the lease advance is off for exact admission across processes.
      const { apiKey } = await newKey({ monthlyTokenCap: 7 * estimate + estimate - 1 });
      const results = await Promise.all(Array.from({ length: 30 }, () => call(ports.pre, apiKey, body)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(7);
      expect(results.filter((r) => r.status === 429)).toHaveLength(23);
    } finally {
      upstream.set({ delayMs: 0 });
    }
  });

  it("a revocation is seen by both workers within 1 s", async () => {
    const { svc, ports } = clusters[0]!;
    const { apiKey, apiUser } = await newKey();
    const warm = await Promise.all(Array.from({ length: 10 }, () => call(ports.pre, apiKey)));
    expect(warm.every((r) => r.status === 200)).toBe(true);
    // Both workers hold the key in their cache as valid.
    expect(
      await workersOf(
        svc,
        warm.map((r) => r.requestId),
      ),
    ).toEqual(new Set([0, 1]));
    await revokeApiUser({ db: database.db, keyPepper: undefined }, apiUser.id, SYSTEM_ACTOR);
    const t0 = Date.now();
    let after: { status: number; requestId: string }[];
    for (;;) {
      after = await Promise.all(Array.from({ length: 10 }, () => call(ports.pre, apiKey)));
      if (after.every((r) => r.status === 410)) break;
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
    expect(
      await workersOf(
        svc,
        after.map((r) => r.requestId),
      ),
    ).toEqual(new Set([0, 1]));
  });

  it("a worker killed with SIGKILL is replaced and its audit spool replayed exactly once", async () => {
    const { svc, ports } = clusters[0]!;
    const { apiKey } = await newKey();
    const before = await adminStatus(ports.admin);
    const victim = before.workers.list.find((w) => w.index === 1)!;
    // Hold the audit table so the records stay in the workers' spools (and queues) when the worker dies.
    const blocker = new pg.Client({ connectionString: testDb.url });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE");
    let answered: { status: number; requestId: string }[];
    try {
      answered = await Promise.all(Array.from({ length: 20 }, () => call(ports.pre, apiKey)));
      expect(answered.every((r) => r.status === 200)).toBe(true);
      expect(
        await workersOf(
          svc,
          answered.map((r) => r.requestId),
        ),
      ).toContain(1);
      process.kill(victim.pid, "SIGKILL");
      await svc.waitFor(/"cluster: worker exited; starting it again"/);
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
    await svc.waitFor(/"audit: spool segment replayed"/, 30_000);
    const after = await adminStatus(ports.admin);
    const replaced = after.workers.list.find((w) => w.index === 1)!;
    expect(replaced.pid).not.toBe(victim.pid);
    expect(replaced.restarts).toBe(1);
    const ids = answered!.map((r) => r.requestId);
    await expect
      .poll(
        async () =>
          Number(
            (
              await sql<{
                n: string;
              }>`SELECT count(*) AS n FROM audit_log WHERE request_id = ANY(${ids})`.execute(database.db)
            ).rows[0]!.n,
          ),
        { timeout: 10_000 },
      )
      .toBe(ids.length);
    const dup = await sql<{ request_id: string }>`
      SELECT request_id FROM audit_log WHERE request_id = ANY(${ids}) GROUP BY request_id HAVING count(*) > 1`.execute(
      database.db,
    );
    expect(dup.rows).toEqual([]);
  });

  it("SIGTERM to the primary drains both workers with no lost record and exits 0", async () => {
    const c = await startCluster(testDb.url);
    clusters.push(c);
    const { apiKey } = await newKey();
    upstream.set({ delayMs: 30 });
    const answered: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const r = await call(c.ports.pre, apiKey);
          if (r.status === 200) answered.push(r.requestId);
        } catch {
          // Refused once the listeners closed: never reached the service.
          stop = true;
        }
      }
    };
    const clients = Array.from({ length: 12 }, client);
    try {
      while (answered.length < 150) await new Promise((r) => setTimeout(r, 10));
      c.svc.proc.kill("SIGTERM");
      expect(await c.svc.exited).toEqual({ code: 0, signal: null });
    } finally {
      stop = true;
      await Promise.all(clients);
      upstream.set({ delayMs: 0 });
    }
    expect(c.svc.output().match(/"audit: drained"/g)).toHaveLength(2);
    expect(await workersOf(c.svc, answered)).toEqual(new Set([0, 1]));
    const rows = await sql<{ request_id: string }>`
      SELECT request_id FROM audit_log WHERE request_id = ANY(${answered})`.execute(database.db);
    const stored = new Set(rows.rows.map((r) => r.request_id));
    expect(rows.rows.length).toBe(stored.size);
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);
  });
});
