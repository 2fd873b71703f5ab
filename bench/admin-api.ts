/**
 * @module Bench: the admin API's list pages over a large PostgreSQL (issue 18, Speed: ≤ 150 ms each at the API).
 * Seeds a fresh database in a few set-based statements (generate_series, no insert per row) with 100,000 API users
 * across 20 tenants (this month's usage for most, caps, revoked and never-used keys, a few rate-limited a moment ago)
 * and 1,000,000 audit rows over the last 14 days; starts the built service against it (one worker, its own process);
 * signs in; then times, in interleaved rounds: the API users page (first page, a tenant filter, a status filter, a
 * search by key prefix and by name), the audit log page (first page, by user, a time range) and the tenants view
 * the console also reads; then, apart and with a quarter of the rounds, the usage view. Prints p50/p95/max per
 * call; to see why one is slow, keep the database (BENCH_KEEP_DB=1) and EXPLAIN ANALYZE its queries. Run by hand:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/admin-api.js [rounds=20]
 *
 * BENCH_USERS / BENCH_AUDIT_ROWS scale the data; BENCH_KEEP_DB=1 keeps the database (its name is printed).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { addDays, ensureDayPartitions } from "../src/audit/audit-partitions.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createLogger } from "../src/logging/logger.js";
import { ROOT, waitFor } from "./bench-stack.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROUNDS = Number(process.argv[2] ?? 20);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const TENANTS = 20;
const DAYS = 14;
const PASSWORD = "bench-admin-password-0123456789";
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 31000) + 900;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: pick(0.5).toFixed(1), p95: pick(0.95).toFixed(1), max: s.at(-1)!.toFixed(1), n: s.length };
}

/** The id of bench user `i` (1-based): deterministic, so the audit rows can name users without a join. */
const userId = (i: number) => `usr_bench${String(i).padStart(8, "0")}`;

async function seed(databaseUrl: string): Promise<void> {
  const logger = createLogger({ level: "silent", format: "json" });
  const database = await openDatabase({ url: databaseUrl, poolMax: 2, dataDir: os.tmpdir(), logger });
  try {
    await migrateToLatest(database.db);
    const now = new Date();
    await ensureDayPartitions(database.db, addDays(now, -DAYS), addDays(now, 1));
  } finally {
    await database.close();
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const step = async (label: string, text: string) => {
      const t0 = performance.now();
      await c.query(text);
      console.log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    await c.query("SELECT setseed(0.18)");
    await step(
      "tenants",
      `INSERT INTO tenants (id, name, pre_upstream_url)
       SELECT 'team-' || lpad(t::text, 2, '0'), 'Team ' || t, 'http://127.0.0.1:9/v1' FROM generate_series(1, ${TENANTS}) t`,
    );
    // User i: created i minutes ago (user 1 is the newest); a name from 40 first names and its number; every 20th
    // revoked, every 4th capped at 1M tokens, every 10th never used, every 50th rotated.
    await step(
      `${USERS} api users`,
      `INSERT INTO api_users (id, name, tenant_id, gateways, rpm_limit, monthly_token_cap, status, key_digest, key_prefix,
                              created_at, updated_at, revoked_at, last_used_at, last_rotated_at)
       SELECT 'usr_bench' || lpad(i::text, 8, '0'),
              (ARRAY['alice','bob','carol','dave','erin','frank','grace','heidi','ivan','judy','karl','liam','mallory',
                     'nina','olivia','peggy','quinn','rupert','sybil','trent','uma','victor','walter','xena','yara',
                     'zoe','amir','bianca','chen','dmitri','elif','fatima','gustav','hana','igor','jia','kofi','lena',
                     'mateo','noor'])[1 + (i * 7919) % 40] || ' ' || i,
              'team-' || lpad((1 + i % ${TENANTS})::text, 2, '0'),
              ARRAY['pre','post'],
              CASE WHEN i % 3 = 0 THEN 600 END,
              CASE WHEN i % 4 = 0 THEN 1000000 END,
              CASE WHEN i % 20 = 0 THEN 'revoked' ELSE 'active' END,
              encode(sha256(('bench-key-' || i)::bytea), 'hex'),
              'hms_' || translate(substr(encode(sha256(('p' || i)::bytea), 'base64'), 1, 8), '+/', '-_'),
              now() - i * interval '1 minute',
              now() - i * interval '1 minute',
              CASE WHEN i % 20 = 0 THEN now() - interval '1 hour' END,
              CASE WHEN i % 10 <> 7 THEN now() - random() * interval '14 days' END,
              CASE WHEN i % 50 = 0 THEN now() - interval '2 days' END
       FROM generate_series(1, ${USERS}) i`,
    );
    // This month's usage for 60% of the users; the capped ones spread around their cap (some near, some over).
    await step(
      "usage_monthly",
      `INSERT INTO usage_monthly (api_user_id, month, tokens_used, tokens_reserved, requests)
       SELECT 'usr_bench' || lpad(i::text, 8, '0'), date_trunc('month', now() AT TIME ZONE 'UTC')::date,
              CASE WHEN i % 4 = 0 THEN (random() * 1100000)::bigint ELSE (random() * 500000)::bigint END,
              CASE WHEN i % 13 = 0 THEN 2000 ELSE 0 END, (random() * 1000)::bigint
       FROM generate_series(1, ${USERS}) i WHERE i % 10 < 6`,
    );
    // Audit rows over the last DAYS days; users skewed (a few heavy ones, a long tail), tenants following the user.
    await step(
      `${AUDIT_ROWS} audit rows`,
      `INSERT INTO audit_log (ts, request_id, gateway, api_user_id, api_user_name, tenant_id, method, path, model,
                              status, stream, latency_ms, ttfb_ms, prompt_tokens, completion_tokens, total_tokens,
                              usage_source, client_ip, user_agent, error_code, request_body, request_bytes,
                              response_body, response_bytes)
       SELECT ts, 'req_bench_' || n, CASE WHEN n % 3 = 0 THEN 'post' ELSE 'pre' END,
              'usr_bench' || lpad(u::text, 8, '0'), 'user ' || u, 'team-' || lpad((1 + u % ${TENANTS})::text, 2, '0'),
              'POST', '/v1/chat/completions', (ARRAY['hermes-agent','gpt-5','claude-sonnet','llama-3'])[1 + n % 4],
              s, n % 5 = 0, 200 + (n % 900), 50 + (n % 300),
              CASE WHEN s = 200 THEN 100 + n % 400 END, CASE WHEN s = 200 THEN 50 + n % 300 END,
              CASE WHEN s = 200 THEN 150 + n % 700 END, CASE WHEN s = 200 THEN 'provider' END,
              '10.0.' || (n % 250) || '.' || (n % 200), 'OpenAI/JS 6.49.0',
              CASE s WHEN 429 THEN 'rate_limit_exceeded' WHEN 502 THEN 'upstream_error' END,
              '{"model":"hermes-agent","messages":[{"role":"user","content":"Summarise ticket ' || n || ' for the weekly report, in three short bullet points please."}]}',
              140,
              '{"id":"chatcmpl-' || n || '","choices":[{"message":{"role":"assistant","content":"Here are the three points for ticket ' || n || ': one, two and three."}}]}',
              150
       FROM (
         SELECT n, now() - random() * interval '${DAYS} days' AS ts,
                1 + floor(${USERS} * power(random(), 3))::int AS u,
                CASE WHEN n % 50 = 0 THEN 429 WHEN n % 97 = 0 THEN 502 ELSE 200 END AS s
         FROM generate_series(1, ${AUDIT_ROWS}) n
       ) g`,
    );
    // What autovacuum would have done on a live database: statistics, and the visibility map index-only scans use.
    await step("vacuum analyze", "VACUUM ANALYZE");
    const size = await c.query<{ s: string }>(
      "SELECT pg_size_pretty(pg_database_size(current_database())) AS s",
    );
    console.log(`  database size: ${size.rows[0]!.s}`);
  } finally {
    await c.end();
  }
}

/** A few of the newest users refused for their rate limit just now (the rate_limited badge looks one minute back). */
async function recentRefusals(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO audit_log (ts, request_id, gateway, api_user_id, tenant_id, method, path, status, latency_ms, error_code)
       SELECT now(), 'req_bench_rl_' || u || '_' || floor(extract(epoch FROM now())), 'pre',
              'usr_bench' || lpad(u::text, 8, '0'), 'team-' || lpad((1 + u % ${TENANTS})::text, 2, '0'), 'POST',
              '/v1/chat/completions', 429, 1, 'rate_limit_exceeded'
       FROM generate_series(1, 30, 3) u`,
    );
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const dbName = `hcp_bench_admin_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-admin-"));
  let child: ReturnType<typeof spawn> | null = null;
  const stopChild = () => child?.kill("SIGKILL");
  process.once("SIGINT", () => {
    stopChild();
    process.exit(130);
  });
  try {
    console.log(`seeding ${dbName}:`);
    const t0 = performance.now();
    await seed(databaseUrl);
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const ports = { admin: PORT_BASE, pre: PORT_BASE + 1, post: PORT_BASE + 2 };
    child = spawn(process.execPath, [path.join(ROOT, "src/main.js")], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        DATABASE_URL: databaseUrl,
        HERMES_WORKERS: "1",
        HERMES_ADMIN_PORT: String(ports.admin),
        HERMES_PRE_AI_API_PORT: String(ports.pre),
        HERMES_POST_AI_API_PORT: String(ports.post),
        HERMES_ADMIN_PASSWORD: PASSWORD,
        HERMES_DATA_DIR: dataDir,
        HERMES_HEALTH_INTERVAL_SECONDS: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${ports.admin}`;
    await waitFor(`${base}/readyz`);
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const get = async (p: string) => {
      const t = performance.now();
      const res = await fetch(`${base}${p}`, { headers: { cookie } });
      const text = await res.text();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${text.slice(0, 300)}`);
      return { ms, body: JSON.parse(text) as Record<string, unknown> };
    };

    // A user with a few hundred rows, and a key prefix and name that exist.
    const someUser = userId(500);
    const keyPrefix = (
      (await get(`/api/admin/api-users?q=${encodeURIComponent("carol 12")}&limit=1`)).body.data as {
        key_prefix: string;
      }[]
    )[0]?.key_prefix;
    const now = Date.now();
    const from = new Date(now - 3 * 86_400_000).toISOString();
    const to = new Date(now - 2 * 86_400_000).toISOString();
    const targets: Record<string, string> = {
      "api users, first page": "/api/admin/api-users",
      "api users, tenant filter": "/api/admin/api-users?tenant_id=team-07",
      "api users, status=near_cap": "/api/admin/api-users?status=near_cap",
      "api users, status=rate_limited": "/api/admin/api-users?status=rate_limited",
      "api users, q=<key prefix>": `/api/admin/api-users?q=${encodeURIComponent(keyPrefix?.slice(0, 7) ?? "hms_ab")}`,
      "api users, q=<name>": `/api/admin/api-users?q=${encodeURIComponent("olivia")}`,
      "api users, sort=-tokens_used": "/api/admin/api-users?sort=-tokens_used",
      "logs, first page": "/api/admin/logs",
      "logs, api_user_id": `/api/admin/logs?api_user_id=${someUser}`,
      "logs, time range": `/api/admin/logs?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      "logs, user + time range": `/api/admin/logs?api_user_id=${someUser}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      tenants: "/api/admin/tenants",
    };
    // The usage view aggregates the whole range of the audit log: timed apart, with fewer rounds, so its seconds of
    // database work do not slow the calls timed after it.
    const heavy: Record<string, string> = {
      "usage (30 days)": "/api/admin/usage",
      "usage, one tenant": "/api/admin/usage?tenant_id=team-07",
    };
    const timeRounds = async (set: Record<string, string>, rounds: number) => {
      for (const [name, p] of Object.entries(set)) {
        const { body } = await get(p); // warm-up, and a look at what came back
        const rows = Array.isArray(body.data) ? `${body.data.length} rows` : "";
        console.log(`  ${name}: ${rows}${body.total !== undefined ? `, total ${String(body.total)}` : ""}`);
      }
      const samples = new Map<string, number[]>(Object.keys(set).map((k) => [k, []]));
      for (let round = 0; round < rounds; round++) {
        const names = Object.keys(set);
        if (round % 2) names.reverse();
        for (const name of names) samples.get(name)!.push((await get(set[name]!)).ms);
      }
      return samples;
    };
    await recentRefusals(databaseUrl);
    const samples = await timeRounds(targets, ROUNDS);
    const heavySamples = await timeRounds(heavy, Math.max(3, Math.ceil(ROUNDS / 4)));
    console.log(`\n${USERS} api users, ${AUDIT_ROWS} audit rows; interleaved rounds, ms at the API:`);
    for (const [name, s] of [...samples, ...heavySamples])
      console.log(`  ${name.padEnd(34)} ${JSON.stringify(stats(s))}`);
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} cores`,
    );
  } finally {
    stopChild();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DB === "1") console.log(`kept database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
