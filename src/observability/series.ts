/**
 * @module Counters, gauges and histograms for the request path, cheaper than prom-client's own: a prom-client
 * `inc`/`observe` with labels costs about a microsecond (it hashes and validates the label object every call), and a
 * request records eight or so. Here the caller passes a precomputed series key (label values joined) and the labels
 * object is only built the first time a series is seen. They register in a prom-client Registry as custom metrics
 * (`get()` in prom-client's shape), so exposition and the cluster aggregation treat them like prom-client's.
 */
import type { Registry } from "prom-client";

type Labels = Record<string, string>;
type MetricValue = { labels: Labels; value: number; metricName?: string };

/** Joins label values into a series key (label values never contain U+0001: callers strip control characters). */
export const seriesKey = (...values: string[]): string => values.join("\u0001");

abstract class Series<S> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: "counter" | "gauge" | "histogram",
    registry: Registry,
  ) {
    // prom-client's Registry accepts any object with `name` and `get()`; its typings want a full Metric.
    registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  protected abstract values(): MetricValue[];

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.values(),
      aggregator: "sum" as const,
    };
  }

  /** prom-client calls reset() on every registered metric from registry.resetMetrics(). */
  reset(): void {
    this.series.clear();
  }
}

export class FastCounter extends Series<{ labels: Labels; value: number }> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, "counter", registry);
  }

  /** Adds `by` to the series `key`; `labels` is called only when the series is new. */
  inc(key: string, labels: () => Labels, by = 1): void {
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels: labels(), value: by });
  }

  protected values(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
}

export class FastGauge extends Series<{ labels: Labels; value: number }> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, "gauge", registry);
  }

  add(key: string, labels: () => Labels, by: number): void {
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels: labels(), value: by });
  }

  protected values(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
}

type HistogramSeries = { labels: Labels; counts: Float64Array; sum: number; count: number };

export class FastHistogram extends Series<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly buckets: readonly number[],
  ) {
    super(name, help, "histogram", registry);
  }

  observe(key: string, labels: () => Labels, value: number): void {
    let s = this.series.get(key);
    if (!s) {
      s = { labels: labels(), counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const b = this.buckets;
    // Few buckets, mostly hit early: a scan beats a binary search here.
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]!) {
        s.counts[i]!++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }

  protected values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        out.push({
          metricName: `${this.name}_bucket`,
          labels: { le: String(this.buckets[i]), ...s.labels },
          value: cumulative,
        });
      }
      out.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...s.labels }, value: s.count });
      out.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      out.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return out;
  }
}
