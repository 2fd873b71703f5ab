/**
 * @module Bench: the gateway with 1 and with 2 worker processes (HERMES_WORKERS), side by side in interleaved rounds
 * (ABBA): requests/s (JSON) and streams/s (21 events + usage, include_usage asked) at c=50, and the CPU each used
 * (the primary and its workers together, from /proc): cores busy during the run and CPU per request. wrk and the
 * fast upstream are pinned to core 0; the gateways may use both cores; PostgreSQL not pinned; audit on, a key with an
 * RPM limit and no cap. With 2 workers the RPM counter lives in the cluster primary (IPC per request).
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/gateway-workers.js
 *
 * BENCH_SECONDS (default 5) per figure, BENCH_ROUNDS (default 4).
 */
import { median, withStack } from "./bench-stack.js";
import { cpuSeconds, processTree } from "./proc-cpu.js";
import { luaScript, runWrk, type WrkResult } from "./wrk.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

/** CPU seconds of a process and its descendants (the cluster's workers). */
const treeCpu = (pid: number) => () => processTree(pid).reduce((n, p) => n + cpuSeconds(p), 0);

/** Also counts the primary's own CPU over the same runs (its share: IPC for the RPM counter, connection hand-off). */
function withPrimaryShare(pid: number, tree: () => number) {
  let own = 0;
  let total = 0;
  return {
    cpu: () => tree(),
    measure<T>(run: () => T): T {
      const o = cpuSeconds(pid);
      const t = tree();
      const out = run();
      own += cpuSeconds(pid) - o;
      total += tree() - t;
      return out;
    },
    share: () => (total > 0 ? own / total : 0),
  };
}

await withStack(async (stack) => {
  await stack.startReference("1");
  const targets = [];
  for (const [workers, offset] of [
    [1, 0],
    [2, 100],
  ] as const) {
    const g = await stack.startGateway("0,1", { HERMES_WORKERS: String(workers) }, { portOffset: offset });
    const url = `http://127.0.0.1:${g.pre}/v1/chat/completions`;
    const tree = treeCpu(g.child.pid!);
    targets.push({
      workers,
      url,
      cpu: tree,
      primary: withPrimaryShare(g.child.pid!, tree),
      json: luaScript(stack.tmp, `w${workers}j`, stack.keys.uncapped, false),
      stream: luaScript(stack.tmp, `w${workers}s`, stack.keys.uncapped, true),
    });
  }
  // Warm-up: JIT in every worker, keep-alive pools, key caches.
  for (const t of targets) runWrk(t.url, 50, 3, t.json);
  const results = new Map(
    targets.map((t) => [t.workers, { json: [] as WrkResult[], stream: [] as WrkResult[] }]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    for (const t of order)
      results.get(t.workers)!.json.push(t.primary.measure(() => runWrk(t.url, 50, SECONDS, t.json, t.cpu)));
    for (const t of order)
      results
        .get(t.workers)!
        .stream.push(t.primary.measure(() => runWrk(t.url, 50, SECONDS, t.stream, t.cpu)));
  }
  const one = results.get(1)!;
  const lines = [
    `gateway workers: ${ROUNDS} interleaved round(s) x ${SECONDS}s per figure, medians; wrk+upstream on core 0, gateways on cores 0-1`,
    `${"workers".padEnd(8)} ${"req/s".padStart(8)} ${"x 1 worker".padStart(11)} ${"cores busy".padStart(11)} ${"CPU µs/req".padStart(11)} ${"streams/s".padStart(10)} ${"x 1 worker".padStart(11)} ${"cores busy".padStart(11)} ${"CPU µs/stream".padStart(14)}`,
  ];
  for (const [workers, r] of results) {
    const ratio = (xs: WrkResult[], ref: WrkResult[]) => median(xs.map((x, k) => x.rps / ref[k]!.rps));
    // CPU per request × requests per second = CPU seconds per second: the cores the gateway kept busy.
    const busy = (xs: WrkResult[]) => median(xs.map((x) => (x.cpuUs! * x.rps) / 1e6));
    lines.push(
      [
        String(workers).padEnd(8),
        median(r.json.map((x) => x.rps))
          .toFixed(0)
          .padStart(8),
        ratio(r.json, one.json).toFixed(2).padStart(11),
        busy(r.json).toFixed(2).padStart(11),
        median(r.json.map((x) => x.cpuUs!))
          .toFixed(0)
          .padStart(11),
        median(r.stream.map((x) => x.rps))
          .toFixed(0)
          .padStart(10),
        ratio(r.stream, one.stream).toFixed(2).padStart(11),
        busy(r.stream).toFixed(2).padStart(11),
        median(r.stream.map((x) => x.cpuUs!))
          .toFixed(0)
          .padStart(14),
      ].join(" "),
    );
  }
  const two = targets.find((t) => t.workers === 2)!;
  lines.push(`the primary's share of the 2-worker CPU: ${(100 * two.primary.share()).toFixed(0)}%`);
  lines.push(`all runs: ${JSON.stringify(Object.fromEntries(results))}`);
  console.log(lines.join("\n"));
});
