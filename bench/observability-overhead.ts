/**
 * @module Bench: what metrics and tracing cost the gateway. Two parts:
 *
 * 1. In process, no I/O: the per-request recorder (one `requestFinished` call, what every request pays for metrics)
 *    and the tracing-off hooks (the `ex.trace?.…` null checks), in nanoseconds per request.
 * 2. Over HTTP with wrk, against the fast upstream: the gateway with tracing off (the default) and with tracing on
 *    (spans exported to a local OTLP sink), and, when BENCH_BASELINE_MAIN names the built main.js of a checkout
 *    without this feature, that build as the baseline. c=1 latency and c=50 JSON and streamed throughput, plus CPU
 *    per request, medians of interleaved rounds (ABBA order).
 *
 * Run by hand (needs wrk and PostgreSQL; gateways on core 1, wrk and the upstream on core 0, all on 127.0.0.1):
 *
 *   npx tsc -p bench/tsconfig.json && BENCH_BASELINE_MAIN=/path/to/other/dist/src/main.js \
 *     node dist/bench/bench/observability-overhead.js
 *
 * BENCH_SECONDS (default 4) per figure, BENCH_ROUNDS (default 4).
 */
import { createServiceMetrics, type RequestObservation } from "../src/observability/metrics.js";
import { PORTS, median, waitFor, withStack } from "./bench-stack.js";
import { cpuSeconds } from "./proc-cpu.js";
import { luaScript, runWrk, type WrkResult } from "./wrk.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BASELINE = process.env.BENCH_BASELINE_MAIN;

/** Part 1: nanoseconds per call, the median of 5 runs of `n` calls. */
function nsPerCall(n: number, body: (i: number) => void): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) body(i);
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(runs);
}

function inProcess(): string[] {
  const metrics = createServiceMetrics({ perUser: false });
  const tenants = ["Tenant a", "Tenant b", "Tenant c"];
  const observation = (i: number): RequestObservation => ({
    gateway: i % 2 ? "pre" : "post",
    tenant: tenants[i % 3]!,
    route: "/v1/chat/completions",
    status: 200,
    model: "gpt-bench",
    apiUser: "user",
    errorCode: null,
    aborted: false,
    durationS: 0.0123,
    ttfbS: 0.004,
    upstreamS: 0.0121,
    usage: { promptTokens: 230, completionTokens: 16, source: "provider" },
  });
  const record = nsPerCall(200_000, (i) => metrics.requestFinished(observation(i)));
  const build = nsPerCall(200_000, (i) => void observation(i));
  // Tracing off: the hooks on a request are seven optional calls on a null (see src/gateway).
  const holder: { trace: { step(n: string): void } | null } = { trace: null };
  const off = nsPerCall(2_000_000, () => {
    holder.trace?.step("key check");
    holder.trace?.step("rate limit");
    holder.trace?.step("admission");
    holder.trace?.step("upstream");
    holder.trace?.step("answered");
    holder.trace?.step("relay");
    holder.trace?.step("end");
  });
  return [
    `in process: metrics per request ${(record - build).toFixed(0)} ns (requestFinished, observation building excluded: ${build.toFixed(0)} ns); tracing-off hooks ${off.toFixed(1)} ns per request`,
  ];
}

async function overHttp(): Promise<string[]> {
  const lines: string[] = [];
  await withStack(async (stack) => {
    const { keys, tmp } = stack;
    stack.start("0", `${import.meta.dirname}/gateway-fast-upstream.js`, [String(PORTS.upstream)]);
    await waitFor(`http://127.0.0.1:${PORTS.upstream}/v1/models`);
    // The OTLP sink runs in its own process on wrk's core: this process blocks while wrk runs.
    const sinkPort = PORTS.upstream + 5;
    stack.start("0", `${import.meta.dirname}/otlp-sink.js`, [String(sinkPort)]);
    await waitFor(`http://127.0.0.1:${sinkPort}/count`);
    const sinkUrl = `http://127.0.0.1:${sinkPort}`;
    const targets: { name: string; pid: number; port: number }[] = [];
    const off = await stack.startGateway("1", {}, { portOffset: 0 });
    targets.push({ name: "tracing off", pid: off.child.pid!, port: off.pre });
    const on = await stack.startGateway(
      "1",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sinkUrl}/v1/traces` },
      { portOffset: 10 },
    );
    targets.push({ name: "tracing on", pid: on.child.pid!, port: on.pre });
    if (BASELINE) {
      const port = PORTS.pre + 20;
      const base = stack.start("1", BASELINE, [], {
        DATABASE_URL: stack.databaseUrl,
        HERMES_PRE_AI_API_PORT: String(port),
        HERMES_POST_AI_API_PORT: String(PORTS.post + 20),
        HERMES_ADMIN_PORT: String(PORTS.admin + 20),
        HERMES_ADMIN_PASSWORD: "bench-admin-password-123456",
        HERMES_DATA_DIR: `${tmp}/baseline`,
        HERMES_WORKERS: "1",
        LOG_LEVEL: "warn",
      });
      await waitFor(`http://127.0.0.1:${port}/readyz`);
      targets.unshift({ name: "baseline (main)", pid: base.pid!, port });
    }
    const json = luaScript(tmp, "json", keys.uncapped, false);
    const sse = luaScript(tmp, "sse", keys.uncapped, true);
    const url = (t: { port: number }) => `http://127.0.0.1:${t.port}/v1/chat/completions`;
    const wrk = (t: (typeof targets)[number], c: number, script: string): WrkResult =>
      runWrk(url(t), c, SECONDS, script, () => cpuSeconds(t.pid));
    for (const t of targets) wrk(t, 10, json); // warm-up
    const res = new Map(
      targets.map((t) => [t.name, { c1: [] as WrkResult[], c50: [] as WrkResult[], s50: [] as WrkResult[] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...targets].reverse() : targets;
      for (const t of order) res.get(t.name)!.c1.push(wrk(t, 1, json));
      for (const t of order) res.get(t.name)!.c50.push(wrk(t, 50, json));
      for (const t of order) res.get(t.name)!.s50.push(wrk(t, 50, sse));
    }
    lines.push(
      `over HTTP: ${ROUNDS} rounds x ${SECONDS}s, medians; gateways on core 1, wrk + upstream on core 0; uncapped key with an RPM limit`,
      `${"gateway".padEnd(16)} ${"p50 c=1".padStart(9)} ${"p99 c=1".padStart(9)} ${"req/s c=50".padStart(11)} ${"CPU/req".padStart(9)} ${"streams/s".padStart(10)} ${"CPU/stream".padStart(11)}`,
    );
    for (const [name, r] of res) {
      const m = (xs: WrkResult[], f: (x: WrkResult) => number) => median(xs.map(f));
      lines.push(
        `${name.padEnd(16)} ${m(r.c1, (x) => x.p50)
          .toFixed(2)
          .padStart(7)}ms ${m(r.c1, (x) => x.p99)
          .toFixed(2)
          .padStart(7)}ms ${m(r.c50, (x) => x.rps)
          .toFixed(0)
          .padStart(11)} ${m(r.c50, (x) => x.cpuUs!)
          .toFixed(0)
          .padStart(7)}us ${m(r.s50, (x) => x.rps)
          .toFixed(0)
          .padStart(10)} ${m(r.s50, (x) => x.cpuUs!)
          .toFixed(0)
          .padStart(9)}us`,
      );
    }
    const got = (await (await fetch(`${sinkUrl}/count`)).json()) as { posts: number; bytes: number };
    lines.push(
      `OTLP sink received ${got.posts} span exports (${(got.bytes / 1e6).toFixed(1)} MB) from the tracing-on gateway`,
    );
  });
  return lines;
}

const out = inProcess();
for (const l of out) console.log(l);
if (process.env.BENCH_SKIP_HTTP !== "1") for (const l of await overHttp()) console.log(l);
