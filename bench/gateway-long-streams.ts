/**
 * @module Bench: long streams. Many concurrent streamed chat completions (default 1,000) of many events each (300)
 * paced by the fast upstream (25 events/s per stream), through the bare Hono + undici proxies and the gateway (audit
 * on, default 64 KiB bodies, a key with an RPM limit and no cap), in interleaved rounds (ABBA). Per target and round:
 * the proxy's CPU per 1,000 relayed events (from /proc, from the first connect to the last stream's end) and its
 * resident memory per open stream above idle (median RSS while every stream is open, minus RSS just before). The
 * client is this process, on raw sockets (cheap per event), pinned with the upstream to core 0; the proxies on core 1;
 * PostgreSQL not pinned. Needs PostgreSQL; bounded: about 2 × (rounds × 3) × (events / rate + 3) seconds.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/gateway-long-streams.js
 *
 * BENCH_STREAMS (1000), BENCH_EVENTS (300), BENCH_INTERVAL_MS (40), BENCH_ROUNDS (2), BENCH_GATEWAY_ENV (extra
 * variables for the gateway, `A=1,B=2`), BENCH_PROFILE=<dir> (CPU profile of the gateway; only the gateway is then
 * measured, once).
 */
import net from "node:net";
import { median, pinSelf, PORTS, withStack } from "./bench-stack.js";
import { cpuSeconds, rssBytes } from "./proc-cpu.js";

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROXY_CPU = "1";

type Round = {
  cpuUsPer1kEvents: number;
  rssPerStreamKiB: number;
  events: number;
  failed: number;
  ms: number;
};

/** One stream on a raw socket: counts complete events ("\n\n") until the server closes the connection. */
function openStream(
  port: number,
  key: string | null,
  body: string,
  pace = { events: EVENTS, intervalMs: INTERVAL_MS },
): Promise<{ events: number; ok: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    let events = 0;
    let ok = false;
    let lastByte = 0;
    socket.on("connect", () => {
      socket.write(
        [
          "POST /v1/chat/completions HTTP/1.1",
          `Host: 127.0.0.1:${port}`,
          "Content-Type: application/json",
          ...(key ? [`Authorization: Bearer ${key}`] : []),
          `x-bench-events: ${pace.events}`,
          `x-bench-interval-ms: ${pace.intervalMs}`,
          `Content-Length: ${Buffer.byteLength(body)}`,
          "Connection: close",
          "",
          body,
        ].join("\r\n"),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      if (!ok && chunk.subarray(0, 12).toString() === "HTTP/1.1 200") ok = true;
      // "\n\n" split across two reads.
      if (lastByte === 10 && chunk[0] === 10) events++;
      for (let at = chunk.indexOf("\n\n"); at !== -1; at = chunk.indexOf("\n\n", at + 2)) events++;
      lastByte = chunk[chunk.length - 1]!;
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve({ events, ok }));
  });
}

/** Opens every stream over about a second, samples the proxy's RSS while they run, and reads its CPU. */
async function round(port: number, key: string | null, pid: number): Promise<Round> {
  const body = JSON.stringify({
    model: "bench",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "x".repeat(900) }],
  });
  await new Promise((r) => setTimeout(r, 500));
  const idleRss = rssBytes(pid);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const streams: Promise<{ events: number; ok: boolean }>[] = [];
  const samples: number[] = [];
  const streamMs = EVENTS * INTERVAL_MS;
  const sampler = setInterval(() => {
    const t = performance.now() - t0;
    // All open: after the ramp (1 s) and before the first ones end.
    if (t > 1_500 && t < streamMs - 500) samples.push(rssBytes(pid));
  }, 200);
  for (let i = 0; i < STREAMS; i++) {
    streams.push(openStream(port, key, body));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
  }
  const done = await Promise.all(streams);
  clearInterval(sampler);
  const cpu = cpuSeconds(pid) - cpu0;
  const events = done.reduce((n, d) => n + d.events, 0);
  return {
    cpuUsPer1kEvents: (cpu * 1e9) / events,
    rssPerStreamKiB: samples.length ? (median(samples) - idleRss) / 1024 / STREAMS : NaN,
    events,
    failed: done.filter((d) => !d.ok || d.events < EVENTS).length,
    ms: Math.round(performance.now() - t0),
  };
}

await withStack(async (stack) => {
  pinSelf("0");
  const { bare, bareDirect } = await stack.startReference(PROXY_CPU);
  const extraEnv = Object.fromEntries(
    (process.env.BENCH_GATEWAY_ENV ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const profile = process.env.BENCH_PROFILE;
  const gateway = await stack.startGateway(PROXY_CPU, extraEnv, {
    nodeArgs: profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [],
  });
  const targets = [
    { name: "bare hono+undici", port: PORTS.bare, key: null, pid: bare.pid! },
    { name: "bare, direct stream", port: PORTS.bareDirect, key: null, pid: bareDirect.pid! },
    { name: "gateway", port: gateway.pre, key: stack.keys.uncapped, pid: gateway.child.pid! },
  ];
  if (profile) {
    console.log(JSON.stringify(await round(targets[2]!.port, targets[2]!.key, targets[2]!.pid)));
    return;
  }
  // Warm-up: JIT, keep-alive pools, key cache.
  const warmBody = JSON.stringify({ model: "bench", stream: true, messages: [] });
  for (const t of targets)
    await Promise.all(
      Array.from({ length: 200 }, () => openStream(t.port, t.key, warmBody, { events: 50, intervalMs: 5 })),
    );
  const results = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...targets].reverse() : targets;
    for (const t of order) {
      const res = await round(t.port, t.key, t.pid);
      results.get(t.name)!.push(res);
      console.error(`round ${r + 1} ${t.name}: ${JSON.stringify(res)}`);
    }
  }
  const ref = results.get("bare hono+undici")!;
  const refDirect = results.get("bare, direct stream")!;
  const pct = (xs: number[]) =>
    `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const lines = [
    `long streams: ${STREAMS} concurrent x ${EVENTS} events, one per ${INTERVAL_MS} ms; ${ROUNDS} interleaved round(s); proxies on core ${PROXY_CPU}, client+upstream on core 0`,
    `${"path".padEnd(20)} ${"CPU µs/1k events".padStart(17)} ${"x bare (same round)".padStart(22)} ${"x bare-direct".padStart(22)} ${"RSS KiB/stream".padStart(15)} ${"failed".padStart(7)}`,
  ];
  for (const [name, rs] of results) {
    lines.push(
      [
        name.padEnd(20),
        median(rs.map((x) => x.cpuUsPer1kEvents))
          .toFixed(0)
          .padStart(17),
        pct(rs.map((x, k) => x.cpuUsPer1kEvents / ref[k]!.cpuUsPer1kEvents)).padStart(22),
        pct(rs.map((x, k) => x.cpuUsPer1kEvents / refDirect[k]!.cpuUsPer1kEvents)).padStart(22),
        median(rs.map((x) => x.rssPerStreamKiB))
          .toFixed(1)
          .padStart(15),
        String(rs.reduce((n, x) => n + x.failed, 0)).padStart(7),
      ].join(" "),
    );
  }
  console.log(lines.join("\n"));
});
