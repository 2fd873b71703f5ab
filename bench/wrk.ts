/**
 * @module Bench: wrk runs (pinned to core 0) and their request scripts, for the gateway benches.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** cpuUs: CPU (user + system) the measured proxy used per request, when a CPU reader was given. */
export type WrkResult = { rps: number; p50: number; p99: number; cpuUs: number | null };

/**
 * Runs wrk (one thread, pinned to core 0) for `seconds` and reads requests/s and the latency percentiles (in ms).
 * `cpu` reads the measured process's CPU seconds so far (a process, or a cluster's whole tree).
 */
export function runWrk(
  url: string,
  connections: number,
  seconds: number,
  script: string,
  cpu?: () => number,
): WrkResult {
  const cpu0 = cpu ? cpu() : 0;
  const out = execFileSync(
    "taskset",
    ["-c", "0", "wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url],
    { encoding: "utf8", timeout: (seconds + 30) * 1000 },
  );
  const ms = (label: string): number => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(out);
    if (!m) throw new Error(`cannot read ${label}% from wrk output:\n${out}`);
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error responses at ${url}:\n${out}`);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const cpuUs = cpu ? ((cpu() - cpu0) * 1e6) / requests : null;
  return { rps, p50: ms("50"), p99: ms("99"), cpuUs };
}

/** A wrk script POSTing about 1 KB of chat completion JSON (streamed with include_usage, or not). */
export function luaScript(dir: string, name: string, key: string | null, stream: boolean): string {
  const body = JSON.stringify({
    model: "bench",
    max_tokens: 16,
    stream,
    // As in issue 21's figures: the client asks for usage itself (the gateway then has no chunk to hide).
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [{ role: "user", content: "x".repeat(stream ? 860 : 910) }],
  });
  const file = path.join(dir, `${name}.lua`);
  fs.writeFileSync(
    file,
    [
      `wrk.method = "POST"`,
      `wrk.body = '${body}'`,
      `wrk.headers["Content-Type"] = "application/json"`,
      ...(key ? [`wrk.headers["Authorization"] = "Bearer ${key}"`] : []),
    ].join("\n"),
  );
  return file;
}
