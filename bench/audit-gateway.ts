/**
 * @module Bench: gateway throughput with the audit log on and off. It starts the service twice, in child processes
 * (audit on, audit off) on one database, seeds a key in each and drives POST /v1/chat/completions with 2 KB bodies from
 * this process (which also runs a minimal upstream answering a 2 KB chat completion). Both gateways run for the whole
 * bench, are warmed up, then take turns under load, so the shared machine's drift falls on both alike. "Off" replaces
 * the writer's record() with a no-op in the child (bench only; the service has no such switch).
 * Besides requests/s on the shared cores it reports CPU per request of the gateway process (and how much of it in the
 * kernel) and of PostgreSQL, so the cost of audit on a gateway with a core of its own (PostgreSQL elsewhere) can be read
 * apart from the contention.
 *
 * BENCH_AUDIT_PARTS takes parts of "on" away to see what each costs: `no-spool` (records are not appended to the
 * spool file), `no-fsync` (the spool is not fdatasync'ed each second), `no-database` (batches are not written),
 * comma-separated; `time-spool` keeps every part and times each spool append instead (wall and CPU per record, in
 * the child's last line; the timing itself adds two getrusage calls per record). This reaches into the writer's
 * private members: a diagnostic, never a configuration of the service. With BENCH_BASELINE=on the "off" gateway runs
 * with audit on and whole, so the parts are priced side by side against it ("off" in the output is that baseline).
 * BENCH_NODE_ARGS adds node/V8 flags to both children (e.g. "--trace-gc"); their output then goes to
 * <tmpdir>/bench-gateway-on.log and -off.log.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/audit-gateway.js [secondsPerRound] [rounds] [connections]
 */
import { spawn, type ChildProcess } from "node:child_process";
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
import { cpuSeconds, cpuSplit, postgresPids } from "./proc-cpu.js";

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
    // HERMES_AUDIT_MAX_BYTES=0 measures a metadata-only audit log.
    ...(process.env.HERMES_AUDIT_MAX_BYTES
      ? { HERMES_AUDIT_MAX_BYTES: process.env.HERMES_AUDIT_MAX_BYTES }
      : {}),
  });
  const service = await startService(config, createLogger({ level: "warn", format: "json" }));
  if (audit === "off") (service.deps.audit as { record: (r: unknown) => void }).record = () => undefined;
  const parts = audit === "on" ? (process.env.BENCH_AUDIT_PARTS ?? "").split(",") : [];
  const writer = service.deps.audit as unknown as {
    insert(): Promise<void>;
    spool: { append(frame: Buffer): unknown; sync(): Promise<void> };
  };
  if (parts.includes("no-database")) writer.insert = async () => undefined;
  if (parts.includes("no-spool")) writer.spool.append = () => null;
  if (parts.includes("no-fsync")) writer.spool.sync = async () => undefined;
  const spoolTime = { appends: 0, wallMs: 0, cpuUs: 0 };
  if (parts.includes("time-spool")) {
    const append = writer.spool.append.bind(writer.spool);
    writer.spool.append = (frame) => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      try {
        return append(frame);
      } finally {
        const cpu = process.cpuUsage(cpu0);
        spoolTime.cpuUs += cpu.user + cpu.system;
        spoolTime.wallMs += performance.now() - t0;
        spoolTime.appends++;
      }
    };
  }
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
      const timed = spoolTime.appends > 0;
      process.stderr.write(
        `${JSON.stringify({
          rows_written: stats.rows_written,
          queue_depth: stats.queue_depth,
          ...(timed && {
            spool_append_wall_us: Math.round((spoolTime.wallMs * 10_000) / spoolTime.appends) / 10,
            spool_append_cpu_us: Math.round((spoolTime.cpuUs * 10) / spoolTime.appends) / 10,
          }),
        })}\n`,
      );
      process.exit(0);
    });
  });
}

/** CPU seconds of every PostgreSQL server process on this machine (backends, WAL writer, checkpointer...). */
function postgresCpuSeconds(): number {
  return postgresPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

type Gateway = { audit: "on" | "off"; child: ChildProcess; pre: number; apiKey: string };

async function startGateway(audit: "on" | "off", databaseUrl: string, upstreamUrl: string): Promise<Gateway> {
  // BENCH_CPU_PROF=<dir> profiles each child.
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const baseline = audit === "off" && process.env.BENCH_BASELINE === "on";
  const { BENCH_AUDIT_PARTS: _parts, ...baselineEnv } = process.env;
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...nodeArgs,
      fileURLToPath(import.meta.url),
      "serve",
      baseline ? "on" : audit,
      databaseUrl,
      upstreamUrl,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: audit === "off" ? baselineEnv : process.env,
    },
  );
  const ready = await new Promise<{ pre: number; apiKey: string }>((resolve, reject) => {
    let out = "";
    let started = false;
    child.once("exit", () => reject(new Error("child exited")));
    const trace = nodeArgs.length
      ? fs.createWriteStream(path.join(os.tmpdir(), `bench-gateway-${audit}.log`))
      : null;
    child.stdout!.on("data", (d: Buffer) => {
      trace?.write(d);
      if (started) return;
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("BENCH_READY ") && out.includes(`${l}\n`));
      if (!line) return;
      started = true;
      resolve(JSON.parse(line.slice("BENCH_READY ".length)) as { pre: number; apiKey: string });
    });
  });
  return { audit, child, ...ready };
}

async function stopGateway(gateway: Gateway): Promise<void> {
  gateway.child.kill("SIGTERM");
  await new Promise((r) => gateway.child.once("exit", r));
}

/** Drives one gateway for `seconds` and reads what it cost. */
async function round(gateway: Gateway, seconds: number, connections: number) {
  const pool = new Pool(`http://127.0.0.1:${gateway.pre}`, { connections, pipelining: 1 });
  const body = JSON.stringify({
    model: "hermes-agent",
    max_tokens: 600,
    messages: [{ role: "user", content: "lorem ipsum ".repeat(165) }],
  });
  const headers = { "content-type": "application/json", authorization: `Bearer ${gateway.apiKey}` };
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
  const pid = gateway.child.pid!;
  const t0 = performance.now();
  const gw0 = cpuSplit(pid);
  const pg0 = postgresCpuSeconds();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const gw1 = cpuSplit(pid);
  const gatewayUser = gw1.user - gw0.user;
  const gatewaySystem = gw1.system - gw0.system;
  const postgresCpu = postgresCpuSeconds() - pg0;
  await pool.close();
  return {
    audit: gateway.audit,
    requests_per_second: Math.round(ok / elapsed),
    // CPU per request: what throughput would follow if the gateway had its core to itself (PostgreSQL elsewhere).
    gateway_cpu_us_per_request: Math.round(((gatewayUser + gatewaySystem) * 1e6) / ok),
    // Of which in the kernel (syscalls, page faults): the spool's write(2) and the sockets' writes land here.
    gateway_system_us_per_request: Math.round((gatewaySystem * 1e6) / ok),
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
  // Both gateways run for the whole bench and take turns under load, so a change in the shared machine's speed
  // falls on both alike; each is warmed up (JIT) before the first measured round.
  const gateways = {
    on: await startGateway("on", url.toString(), upstream.url),
    off: await startGateway("off", url.toString(), upstream.url),
  };
  try {
    for (const g of Object.values(gateways))
      console.log(JSON.stringify({ warmup: true, ...(await round(g, 3, connections)) }));
    const results: Awaited<ReturnType<typeof round>>[] = [];
    for (let i = 0; i < rounds; i++) {
      const first = process.env.BENCH_FIRST === "off" ? 1 : 0;
      const r = await round(gateways[(i + first) % 2 === 0 ? "on" : "off"], seconds, connections);
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
    await Promise.all(Object.values(gateways).map(stopGateway));
    upstream.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
