/**
 * The request-path series (src/observability/series.ts) must expose exactly what prom-client's own metrics would for
 * the same observations, and aggregate across workers the same way; and the OTLP settings parse as the OTel
 * specification says.
 */
import { AggregatorRegistry, Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseOtlpHeaders } from "../../src/config/config.js";
import { DURATION_BUCKETS } from "../../src/observability/metrics.js";
import { FastCounter, FastHistogram, seriesKey } from "../../src/observability/series.js";

const VALUES = [0.0001, 0.0005, 0.0007, 0.003, 0.2, 1, 59, 61, 700, 0.0005];

describe("FastCounter and FastHistogram", () => {
  it("render the same Prometheus text as prom-client's Counter and Histogram", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h1 = new FastHistogram("x_seconds", "help", ours, DURATION_BUCKETS);
    const c1 = new FastCounter("x_total", "help", ours);
    const h2 = new Histogram({
      name: "x_seconds",
      help: "help",
      labelNames: ["t"],
      buckets: DURATION_BUCKETS,
      registers: [theirs],
    });
    const c2 = new Counter({ name: "x_total", help: "help", labelNames: ["t"], registers: [theirs] });
    VALUES.forEach((v, i) => {
      const t = i % 2 ? 'a "quoted"' : "b\\n";
      h1.observe(seriesKey(t), () => ({ t }), v);
      h2.observe({ t }, v);
      c1.inc(seriesKey(t), () => ({ t }), 2);
      c2.inc({ t }, 2);
    });
    const sorted = (text: string) => text.split("\n").filter(Boolean).sort();
    expect(sorted(await ours.metrics())).toEqual(sorted(await theirs.metrics()));
  });

  it("sum across workers like prom-client's metrics do (AggregatorRegistry.aggregate)", async () => {
    const worker = (n: number) => {
      const r = new Registry();
      const h = new FastHistogram("y_seconds", "help", r, [0.1, 1]);
      for (let i = 0; i < n; i++) h.observe("k", () => ({ k: "v" }), 0.5);
      return r.getMetricsAsJSON();
    };
    const text = await AggregatorRegistry.aggregate([await worker(2), await worker(3)]).metrics();
    expect(text).toContain('y_seconds_bucket{le="1",k="v"} 5');
    expect(text).toContain('y_seconds_bucket{le="0.1",k="v"} 0');
    expect(text).toContain('y_seconds_count{k="v"} 5');
  });
});

describe("OTLP settings", () => {
  it("derive the traces URL from the base endpoint, or take the traces endpoint as is", () => {
    expect(loadConfig({}).observability.tracesUrl).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }).observability.tracesUrl).toBe(
      "http://c:4318/v1/traces",
    );
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://d/x",
      }).observability.tracesUrl,
    ).toBe("http://d/x");
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://c:4317" })).toThrow(ConfigError);
  });

  it("parse OTEL_EXPORTER_OTLP_HEADERS, and refuse a malformed one without echoing it", () => {
    expect(parseOtlpHeaders("api-key=s%3Dcret, X-Team = ops")).toEqual({
      "api-key": "s=cret",
      "x-team": "ops",
    });
    expect(parseOtlpHeaders("no-equals")).toBeNull();
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: "secret-value-no-name" })).toThrow(
      /^OTEL_EXPORTER_OTLP_HEADERS: must be/,
    );
    try {
      loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: "secret-value-no-name" });
    } catch (err) {
      expect(String(err)).not.toContain("secret-value");
    }
  });

  it("HERMES_METRICS_TOKEN must be long enough, and is never echoed in the error", () => {
    expect(() => loadConfig({ HERMES_METRICS_TOKEN: "short-tok" })).toThrow(
      /^HERMES_METRICS_TOKEN: must be at least 16/,
    );
    expect(loadConfig({ HERMES_METRICS_TOKEN: "a-long-enough-token-1" }).observability.metricsToken).toBe(
      "a-long-enough-token-1",
    );
  });
});
