/**
 * @module The observability parts one service instance owns: its metrics registry and recorder, its tracer (or
 * null), and how a scrape is answered (this process's registry, or the cluster aggregate via the primary).
 */
import type { ObservabilityConfig } from "../config/config.js";
import { shareRegistryWithPrimary } from "./cluster-metrics.js";
import { createServiceMetrics, type ServiceMetrics } from "./metrics.js";
import { createTracing, type Tracing } from "./tracing.js";

export type Observability = {
  metrics: ServiceMetrics;
  tracing: Tracing | null;
  /** The Prometheus text of a scrape, or null when the cluster primary could not gather it. */
  scrape(): Promise<string | null>;
  readonly contentType: string;
};

export function createObservability(
  config: ObservabilityConfig,
  /** In a cluster worker: asks the primary for the aggregate of every worker. */
  askCluster: (() => Promise<string | null>) | null,
): Observability {
  const metrics = createServiceMetrics({ perUser: config.metricsPerUser });
  if (askCluster) shareRegistryWithPrimary(metrics.registry);
  const tracing = createTracing(config);
  return {
    metrics,
    tracing,
    scrape: askCluster ?? (() => metrics.registry.metrics()),
    contentType: metrics.registry.contentType,
  };
}
