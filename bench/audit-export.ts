/**
 * @module Bench: JSONL export throughput and the server's memory while streaming 1,000,000 records. Fills a fresh
 * database server-side (generate_series), starts the built service as a process, signs in, downloads one user's
 * whole history through GET /api/admin/logs/download and reports records/s and the service's peak RSS. Run by hand:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/audit-export.js [rows] [--keep]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { cpuSeconds } from "./proc-cpu.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROWS = Number(process.argv[2] ?? 1_000_000);
const PASSWORD = "bench-admin-password-0123456789";

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function backendPids(db: string): Promise<number[]> {
  return withClient(ADMIN_URL, async (c) =>
    (await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [db])).rows.map(
      (r) => r.pid,
    ),
  );
}

function vm(pid: number, field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

// `--db <name>` reuses a database filled by an earlier `--keep` run.
const reuse = process.argv.includes("--db") ? process.argv[process.argv.indexOf("--db") + 1] : undefined;
const name = reuse ?? `hcp_bench_export_${randomBytes(4).toString("hex")}`;
if (!reuse) await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE "${name}"`));
console.log(`database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-export-"));
// BENCH_CPU_PROF=<dir> profiles the service.
const profile = process.env.BENCH_CPU_PROF
  ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];
const proc = spawn(process.execPath, [...profile, "dist/src/main.js"], {
  env: {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    DATABASE_URL: url.toString(),
    HERMES_DATA_DIR: dataDir,
    HERMES_ADMIN_PASSWORD: PASSWORD,
    HERMES_ADMIN_PORT: "0",
    HERMES_PRE_AI_API_PORT: "0",
    HERMES_POST_AI_API_PORT: "0",
    LOG_LEVEL: "info",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
try {
  const adminPort = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.once("exit", () => reject(new Error(`service exited:\n${out}`)));
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.includes('"service: listening"'));
      if (line) resolve((JSON.parse(line) as { admin: number }).admin);
      if (out.length > 1_000_000) out = "";
    });
  });

  const t0 = performance.now();
  if (!reuse)
    await withClient(url.toString(), async (c) => {
      // Spread over ROWS × 2 s back from now: ~23 days for a million rows, so many day partitions are crossed.
      const days = Math.ceil((ROWS * 2) / 86_400) + 2;
      for (let d = 0; d <= days; d++) {
        const day = new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
        const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
        await c.query(
          `CREATE TABLE IF NOT EXISTS audit_log_p${day.replace(/-/g, "")} PARTITION OF audit_log FOR VALUES FROM ('${day}T00:00:00Z') TO ('${next}T00:00:00Z')`,
        );
      }
      await c.query(`
      INSERT INTO audit_log (ts, request_id, gateway, api_user_id, api_user_name, tenant_id, method, path, model, status,
        stream, latency_ms, ttfb_ms, prompt_tokens, completion_tokens, total_tokens, usage_source, client_ip, user_agent,
        error_code, aborted, request_body, request_bytes, request_truncated, response_body, response_bytes, response_truncated)
      SELECT now() - g * interval '2 seconds', 'req_' || md5(g::text), CASE WHEN g % 2 = 0 THEN 'pre' ELSE 'post' END,
        'usr_bench', 'Bench User', 'default', 'POST', '/v1/chat/completions', 'hermes-agent', 200, g % 3 = 0, 120, 40,
        100, 50, 150, 'provider', '10.0.0.1', 'bench/1.0', NULL, false,
        json_build_object('model', 'hermes-agent', 'messages',
          json_build_array(json_build_object('role', 'user', 'content', repeat(md5(g::text), 16))))::text, 600, false,
        json_build_object('id', 'chatcmpl-' || g, 'choices', json_build_array(json_build_object('message',
          json_build_object('role', 'assistant', 'content', repeat(md5((g + 1)::text), 16)))))::text, 640, false
      FROM generate_series(1, ${ROWS}) g`);
      await c.query("VACUUM ANALYZE audit_log");
    });
  if (!reuse) console.log(`filled ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const login = await fetch(`http://127.0.0.1:${adminPort}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const rssBefore = vm(proc.pid!, "VmRSS");
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, vm(proc.pid!, "VmRSS"))), 100);

  // Warm the pool so its backends exist before we sample their CPU.
  await fetch(`http://127.0.0.1:${adminPort}/api/admin/logs?limit=1`, { headers: { cookie } }).then((r) =>
    r.text(),
  );
  const pgPids = await backendPids(name);
  const pgCpu0 = pgPids.reduce((n, p) => n + cpuSeconds(p), 0);
  const cpu0 = cpuSeconds(proc.pid!);
  const start = performance.now();
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/admin/logs/download?api_user_id=usr_bench`, {
    headers: { cookie },
  });
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  // The client shares the 2 cores with the service: count lines on bytes, parse one line in 100 (order check).
  let lines = 0;
  let bytes = 0;
  let partial: Buffer = Buffer.alloc(0);
  let lastTs = "";
  for await (const value of res.body!) {
    const chunk = Buffer.from(value as Uint8Array);
    bytes += chunk.byteLength;
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      if (lines % 100 === 0) {
        const line = Buffer.concat([partial, chunk.subarray(from, nl)]).toString("utf8");
        const ts = (JSON.parse(line) as { ts: string }).ts;
        if (ts < lastTs) throw new Error("out of order");
        lastTs = ts;
      }
      partial = Buffer.alloc(0);
      lines++;
      from = nl + 1;
    }
    partial = Buffer.concat([partial, chunk.subarray(from)]);
  }
  const seconds = (performance.now() - start) / 1000;
  const serviceCpu = cpuSeconds(proc.pid!) - cpu0;
  const pgCpu = pgPids.reduce((n, p) => n + cpuSeconds(p), 0) - pgCpu0;
  clearInterval(sampler);
  console.log(
    JSON.stringify({
      rows: ROWS,
      lines,
      megabytes: Math.round(bytes / 1024 / 1024),
      seconds: Number(seconds.toFixed(2)),
      records_per_second: Math.round(lines / seconds),
      // Load-independent: what one core of each side does per second (the bench machine is shared).
      service_cpu_seconds: Number(serviceCpu.toFixed(1)),
      records_per_service_cpu_second: Math.round(lines / serviceCpu),
      postgres_backend_cpu_seconds: Number(pgCpu.toFixed(1)),
      load_average: os.loadavg().map((l) => Number(l.toFixed(1))),
      service_rss_before_mb: rssBefore,
      service_rss_peak_during_export_mb: peakRss,
      service_vmhwm_mb: vm(proc.pid!, "VmHWM"),
    }),
  );
} finally {
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  if (!process.argv.includes("--keep") && !reuse)
    await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
