/**
 * Helpers shared by the gateway tests: an SDK client, flushing the background writers, reading usage and audit rows.
 */
import OpenAI from "openai";
import { sql } from "kysely";
import { monthOf } from "../../src/usage/usage-period.js";
import { afterAll, beforeAll } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";

export type GatewayFixture = { svc: TestService; upstream: FakeUpstream; tenantId: string };

/**
 * Registers beforeAll/afterAll for one service on a fresh database, one fake upstream, and one tenant routed to it
 * on both gateways; `ready` receives them once started.
 */
export function useGatewayFixture(ready: (fixture: GatewayFixture) => void): void {
  let fixture: Partial<GatewayFixture> = {};
  beforeAll(async () => {
    const svc = await startTestService();
    fixture = { svc };
    const upstream = await startFakeUpstream();
    fixture.upstream = upstream;
    const tenantId = (
      await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })
    ).id;
    ready({ svc, upstream, tenantId });
  });
  afterAll(async () => {
    await fixture.svc?.close();
    await fixture.upstream?.close();
  });
}

export function sdk(baseUrl: string, apiKey: string, options: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: options.maxRetries ?? 0 });
}

/**
 * Writes queued usage settlements and audit records now. Unused token leases are given back first, so that
 * `tokens_reserved` shows only what requests in flight hold.
 */
export async function flushAll(svc: TestService): Promise<void> {
  await svc.deps.gateway.usage.returnLeases();
  await svc.deps.gateway.usage.flush();
  await svc.deps.audit.flush();
}

export async function monthlyUsage(
  svc: TestService,
  apiUserId: string,
): Promise<{ tokens_used: number; tokens_reserved: number; requests: number }> {
  const row = await svc.db
    .selectFrom("usage_monthly")
    .select(["tokens_used", "tokens_reserved", "requests"])
    .where("api_user_id", "=", apiUserId)
    .where("month", "=", monthOf(new Date()))
    .executeTakeFirst();
  return row ?? { tokens_used: 0, tokens_reserved: 0, requests: 0 };
}

export async function auditRow(svc: TestService, requestId: string) {
  await flushAll(svc);
  return svc.db.selectFrom("audit_log").selectAll().where("request_id", "=", requestId).executeTakeFirst();
}

export async function auditRowsOf(svc: TestService, apiUserId: string) {
  await flushAll(svc);
  return svc.db
    .selectFrom("audit_log")
    .selectAll()
    .where("api_user_id", "=", apiUserId)
    .orderBy("id")
    .execute();
}

/** Raw POST with fetch, for cases the SDK cannot express (bad JSON, wrong content type, huge bodies). */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | null; text: string }> {
  const res = await fetch(url, { method: "POST", body, headers });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function countRows(svc: TestService, table: "audit_log"): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(svc.db);
  return r.rows[0]!.n;
}
