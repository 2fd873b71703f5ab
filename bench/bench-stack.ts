/**
 * @module Bench: what the gateway benches share. A fresh database with a tenant and two keys (an RPM limit, one with a
 * monthly cap and one without), the fast upstream, the bare Hono + undici proxies and gateways as child processes
 * pinned with taskset, and the cleanup. Everything on 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { SYSTEM_ACTOR } from "../src/admin-events/admin-events.repository.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createApiUser } from "../src/keys/keys.service.js";
import { createLogger } from "../src/logging/logger.js";
import { createTenant } from "../src/tenants/tenants.service.js";
import { postgresPids } from "./proc-cpu.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const HERE = path.dirname(new URL(import.meta.url).pathname);
/** dist/bench: the built service is at <ROOT>/src/main.js. */
export const ROOT = path.resolve(HERE, "../..");
export const BENCH_DIR = HERE;

/** BENCH_PORT_BASE (default 31000) moves every port, should something else on the machine hold these. */
const BASE = Number(process.env.BENCH_PORT_BASE ?? 31000);
export const PORTS = {
  upstream: BASE + 80,
  bare: BASE + 81,
  bareDirect: BASE + 82,
  pre: BASE + 645,
  post: BASE + 646,
  admin: BASE + 843,
};

/** Sets the CPU affinity of every PostgreSQL process (all threads). */
export function pinPostgres(cpus: string): void {
  for (const pid of postgresPids()) {
    try {
      execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
    } catch {
      // exited meanwhile
    }
  }
}

/** Pins this process (all its threads) to `cpus`: a load generator running in the bench process itself. */
export function pinSelf(cpus: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url);
      await r.text();
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

export type BenchKeys = { capped: string; uncapped: string };

export type Stack = {
  databaseUrl: string;
  tmp: string;
  keys: BenchKeys;
  /** Starts a child process pinned to `cpu` (a taskset list); killed at close. */
  start(
    cpu: string,
    script: string,
    args: string[],
    env?: Record<string, string>,
    nodeArgs?: string[],
  ): ChildProcess;
  /** Starts the fast upstream on core 0 and the bare proxies on `proxyCpu`; resolves when all answer. */
  startReference(proxyCpu: string): Promise<{ bare: ChildProcess; bareDirect: ChildProcess }>;
  /** Starts the built service (ports offset by `portOffset`), resolves once its pre gateway is ready. */
  startGateway(
    cpu: string,
    env?: Record<string, string>,
    options?: { portOffset?: number; nodeArgs?: string[] },
  ): Promise<{ child: ChildProcess; pre: number }>;
};

async function seed(databaseUrl: string): Promise<BenchKeys> {
  const logger = createLogger({ level: "silent", format: "json" });
  const database = await openDatabase({ url: databaseUrl, poolMax: 2, dataDir: os.tmpdir(), logger });
  await migrateToLatest(database.db);
  await createTenant(
    { db: database.db, secretKey: undefined },
    {
      id: "bench",
      name: "Bench",
      preUpstreamUrl: `http://127.0.0.1:${PORTS.upstream}/v1`,
      postUpstreamUrl: `http://127.0.0.1:${PORTS.upstream}/v1`,
      upstreamApiKey: "sk-bench-upstream",
    },
    SYSTEM_ACTOR,
  );
  const ctx = { db: database.db, keyPepper: undefined };
  const base = {
    tenantId: "bench",
    gateways: ["pre", "post"] as ("pre" | "post")[],
    rpmLimit: 1_000_000_000,
  };
  const capped = await createApiUser(ctx, { ...base, name: "capped", monthlyTokenCap: 1e15 }, SYSTEM_ACTOR);
  const uncapped = await createApiUser(
    ctx,
    { ...base, name: "uncapped", monthlyTokenCap: null },
    SYSTEM_ACTOR,
  );
  await database.close();
  return { capped: capped.apiKey, uncapped: uncapped.apiKey };
}

/** Runs `body` with a fresh database, seeded keys and a temp dir; every child and the database go afterwards. */
export async function withStack(body: (stack: Stack) => Promise<void>): Promise<void> {
  const dbName = `hcp_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-"));
  const children: ChildProcess[] = [];
  const start: Stack["start"] = (cpu, script, args, env = {}, nodeArgs = []) => {
    const child = spawn("taskset", ["-c", cpu, process.execPath, ...nodeArgs, script, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    return child;
  };
  // Interrupted (Ctrl-C, a timeout): the children go too, rather than hold the ports.
  const interrupted = () => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const keys = await seed(databaseUrl);
    await body({
      databaseUrl,
      tmp,
      keys,
      start,
      async startReference(proxyCpu) {
        start("0", path.join(HERE, "gateway-fast-upstream.js"), [String(PORTS.upstream)]);
        const origin = `http://127.0.0.1:${PORTS.upstream}`;
        const bare = start(proxyCpu, path.join(HERE, "gateway-bare-proxy.js"), [String(PORTS.bare), origin]);
        const bareDirect = start(proxyCpu, path.join(HERE, "gateway-bare-proxy.js"), [
          String(PORTS.bareDirect),
          origin,
          "--direct",
        ]);
        await waitFor(`${origin}/v1/models`);
        await waitFor(`http://127.0.0.1:${PORTS.bare}/v1/models`);
        await waitFor(`http://127.0.0.1:${PORTS.bareDirect}/v1/models`);
        return { bare, bareDirect };
      },
      async startGateway(cpu, env = {}, options = {}) {
        const offset = options.portOffset ?? 0;
        const dataDir = fs.mkdtempSync(path.join(tmp, "gateway-"));
        const child = start(
          cpu,
          path.join(ROOT, "src/main.js"),
          [],
          {
            DATABASE_URL: databaseUrl,
            HERMES_PRE_AI_API_PORT: String(PORTS.pre + offset),
            HERMES_POST_AI_API_PORT: String(PORTS.post + offset),
            HERMES_ADMIN_PORT: String(PORTS.admin + offset),
            HERMES_ADMIN_PASSWORD: "bench-admin-password-123456",
            HERMES_DATA_DIR: dataDir,
            HERMES_WORKERS: "1",
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
            ...env,
          },
          options.nodeArgs ?? [],
        );
        await waitFor(`http://127.0.0.1:${PORTS.pre + offset}/readyz`);
        return { child, pre: PORTS.pre + offset };
      },
    });
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              c.kill("SIGKILL");
              resolve();
            }, 15_000);
            c.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The median of a list of numbers. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
