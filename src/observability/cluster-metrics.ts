/**
 * @module Metrics across cluster workers (HERMES_WORKERS > 1): each worker shares its registry with prom-client's
 * AggregatorRegistry; a scrape that reaches any worker asks the primary, which gathers every worker's metrics over
 * node:cluster IPC (prom-client's own channel), sums them (or applies a metric's own aggregator) and answers.
 */
import { AggregatorRegistry, type Registry } from "prom-client";

/** The message kind on our IPC channel (src/app/cluster-ipc) a worker asks the primary for the aggregate with. */
export const CLUSTER_METRICS_KIND = "metrics";

/** Worker side: answer the primary's metric requests from `registry`. */
export function shareRegistryWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // The constructor installs prom-client's worker-side IPC listener (once per process).
  new AggregatorRegistry();
}

/** Primary side: registers the handler that answers a worker's `metrics` question with the whole group's text. */
export function answerClusterScrapes(handle: (kind: string, handler: () => Promise<string>) => void): void {
  const aggregator = new AggregatorRegistry();
  handle(CLUSTER_METRICS_KIND, () => aggregator.clusterMetrics());
}
