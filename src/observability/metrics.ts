/**
 * @module The service's Prometheus metrics: one prom-client Registry per service instance (tests run several in one
 * process), the default process metrics, the per-request recorder the gateway calls once per finished request, and
 * scrape-time gauges that read the state other modules already keep (audit writer, pool, caches, leases, probes).
 * Nothing here runs per SSE event: a request is recorded once, when it ends.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Gateway } from "../config/config.js";
import { FastCounter, FastGauge, FastHistogram, seriesKey } from "./series.js";

/** Seconds: sub-millisecond gateway work up to ten-minute streams. */
export const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];
/** Seconds: the gateway's own added time, normally well under a millisecond. */
export const OVERHEAD_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** Why a request was refused before it reached the upstream (the `reason` label). */
const REJECTIONS: Record<string, string> = {
  missing_api_key: "unauthenticated",
  invalid_api_key: "unauthenticated",
  gateway_not_allowed: "forbidden",
  key_revoked: "revoked",
  key_rotated: "revoked",
  payload_too_large: "too_large",
  rate_limit_exceeded: "rate_limit",
  insufficient_quota: "quota",
};

/** Models as sent are client text: bounded so one odd client cannot make an unbounded label value. */
const MAX_MODEL_LABEL = 64;

/** The model label: at most MAX_MODEL_LABEL characters, control characters dropped (they are series-key separators). */
function modelLabel(model: string): string {
  const cut = model.length > MAX_MODEL_LABEL ? model.slice(0, MAX_MODEL_LABEL) : model;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(cut) ? cut.replace(/[\u0000-\u001f\u007f]/g, "") : cut;
}

/** One finished gateway request, as the gateway hands it over (no bodies, no key material). */
export type RequestObservation = {
  gateway: Gateway;
  /** Tenant name, or "" when the request never got as far as a tenant. */
  tenant: string;
  /** The route template (`/v1/chat/completions`), or "other" for unknown paths. */
  route: string;
  status: number;
  model: string | null;
  /** Only used when HERMES_METRICS_PER_USER=true. */
  apiUser: string | null;
  errorCode: string | null;
  aborted: boolean;
  durationS: number;
  ttfbS: number | null;
  /** Time spent waiting on and reading from the upstream; null when no upstream call was made. */
  upstreamS: number | null;
  usage: { promptTokens: number; completionTokens: number; source: "provider" | "estimated" } | null;
};

/** Recorder the gateway calls; the no-op variant lets callers skip the null checks. */
export interface GatewayMetrics {
  requestFinished(o: RequestObservation): void;
  streamOpened(gateway: Gateway): void;
  streamClosed(gateway: Gateway): void;
}

/** The state read at scrape time; every source is optional (an embedded database has no pool, and so on). */
export type MetricSources = {
  audit?: () => {
    queue_depth: number;
    spool_files: number;
    spool_bytes: number;
    rows_written: number;
    write_errors: number;
    dropped: number;
    quarantined: number;
    mode: "live" | "spooling";
  };
  pool?: () => { total: number; idle: number; waiting: number } | null;
  leasedTokens?: () => number;
  keyCache?: () => Record<"keys" | "tenants", { hits: number; misses: number; invalidations: number }>;
  upstreamHealth?: () => Promise<UpstreamProbe[]>;
};

/** The latest probe of one tenant's upstream (src/hermes/upstream-health). */
export type UpstreamProbe = {
  tenant: string;
  gateway: Gateway;
  ok: boolean;
  latencyS: number | null;
  at: Date;
};

export type MetricsOptions = { perUser: boolean };

export type ServiceMetrics = GatewayMetrics & {
  readonly registry: Registry;
  /** Connects the scrape-time gauges to their sources (called once the sources exist). */
  attach(sources: MetricSources): void;
};

/** Sets a counter to a running total kept elsewhere (prom-client counters only go up, so reset, then add). */
function setCounter(counter: Counter, value: number, labels?: Record<string, string>): void {
  if (labels) {
    counter.remove(labels);
    counter.inc(labels, value);
  } else {
    counter.reset();
    counter.inc(value);
  }
}

export function createServiceMetrics(options: MetricsOptions): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const perUser = options.perUser;

  const requests = new FastCounter(
    "hermes_gateway_requests_total",
    "Gateway requests by gateway, tenant, route, status code and model as sent",
    registry,
  );
  const duration = new FastHistogram(
    "hermes_gateway_request_duration_seconds",
    "Whole request duration, arrival to the last byte sent (streams included)",
    registry,
    DURATION_BUCKETS,
  );
  const ttfb = new FastHistogram(
    "hermes_gateway_time_to_first_byte_seconds",
    "Arrival to the first upstream answer byte relayed",
    registry,
    DURATION_BUCKETS,
  );
  const upstream = new FastHistogram(
    "hermes_gateway_upstream_duration_seconds",
    "Time spent on the upstream call, from sending it to the end of its answer",
    registry,
    DURATION_BUCKETS,
  );
  const overhead = new FastHistogram(
    "hermes_gateway_overhead_seconds",
    "The gateway's own added time: request duration minus upstream duration",
    registry,
    OVERHEAD_BUCKETS,
  );
  const tokens = new FastCounter(
    "hermes_gateway_tokens_total",
    "Tokens by type (prompt, completion) and source (provider-reported, estimated)",
    registry,
  );
  const rejections = new FastCounter(
    "hermes_gateway_rejections_total",
    "Requests refused before the upstream: unauthenticated (401), forbidden (403), revoked (410), too_large (413), rate_limit and quota (429)",
    registry,
  );
  const upstreamErrors = new FastCounter(
    "hermes_gateway_upstream_errors_total",
    "Upstream failures: unreachable, timeout, or an answer with a 5xx status",
    registry,
  );
  const openStreams = new FastGauge(
    "hermes_gateway_open_streams",
    "Streamed answers being relayed now",
    registry,
  );
  const aborts = new FastCounter(
    "hermes_gateway_client_aborts_total",
    "Requests whose client went away before the answer was complete",
    registry,
  );
  for (const gateway of ["pre", "post"]) openStreams.add(gateway, () => ({ gateway }), 0);

  let sources: MetricSources = {};
  const auditGauge = (name: string, help: string, field: "queue_depth" | "spool_files" | "spool_bytes") =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = sources.audit?.();
        if (s) this.set(s[field]);
      },
    });
  auditGauge("hermes_audit_queue_depth", "Audit records queued in memory, not yet written", "queue_depth");
  auditGauge("hermes_audit_spool_files", "Audit spool files on disk awaiting replay", "spool_files");
  auditGauge("hermes_audit_spool_bytes", "Bytes of audit spool on disk awaiting replay", "spool_bytes");
  const auditCounter = (
    name: string,
    help: string,
    field: "rows_written" | "write_errors" | "dropped" | "quarantined",
  ) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const s = sources.audit?.();
        if (s) setCounter(this, s[field]);
      },
    });
  auditCounter("hermes_audit_rows_written_total", "Audit rows written to the database", "rows_written");
  auditCounter("hermes_audit_write_errors_total", "Failed audit batch writes", "write_errors");
  auditCounter(
    "hermes_audit_dropped_total",
    "Audit records lost (spool unwritable and queue full)",
    "dropped",
  );
  auditCounter(
    "hermes_audit_quarantined_total",
    "Audit records the database refused, kept in the quarantine file",
    "quarantined",
  );
  new Gauge({
    name: "hermes_audit_mode",
    help: "Audit writer mode: 1 for the current one (live, or spooling while the database fails); summed over workers",
    labelNames: ["mode"],
    registers,
    collect() {
      const s = sources.audit?.();
      if (!s) return;
      this.set({ mode: "live" }, s.mode === "live" ? 1 : 0);
      this.set({ mode: "spooling" }, s.mode === "spooling" ? 1 : 0);
    },
  });

  new Gauge({
    name: "hermes_db_pool_connections",
    help: "Database pool connections by state (in_use, idle); absent with the embedded database",
    labelNames: ["state"],
    registers,
    collect() {
      const p = sources.pool?.();
      if (!p) return;
      this.set({ state: "in_use" }, p.total - p.idle);
      this.set({ state: "idle" }, p.idle);
    },
  });
  new Gauge({
    name: "hermes_db_pool_waiting",
    help: "Queries waiting for a free database pool connection",
    registers,
    collect() {
      const p = sources.pool?.();
      if (p) this.set(p.waiting);
    },
  });
  new Gauge({
    name: "hermes_token_lease_reserved_tokens",
    help: "Tokens reserved in this process's monthly-cap leases, not yet used or given back",
    registers,
    collect() {
      if (sources.leasedTokens) this.set(sources.leasedTokens());
    },
  });
  const cacheCounter = (name: string, help: string, field: "hits" | "misses" | "invalidations") =>
    new Counter({
      name,
      help,
      labelNames: ["cache"],
      registers,
      collect() {
        const s = sources.keyCache?.();
        if (!s) return;
        for (const cache of ["keys", "tenants"] as const) setCounter(this, s[cache][field], { cache });
      },
    });
  cacheCounter("hermes_key_cache_hits_total", "Key and tenant cache lookups answered from memory", "hits");
  cacheCounter(
    "hermes_key_cache_misses_total",
    "Key and tenant cache lookups that went to the database",
    "misses",
  );
  cacheCounter(
    "hermes_key_cache_invalidations_total",
    "Key and tenant cache evictions by change notices",
    "invalidations",
  );

  // One probe-table read per scrape feeds all three gauges (prom-client collects metrics concurrently).
  // prom-client starts every metric's collect() in the same tick of a scrape: a read still pending is that scrape's.
  // It is forgotten once settled, so the next scrape reads the table again.
  let probes: Promise<UpstreamProbe[] | null> | null = null;
  const latestProbes = () => {
    if (!probes) {
      const read = (sources.upstreamHealth?.() ?? Promise.resolve(null)).catch(() => null);
      probes = read;
      void read.then(() =>
        setImmediate(() => {
          if (probes === read) probes = null;
        }),
      );
    }
    return probes;
  };
  const probeGauge = (name: string, help: string, value: (p: UpstreamProbe) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["tenant", "gateway"],
      // Every worker reads the same probe table, so the cluster aggregate keeps one value rather than a sum.
      aggregator: "max",
      registers,
      async collect() {
        const list = await latestProbes();
        if (!list) return;
        this.reset();
        for (const p of list) {
          const v = value(p);
          if (v !== null) this.set({ tenant: p.tenant, gateway: p.gateway }, v);
        }
      },
    });
  probeGauge(
    "hermes_upstream_up",
    "Latest upstream probe of each tenant's gateway: 1 answered, 0 failed",
    (p) => (p.ok ? 1 : 0),
  );
  probeGauge(
    "hermes_upstream_probe_latency_seconds",
    "Latency of the latest upstream probe",
    (p) => p.latencyS,
  );
  probeGauge(
    "hermes_upstream_probe_timestamp_seconds",
    "When the latest upstream probe ran (Unix time)",
    (p) => p.at.getTime() / 1000,
  );

  return {
    registry,
    attach(s) {
      sources = s;
    },
    requestFinished(o) {
      const { gateway, tenant, route } = o;
      const model = o.model === null ? "" : modelLabel(o.model);
      const status = String(o.status);
      const user = perUser ? (o.apiUser ?? "") : null;
      const base = seriesKey(gateway, tenant, route);
      const withUser = (labels: Record<string, string>) =>
        user === null ? labels : { ...labels, api_user: user };
      requests.inc(
        user === null ? seriesKey(base, status, model) : seriesKey(base, status, model, user),
        () => withUser({ gateway, tenant, route, status, model }),
      );
      const statusClass = `${status[0]}xx`;
      duration.observe(
        seriesKey(base, statusClass),
        () => ({ gateway, tenant, route, status_class: statusClass }),
        o.durationS,
      );
      if (o.ttfbS !== null) ttfb.observe(base, () => ({ gateway, tenant, route }), o.ttfbS);
      if (o.upstreamS !== null) {
        upstream.observe(base, () => ({ gateway, tenant, route }), o.upstreamS);
        overhead.observe(
          seriesKey(gateway, route),
          () => ({ gateway, route }),
          Math.max(0, o.durationS - o.upstreamS),
        );
      }
      const u = o.usage;
      if (u) {
        const source = u.source;
        const tokenKey = seriesKey(gateway, tenant, model, source, user ?? "");
        const labels = (type: string) => () => withUser({ gateway, tenant, model, type, source });
        if (u.promptTokens > 0) tokens.inc(`${tokenKey}\u0001p`, labels("prompt"), u.promptTokens);
        if (u.completionTokens > 0)
          tokens.inc(`${tokenKey}\u0001c`, labels("completion"), u.completionTokens);
      }
      const code = o.errorCode;
      let upstreamError: string | null = null;
      if (code !== null) {
        const reason = REJECTIONS[code];
        if (reason) rejections.inc(seriesKey(gateway, tenant, reason), () => ({ gateway, tenant, reason }));
        else if (code === "upstream_timeout") upstreamError = "timeout";
        else if (code === "upstream_unreachable") upstreamError = "unreachable";
      }
      if (upstreamError === null && o.upstreamS !== null && o.status >= 500) upstreamError = "http_5xx";
      if (upstreamError !== null) {
        const kind = upstreamError;
        upstreamErrors.inc(seriesKey(gateway, tenant, kind), () => ({ gateway, tenant, kind }));
      }
      if (o.aborted) aborts.inc(seriesKey(gateway, tenant), () => ({ gateway, tenant }));
    },
    streamOpened(gateway) {
      openStreams.add(gateway, () => ({ gateway }), 1);
    },
    streamClosed(gateway) {
      openStreams.add(gateway, () => ({ gateway }), -1);
    },
  };
}
