/**
 * @module A supervised `hermes proxy start --provider <p> --host 127.0.0.1 --port <port>` child process: Hermes'
 * own OpenAI-compatible proxy, used as the default tenant's pre or post upstream. Restarted with exponential
 * backoff when it exits, its last output lines kept (redacted) for the status view, stopped (SIGTERM, then SIGKILL)
 * on shutdown. A binary that cannot run here is reported once and the proxy stays `unavailable`; the gateway then
 * answers 502 upstream_not_configured for that tenant instead of the service failing to start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import type { Gateway } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { maskValues } from "./home-secrets.js";
import { whyNotRunnable } from "./proxy-binary.js";
import { redactLine } from "./secrets.js";

export type ProxyState = "starting" | "running" | "restarting" | "unavailable" | "stopped";

export type ProxyOutputLine = { at: string; stream: "stdout" | "stderr"; line: string };

export type ProxyStatus = {
  gateway: Gateway;
  provider: string;
  bin: string;
  state: ProxyState;
  pid: number | null;
  /** The upstream the gateway uses, `http://127.0.0.1:<port>/v1`; null while unavailable or stopped. */
  url: string | null;
  started_at: string | null;
  ready_at: string | null;
  restarts: number;
  last_exit: { code: number | null; signal: string | null; at: string } | null;
  next_restart_at: string | null;
  error: string | null;
};

export type ProxyOptions = {
  gateway: Gateway;
  provider: string;
  bin: string;
  hermesHome: string;
  /** The inherited environment (an allow-list, see config); HERMES_HOME is added. */
  env: Readonly<Record<string, string>>;
  logger: Logger;
  backoffMs?: { initial: number; max: number };
  /** A run this long resets the backoff. */
  stableAfterMs?: number;
  stopGraceMs?: number;
  outputLines?: number;
  /** Secret values to mask in the output (read again at every start), besides what looks like one. */
  knownSecrets?: () => Promise<string[]>;
  /** Called after every change of the status (not of the output), so a cluster primary can pass it on. */
  onChange?: () => void;
};

export interface HermesProxy {
  readonly gateway: Gateway;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ProxyStatus;
  /** The last output lines, redacted. */
  output(): ProxyOutputLine[];
  /** Where the gateway sends this tenant's requests; null = answer 502 upstream_not_configured. */
  upstreamUrl(): string | null;
}

async function freePort(preferred: number | null): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, "127.0.0.1", () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred !== null) {
    const again = await tryListen(preferred);
    if (again !== null) return again;
  }
  const port = await tryListen(0);
  if (port === null) throw new Error("no free local port");
  return port;
}

export function createHermesProxy(o: ProxyOptions): HermesProxy {
  const backoff = o.backoffMs ?? { initial: 1_000, max: 60_000 };
  const stableAfterMs = o.stableAfterMs ?? 60_000;
  const name = `hermes proxy (${o.gateway})`;
  const lines: ProxyOutputLine[] = [];
  const s: ProxyStatus = {
    gateway: o.gateway,
    provider: o.provider,
    bin: o.bin,
    state: "stopped",
    pid: null,
    url: null,
    started_at: null,
    ready_at: null,
    restarts: 0,
    last_exit: null,
    next_restart_at: null,
    error: null,
  };
  let child: ChildProcess | null = null;
  let port: number | null = null;
  let stopping = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();
  let secrets: string[] = [];
  const changed = () => o.onChange?.();

  const record = (stream: ProxyOutputLine["stream"], chunk: string) => {
    for (const line of chunk.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      lines.push({
        at: new Date().toISOString(),
        stream,
        line: redactLine(maskValues(line, secrets)).slice(0, 2000),
      });
      if (lines.length > (o.outputLines ?? 200)) lines.shift();
    }
  };

  const unavailable = (why: string) => {
    s.state = "unavailable";
    s.error = why;
    s.pid = null;
    s.url = null;
    changed();
    o.logger.error(
      `${name}: ${why}; the default tenant's ${o.gateway} gateway answers 502 upstream_not_configured`,
    );
  };

  const waitUntilReady = async (proc: ChildProcess, p: number) => {
    const deadline = Date.now() + 60_000;
    while (child === proc && !stopping && Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${p}/health`, { signal: AbortSignal.timeout(1_000) });
        await res.body?.cancel();
        if (res.ok && child === proc) {
          s.state = "running";
          s.ready_at = new Date().toISOString();
          changed();
          o.logger.info({ pid: proc.pid, port: p, provider: o.provider }, `${name}: running`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const launch = async () => {
    restartTimer = null;
    s.next_restart_at = null;
    if (stopping) return;
    secrets = (await o.knownSecrets?.().catch(() => [])) ?? [];
    port = await freePort(port);
    s.state = s.restarts > 0 ? "restarting" : "starting";
    s.url = `http://127.0.0.1:${port}/v1`;
    const args = ["proxy", "start", "--provider", o.provider, "--host", "127.0.0.1", "--port", String(port)];
    // A process group of its own, so stopping it also stops whatever it started.
    const proc = spawn(o.bin, args, {
      env: { ...o.env, HERMES_HOME: o.hermesHome },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = proc;
    const startedAt = Date.now();
    s.started_at = new Date(startedAt).toISOString();
    s.ready_at = null;
    s.pid = proc.pid ?? null;
    s.error = null;
    proc.stdout!.setEncoding("utf8").on("data", (d: string) => record("stdout", d));
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => record("stderr", d));
    changed();
    exited = new Promise((resolve) => {
      proc.once("error", (err: NodeJS.ErrnoException) => {
        // spawn itself failed (ENOEXEC, EACCES…): running it again will not help.
        child = null;
        unavailable(`${o.bin} could not be started (${err.code ?? "error"})`);
        resolve();
      });
      proc.once("exit", (code, signal) => {
        if (child !== proc) return resolve();
        child = null;
        s.pid = null;
        s.last_exit = { code, signal, at: new Date().toISOString() };
        if (stopping) {
          s.state = "stopped";
          s.url = null;
          changed();
          return resolve();
        }
        failures = Date.now() - startedAt >= stableAfterMs ? 0 : failures + 1;
        const delay = Math.min(backoff.max, backoff.initial * 2 ** Math.max(0, failures - 1));
        s.restarts += 1;
        s.state = "restarting";
        s.next_restart_at = new Date(Date.now() + delay).toISOString();
        changed();
        o.logger.warn({ code, signal, restartInMs: delay }, `${name}: exited; restarting`);
        restartTimer = setTimeout(() => void launch(), delay);
        restartTimer.unref();
        resolve();
      });
    });
    if (proc.pid !== undefined) void waitUntilReady(proc, port);
  };

  return {
    gateway: o.gateway,
    async start() {
      stopping = false;
      const why = await whyNotRunnable(o.bin);
      if (why) return unavailable(why);
      await launch();
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      s.next_restart_at = null;
      const proc = child;
      if (proc?.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
        const kill = (sig: NodeJS.Signals) => {
          try {
            process.kill(-proc.pid!, sig);
          } catch {
            // already gone
          }
        };
        kill("SIGTERM");
        const timer = setTimeout(() => kill("SIGKILL"), o.stopGraceMs ?? 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (s.state !== "unavailable") {
        s.state = "stopped";
        s.url = null;
      }
      changed();
    },
    status: () => ({ ...s }),
    output: () => lines.map((l) => ({ ...l })),
    upstreamUrl: () => (s.state === "unavailable" || s.state === "stopped" ? null : s.url),
  };
}
