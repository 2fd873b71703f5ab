/**
 * @module Bench: gateway throughput with the audit log on and off. Each round starts the service in a child process,
 * seeds one key and drives POST /v1/chat/completions with 2 KB bodies from this process (which also runs a minimal
 * upstream answering a 2 KB chat completion) for a fixed time. Rounds alternate on/off to spread the shared machine's
 * noise. "Off" replaces the writer's record() with a no-op in the child (bench only; the service has no such switch).
 * Besides requests/s on the shared cores it reports CPU per request of the gateway process and of PostgreSQL, so the
 * cost of audit on a gateway with a core of its own (PostgreSQL elsewhere) can be read apart from the contention.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/audit-gateway.js [secondsPerRound] [rounds] [connections]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Pool } from "undici";
import { SYSTEM_ACTOR } from "../src/admin-events/admin-events.repository.js";
import { startService } from "../src/app/service.js";
import { loadConfig } from "../src/config/config.js";
import { createApiUser } from "../src/keys/keys.service.js";
import { createLogger } from "../src/logging/logger.js";
import { createTenant } from "../src/tenants/tenants.service.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(query);
  await c.end();
}

/** A fixed OpenAI-style answer of about 2 KB, with usage. */
async function startUpstream(): Promise<{ url: string; close(): void }> {
  const answer = JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 0,
    model: "hermes-agent",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "lorem ipsum ".repeat(165) },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 500, completion_tokens: 500, total_tokens: 1000 },
  });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => server.close(),
  };
}

async function serve(audit: "on" | "off", databaseUrl: string, upstreamUrl: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-gw-"));
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    HERMES_DATA_DIR: dataDir,
    HERMES_ADMIN_PORT: "0",
    HERMES_PRE_AI_API_PORT: "0",
    HERMES_POST_AI_API_PORT: "0",
    LOG_LEVEL: "warn",
  });
  const service = await startService(config, createLogger({ level: "warn", format: "json" }));
  if (audit === "off") (service.deps.audit as { record: (r: unknown) => void }).record = () => undefined;
  const db = service.deps.database.db;
  const tenant = await createTenant(
    { db, secretKey: config.secrets.secretKey },
    {
      id: `bench-${randomBytes(3).toString("hex")}`,
      name: "Bench",
      preUpstreamUrl: upstreamUrl,
      postUpstreamUrl: null,
      upstreamApiKey: null,
    },
    SYSTEM_ACTOR,
  );
  const { apiKey } = await createApiUser(
    { db, keyPepper: config.secrets.keyPepper },
    { name: "bench", tenantId: tenant.id, gateways: ["pre"], rpmLimit: null, monthlyTokenCap: null },
    SYSTEM_ACTOR,
  );
  // The service logs to stdout too: mark our line.
  process.stdout.write(`BENCH_READY ${JSON.stringify({ pre: service.ports.pre, apiKey })}\n`);
  process.on("SIGTERM", () => {
    const stats = service.deps.audit.stats();
    void service.stop().then(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.stderr.write(
        `${JSON.stringify({ rows_written: stats.rows_written, queue_depth: stats.queue_depth })}\n`,
      );
      process.exit(0);
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return 0; // gone
  }
}

/** CPU seconds of every PostgreSQL server process on this machine (backends, WAL writer, checkpointer...). */
function postgresCpuSeconds(): number {
  let sum = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") sum += cpuSeconds(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  return sum;
}

async function round(
  audit: "on" | "off",
  databaseUrl: string,
  upstreamUrl: string,
  seconds: number,
  connections: number,
) {
  // BENCH_CPU_PROF=<dir> profiles each child.
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, fileURLToPath(import.meta.url), "serve", audit, databaseUrl, upstreamUrl],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const ready = await new Promise<{ pre: number; apiKey: string }>((resolve, reject) => {
    let out = "";
    child.once("exit", () => reject(new Error("child exited")));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("BENCH_READY ") && out.includes(`${l}\n`));
      if (line) resolve(JSON.parse(line.slice("BENCH_READY ".length)) as { pre: number; apiKey: string });
    });
  });
  const pool = new Pool(`http://127.0.0.1:${ready.pre}`, { connections, pipelining: 1 });
  const body = JSON.stringify({
    model: "hermes-agent",
    max_tokens: 600,
    messages: [{ role: "user", content: "lorem ipsum ".repeat(165) }],
  });
  const headers = { "content-type": "application/json", authorization: `Bearer ${ready.apiKey}` };
  let ok = 0;
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const res = await pool.request({ path: "/v1/chat/completions", method: "POST", headers, body });
      await res.body.text();
      if (res.statusCode === 200) ok++;
      else failed++;
    }
  };
  const t0 = performance.now();
  const gw0 = cpuSeconds(child.pid!);
  const pg0 = postgresCpuSeconds();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const gatewayCpu = cpuSeconds(child.pid!) - gw0;
  const postgresCpu = postgresCpuSeconds() - pg0;
  await pool.close();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return {
    audit,
    requests_per_second: Math.round(ok / elapsed),
    // CPU per request: what throughput would follow if the gateway had its core to itself (PostgreSQL elsewhere).
    gateway_cpu_us_per_request: Math.round((gatewayCpu * 1e6) / ok),
    postgres_cpu_us_per_request: Math.round((postgresCpu * 1e6) / ok),
    ok,
    failed,
    load: os.loadavg()[0]!.toFixed(1),
  };
}

if (process.argv[2] === "serve") {
  await serve(process.argv[3] as "on" | "off", process.argv[4]!, process.argv[5]!);
} else {
  const seconds = Number(process.argv[2] ?? 15);
  const rounds = Number(process.argv[3] ?? 4);
  const connections = Number(process.argv[4] ?? 32);
  const name = `hcp_bench_gw_${randomBytes(4).toString("hex")}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // The upstream runs here, beside the load, so the gateway process's CPU is the gateway's alone.
  const upstream = await startUpstream();
  try {
    const results: Awaited<ReturnType<typeof round>>[] = [];
    for (let i = 0; i < rounds; i++) {
      const first = process.env.BENCH_FIRST === "off" ? 1 : 0;
      const r = await round(
        (i + first) % 2 === 0 ? "on" : "off",
        url.toString(),
        upstream.url,
        seconds,
        connections,
      );
      console.log(JSON.stringify(r));
      results.push(r);
    }
    const mean = (a: "on" | "off", of: (r: (typeof results)[number]) => number) => {
      const xs = results.filter((r) => r.audit === a).map(of);
      return xs.reduce((x, y) => x + y, 0) / xs.length;
    };
    const rps = (r: (typeof results)[number]) => r.requests_per_second;
    const gwCpu = (r: (typeof results)[number]) => r.gateway_cpu_us_per_request;
    console.log(
      JSON.stringify({
        on: Math.round(mean("on", rps)),
        off: Math.round(mean("off", rps)),
        // Everything on two shared cores: load, upstream, gateway and PostgreSQL.
        on_vs_off: Number((mean("on", rps) / mean("off", rps)).toFixed(3)),
        // The gateway on a core of its own: requests per gateway-CPU-second, on over off.
        on_vs_off_gateway_cpu: Number((mean("off", gwCpu) / mean("on", gwCpu)).toFixed(3)),
      }),
    );
  } finally {
    upstream.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
