/**
 * @module The supervised Hermes proxies with several worker processes: the cluster primary runs them (once per
 * gateway for the host, not once per worker) and pushes every status change to the workers; each worker keeps a
 * copy, so its gateways route the default tenant to the same proxy and its status page shows the same state. The
 * output lines stay in the primary and are asked for when the proxies view is read.
 */
import cluster from "node:cluster";
import type { Config } from "../config/config.js";
import {
  createHermesProxies,
  overrideFrom,
  warnOverriddenUpstreams,
  type HermesProxies,
  type ProxyStatus,
  type ProxyView,
} from "../hermes/hermes-proxies.js";
import type { Logger } from "../logging/logger.js";
import { askPrimary, type createPrimaryRouter } from "./cluster-ipc.js";

/** The pushes' own channel, beside the request/reply channel of cluster-ipc. */
const PUSH_CHANNEL = "hermes-control-plane:hermes-proxies";

/** `seq` orders a snapshot against pushes that cross it on the pipe: a worker keeps the newest. */
type Snapshot = { seq: number; statuses: ProxyStatus[] };
type Push = { channel: typeof PUSH_CHANNEL; snapshot: Snapshot };

/**
 * The primary's side: starts the proxies, answers "hermes-proxies" (the snapshot) and "hermes-proxies-views" (with
 * output), and sends the snapshot to every worker on each change. `stop()` once the workers have stopped.
 */
export async function superviseProxiesInPrimary(
  config: Config,
  logger: Logger,
  router: ReturnType<typeof createPrimaryRouter>,
): Promise<{ stop(): Promise<void> }> {
  let seq = 0;
  const snapshot = (): Snapshot => ({ seq, statuses: proxies.statuses() });
  const proxies: HermesProxies = createHermesProxies(config.hermes, logger, {
    onChange: () => {
      seq++;
      const push: Push = { channel: PUSH_CHANNEL, snapshot: snapshot() };
      for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(push);
    },
  });
  router.handle("hermes-proxies", snapshot);
  router.handle("hermes-proxies-views", () => proxies.views());
  warnOverriddenUpstreams(config, logger);
  await proxies.start();
  return { stop: () => proxies.stop() };
}

/** A worker's side: the primary's proxies as this process's HermesProxies (start/stop only follow them). */
export function mirrorProxiesInWorker(): HermesProxies {
  let current: Snapshot = { seq: -1, statuses: [] };
  const take = (next: Snapshot) => {
    if (next.seq > current.seq) current = next;
  };
  const onMessage = (msg: unknown) => {
    if (typeof msg === "object" && msg !== null && (msg as Partial<Push>).channel === PUSH_CHANNEL)
      take((msg as Push).snapshot);
  };
  return {
    async start() {
      // Listening first: a change pushed while the snapshot is on its way is not missed.
      process.on("message", onMessage);
      take(await askPrimary<Snapshot>("hermes-proxies", undefined, 10_000));
    },
    async stop() {
      process.off("message", onMessage);
    },
    statuses: () => current.statuses.map((s) => ({ ...s })),
    views: () => askPrimary<ProxyView[]>("hermes-proxies-views"),
    upstreamOverride: (tenantId, gateway) => overrideFrom(current.statuses, tenantId, gateway),
  };
}
