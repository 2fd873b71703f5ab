/**
 * @module Bench: added latency (c=1) and throughput (c=50) of the gateway with auth, RPM limit, monthly cap
 * accounting, usage settlement and audit recording all on, against a fast local upstream, side by side with the
 * upstream called directly and a bare Hono + undici pass-through (twice: streams returned as a web stream, Hono's
 * idiom, and streams written to the node response, as the gateway does). Proxies are pinned to core 1 (`taskset -c 1`),
 * wrk and the upstream to core 0; everything on 127.0.0.1, bounded in time. Run by hand (needs wrk and PostgreSQL):
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/bench/gateway-bench.js
 *
 * BENCH_SECONDS (default 8) per measurement, BENCH_ROUNDS (default 2) rounds, interleaved so noise hits all alike.
 * Besides the medians per path it prints paired figures: each round's gateway figure against the bare proxy's (or the
 * direct call's) of the same round, as median and range over rounds. Use many short rounds for those (e.g.
 * BENCH_SECONDS=3 BENCH_ROUNDS=12): on a VM whose speed drifts, same-round ratios are the steadier reading.
 */
import os from "node:os";
import { pinPostgres, PORTS, withStack } from "./bench-stack.js";
import { cpuSeconds } from "./proc-cpu.js";
import { luaScript, runWrk, type WrkResult } from "./wrk.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/**
 * BENCH_PROXY_CPU=0 puts the proxies on wrk's and the upstream's core: no cross-core wake-up on a hop, and PostgreSQL
 * (not pinned) has the other core to itself instead of sharing the gateway's.
 */
const PROXY_CPU = process.env.BENCH_PROXY_CPU ?? "1";
/**
 * BENCH_PG_CPU=0 pins this machine's PostgreSQL (and the backends it forks) to that core for the run, restored to all
 * cores at the end. Unpinned, PostgreSQL's audit and admission work lands on the proxies' core too (measured: the
 * capped key's c=1 p99 went from 14-27 ms to 5-6 ms once PostgreSQL was kept off it), which only the gateway pays.
 */
const PG_CPU = process.env.BENCH_PG_CPU;

/** Runs wrk pinned to core 0 (requests/s, latency percentiles in ms, CPU per request of the process `pid`). */
const wrk = (url: string, connections: number, script: string, pid?: number): WrkResult =>
  runWrk(url, connections, SECONDS, script, pid ? () => cpuSeconds(pid) : undefined);

async function main(): Promise<void> {
  if (PG_CPU) pinPostgres(PG_CPU);
  try {
    await withStack(async (stack) => {
      const { keys, tmp } = stack;
      const { bare: bareProxy, bareDirect: bareDirectProxy } = await stack.startReference(PROXY_CPU);
      // BENCH_PROFILE=<dir>: write a CPU profile of the gateway (only the gateway is then measured, at c=50).
      const nodeArgs = process.env.BENCH_PROFILE
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : [];
      const { child: gateway } = await stack.startGateway(
        PROXY_CPU,
        process.env.HERMES_TOKEN_LEASE_REQUESTS
          ? { HERMES_TOKEN_LEASE_REQUESTS: process.env.HERMES_TOKEN_LEASE_REQUESTS }
          : {},
        { nodeArgs },
      );
      await run(keys, tmp, bareProxy.pid!, bareDirectProxy.pid!, gateway.pid!);
    });
  } finally {
    if (PG_CPU) pinPostgres(`0-${os.cpus().length - 1}`);
  }
}

async function run(
  keys: { capped: string; uncapped: string },
  tmp: string,
  barePid: number,
  bareDirectPid: number,
  gatewayPid: number,
): Promise<void> {
  {
    const targets = [
      { name: "direct", url: `http://127.0.0.1:${PORTS.upstream}/v1/chat/completions`, key: null },
      {
        name: "bare hono+undici",
        url: `http://127.0.0.1:${PORTS.bare}/v1/chat/completions`,
        key: null,
        pid: barePid,
      },
      // The same, streams written to the node response as the gateway does (see gateway-bare-proxy.ts).
      {
        name: "bare, direct stream",
        url: `http://127.0.0.1:${PORTS.bareDirect}/v1/chat/completions`,
        key: null,
        pid: bareDirectPid,
      },
      {
        name: "gateway (no cap)",
        url: `http://127.0.0.1:${PORTS.pre}/v1/chat/completions`,
        key: keys.uncapped,
        pid: gatewayPid,
      },
      {
        name: "gateway (cap)",
        url: `http://127.0.0.1:${PORTS.pre}/v1/chat/completions`,
        key: keys.capped,
        pid: gatewayPid,
      },
    ];
    const scripts = targets.map((t, i) => luaScript(tmp, `t${i}`, t.key, false));
    const streamScripts = targets.map((t, i) => luaScript(tmp, `s${i}`, t.key, true));
    // Warm-up: JIT, keep-alive pools, key cache.
    targets.forEach((t, i) => wrk(t.url, 10, scripts[i]!));

    if (process.env.BENCH_HOLD) {
      // BENCH_HOLD=1: leave everything running for measurements by hand (wrk, strace) until Ctrl-C.
      console.log(JSON.stringify({ targets: targets.map((t) => ({ ...t })), scripts, streamScripts }));
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      return;
    }
    if (process.env.BENCH_PROFILE) {
      // BENCH_PROFILE_SCRIPT=stream profiles streamed answers, the default JSON ones; BENCH_PROFILE_KEY=cap uses
      // the key with a monthly cap, the default the one without.
      const which = process.env.BENCH_PROFILE_SCRIPT === "stream" ? streamScripts : scripts;
      const t = process.env.BENCH_PROFILE_KEY === "cap" ? 4 : 3;
      console.log(JSON.stringify(wrk(targets[t]!.url, 50, which[t]!, targets[t]!.pid)));
      return;
    }
    const results = new Map<string, { c1: WrkResult[]; c50: WrkResult[]; s50: WrkResult[] }>();
    for (const t of targets) results.set(t.name, { c1: [], c50: [], s50: [] });
    const indexed = targets.map((t, i) => ({ t, i }));
    for (let round = 0; round < ROUNDS; round++) {
      // Every other round runs the targets in reverse, so a drift of the VM's speed within a round falls on the
      // gateway and the bare proxy alike (ABBA); the paired figures below compare within a round.
      const order = round % 2 ? [...indexed].reverse() : indexed;
      order.forEach(({ t, i }) => results.get(t.name)!.c1.push(wrk(t.url, 1, scripts[i]!)));
      order.forEach(({ t, i }) => results.get(t.name)!.c50.push(wrk(t.url, 50, scripts[i]!, t.pid)));
      order.forEach(({ t, i }) => results.get(t.name)!.s50.push(wrk(t.url, 50, streamScripts[i]!, t.pid)));
    }

    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const direct = results.get("direct")!;
    const bare = results.get("bare hono+undici")!;
    const bareDirect = results.get("bare, direct stream")!;
    const lines = [
      `gateway bench: ${ROUNDS} round(s) x ${SECONDS}s per figure, medians; proxies on core ${PROXY_CPU}, wrk+upstream on core 0, PostgreSQL ${PG_CPU ? `on core ${PG_CPU}` : "not pinned"}`,
      `${"path".padEnd(20)} ${"p50 c=1".padStart(9)} ${"p99 c=1".padStart(9)} ${"+p50".padStart(7)} ${"+p99".padStart(7)} ${"req/s c=50".padStart(11)} ${"vs bare".padStart(8)} ${"streams/s".padStart(10)} ${"vs bare".padStart(8)} ${"vs direct".padStart(9)}`,
    ];
    for (const [name, r] of results) {
      const p50 = med(r.c1.map((x) => x.p50));
      const p99 = med(r.c1.map((x) => x.p99));
      const rps = med(r.c50.map((x) => x.rps));
      const sps = med(r.s50.map((x) => x.rps));
      lines.push(
        `${name.padEnd(20)} ${p50.toFixed(3).padStart(9)} ${p99.toFixed(3).padStart(9)} ${(p50 - med(direct.c1.map((x) => x.p50))).toFixed(3).padStart(7)} ${(p99 - med(direct.c1.map((x) => x.p99))).toFixed(3).padStart(7)} ${rps.toFixed(0).padStart(11)} ${((100 * rps) / med(bare.c50.map((x) => x.rps))).toFixed(0).padStart(7)}% ${sps.toFixed(0).padStart(10)} ${((100 * sps) / med(bare.s50.map((x) => x.rps))).toFixed(0).padStart(7)}% ${((100 * sps) / med(bareDirect.s50.map((x) => x.rps))).toFixed(0).padStart(8)}%`,
      );
    }
    // Requests per CPU-second of the proxy process alone, against the bare proxy's: the throughput ratio each would
    // reach on a core of its own, steadier on a shared VM than requests/s (PostgreSQL's own CPU not included).
    const cpu = (xs: WrkResult[]) => med(xs.map((x) => x.cpuUs ?? NaN));
    lines.push(
      `proxy CPU per request at c=50 (µs), and bare's over this one:`,
      `${"path".padEnd(20)} ${"JSON".padStart(7)} ${"vs bare".padStart(8)} ${"stream".padStart(7)} ${"vs bare".padStart(8)} ${"vs direct".padStart(9)}`,
    );
    for (const [name, r] of results) {
      if (name === "direct") continue;
      const j = cpu(r.c50);
      const st = cpu(r.s50);
      lines.push(
        `${name.padEnd(20)} ${j.toFixed(0).padStart(7)} ${((100 * cpu(bare.c50)) / j).toFixed(0).padStart(7)}% ${st.toFixed(0).padStart(7)} ${((100 * cpu(bare.s50)) / st).toFixed(0).padStart(7)}% ${((100 * cpu(bareDirect.s50)) / st).toFixed(0).padStart(8)}%`,
      );
    }
    // Paired: each round's figure against the bare proxy's (or the direct call's) in the same round, then the median
    // and the range over rounds. This VM's speed swings up to 2x from one minute to the next; a ratio of two medians
    // taken from different minutes carries that swing, a median of same-round ratios much less of it.
    const paired = (f: (round: number) => number, digits: number, unit = "") => {
      const xs = Array.from({ length: ROUNDS }, (_, k) => f(k)).sort((x, y) => x - y);
      const range = `${xs[0]!.toFixed(digits)}–${xs[xs.length - 1]!.toFixed(digits)}`;
      return `${med(xs).toFixed(digits)}${unit} (${range})`.padStart(22);
    };
    lines.push(
      `paired, per round against the same round's figure: median (min–max) over ${ROUNDS} rounds`,
      [
        "path".padEnd(20),
        ...["+p50 c=1 ms", "+p99 c=1 ms", "req/s vs bare", "streams vs bare", "streams vs direct"].map((h) =>
          h.padStart(22),
        ),
      ].join(" "),
    );
    for (const [name, r] of results) {
      if (name === "direct") continue;
      lines.push(
        [
          name.padEnd(20),
          paired((k) => r.c1[k]!.p50 - direct.c1[k]!.p50, 3),
          paired((k) => r.c1[k]!.p99 - direct.c1[k]!.p99, 2),
          paired((k) => (100 * r.c50[k]!.rps) / bare.c50[k]!.rps, 0, "%"),
          paired((k) => (100 * r.s50[k]!.rps) / bare.s50[k]!.rps, 0, "%"),
          paired((k) => (100 * r.s50[k]!.rps) / bareDirect.s50[k]!.rps, 0, "%"),
        ].join(" "),
      );
    }
    lines.push(`all runs: ${JSON.stringify(Object.fromEntries(results))}`);
    console.log(lines.join("\n"));
  }
}

await main();
