/**
 * The built service with two worker processes (HERMES_WORKERS=2, node:cluster) on real PostgreSQL: requests land on
 * both workers, and one scrape of /metrics — whichever worker receives it — reports the sum of both workers'
 * counters (prom-client's AggregatorRegistry in the primary), with the upstream-health gauges not doubled.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createApiUser } from "../../src/keys/keys.service.js";
import { createTenant } from "../../src/tenants/tenants.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { captureLogs } from "../harness/log-capture.js";
import { spawnService, type SpawnedService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";
import { parseScrape, sampleValue } from "./scrape.js";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A fresh connection per request, so the primary hands requests to both workers in turn. */
async function call(
  url: string,
  init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
) {
  const dispatcher = new Agent({ pipelining: 0 });
  try {
    const res = await request(url, { ...init, dispatcher });
    const text = await res.body.text();
    return { status: res.statusCode, requestId: String(res.headers["x-request-id"]), text };
  } finally {
    await dispatcher.close();
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

describe("metrics with two worker processes (HERMES_WORKERS=2)", () => {
  let testDb: TestDatabase;
  let database: Database;
  let upstream: FakeUpstream;
  let svc: SpawnedService;
  let dataDir: string;
  const ports = { admin: 0, pre: 0, post: 0 };

  beforeAll(async () => {
    testDb = await createTestDatabase("metricsw");
    upstream = await startFakeUpstream();
    Object.assign(ports, { admin: await freePort(), pre: await freePort(), post: await freePort() });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-metrics-workers-"));
    svc = spawnService({
      DATABASE_URL: testDb.url,
      HERMES_DATA_DIR: dataDir,
      HERMES_ADMIN_PORT: String(ports.admin),
      HERMES_PRE_AI_API_PORT: String(ports.pre),
      HERMES_POST_AI_API_PORT: String(ports.post),
      HERMES_ADMIN_PASSWORD: "metrics-workers-password-01",
      HERMES_WORKERS: "2",
      HERMES_HEALTH_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "info",
    });
    await svc.waitFor(/"cluster: every worker is listening"/, 60_000);
    database = await openDatabase({
      url: testDb.url,
      poolMax: 2,
      dataDir: os.tmpdir(),
      logger: captureLogs().logger,
    });
  }, 120_000);

  afterAll(async () => {
    svc?.proc.kill("SIGKILL");
    await database?.close();
    await upstream?.close();
    await testDb?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("one scrape reports the sum of both workers' requests, whichever worker answers it", async () => {
    const tenant = await createTenant(
      { db: database.db, secretKey: undefined },
      {
        id: "mw",
        name: "Metrics workers",
        preUpstreamUrl: upstream.url,
        postUpstreamUrl: upstream.url,
        upstreamApiKey: null,
      },
      SYSTEM_ACTOR,
    );
    const { apiKey } = await createApiUser(
      { db: database.db, keyPepper: undefined },
      { name: "mw", tenantId: tenant.id, gateways: ["pre", "post"], rpmLimit: null, monthlyTokenCap: null },
      SYSTEM_ACTOR,
    );
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(`http://127.0.0.1:${ports.pre}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model: "m", messages: [] }),
      });
      expect(res.status).toBe(200);
      ids.push(res.requestId);
    }
    // Both workers served some of them (the request log names the worker).
    let served = servedBy(svc);
    for (let i = 0; i < 50 && !ids.every((id) => served.has(id)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      served = servedBy(svc);
    }
    const perWorker = [0, 1].map((w) => ids.filter((id) => served.get(id) === w).length);
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[1]).toBeGreaterThan(0);
    expect(perWorker[0]! + perWorker[1]!).toBe(12);

    // Several scrapes on fresh connections reach both workers; every one reports the sum.
    for (let i = 0; i < 6; i++) {
      const res = await call(`http://127.0.0.1:${ports.admin}/metrics`, {});
      expect(res.status).toBe(200);
      const m = parseScrape(res.text);
      expect(
        sampleValue(m, "hermes_gateway_requests_total", { tenant: "Metrics workers", status: "200" }),
      ).toBe(12);
      expect(
        sampleValue(m, "hermes_gateway_request_duration_seconds_count", { tenant: "Metrics workers" }),
      ).toBe(12);
      // Both workers' audit writers count: the primary summed them.
      expect(sampleValue(m, "hermes_audit_mode", { mode: "live" })).toBe(2);
    }
    // The scrapes themselves were answered by both workers.
    await new Promise((r) => setTimeout(r, 300));
    const scrapeServers = [...servedBy(svc).entries()].filter(([id]) => !ids.includes(id)).map(([, w]) => w);
    expect(new Set(scrapeServers)).toEqual(new Set([0, 1]));
  });
});
