/**
 * @module One gateway request from arrival to the end of its response: who made it, what it cost, how it ended.
 * `finish()` runs exactly once, when the response has ended (body sent, stream finished, failed or aborted): it
 * settles the token reservation and hands one complete record to the audit sink.
 */
import type { AuditRecord, AuditSink, AuditUsage } from "../audit/audit-record.js";
import { captureBody } from "../audit/audit-record.js";
import type { Gateway } from "../config/config.js";
import type { TenantRoute, VerifiedKey } from "../keys/key-verification.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { RequestTrace } from "../observability/tracing.js";
import type { ClientRequestView } from "./node-request.js";
import type { RateDecision } from "../usage/rate-limit.js";
import type { Reservation, UsageMeter } from "../usage/usage-meter.js";
import { monthResetAt } from "../usage/usage-period.js";

export type ExchangeDeps = {
  audit: AuditSink;
  usage: UsageMeter;
  auditMaxBytes: number;
  metrics: GatewayMetrics;
};

export type ExchangeStart = {
  requestId: string;
  gateway: Gateway;
  method: string;
  path: string;
  /** The route template for metrics: a known gateway path, or "other". */
  route: string;
  clientIp: string | null;
  userAgent: string | null;
};

export class Exchange {
  readonly startedAt = new Date();
  private readonly t0 = performance.now();
  key: VerifiedKey | null = null;
  tenant: TenantRoute | null = null;
  rate: RateDecision | null = null;
  /** Set once the request passed every admission check (it then counts as a request and settles usage). */
  admitted = false;
  reservation: Reservation | null = null;
  monthlyRemaining: number | null = null;
  model: string | null = null;
  stream = false;
  requestText: string | null = null;
  responseText: string | null = null;
  usage: AuditUsage | null = null;
  ttfbMs: number | null = null;
  aborted = false;
  /** The request's spans; null when tracing is off (every hook is then one null check). */
  trace: RequestTrace | null = null;
  /** performance.now() marks of the upstream call, for the upstream-duration and overhead metrics. */
  upstreamStartedAt: number | null = null;
  upstreamEndedAt: number | null = null;
  /** The body is a stream that calls finish() itself when it ends. */
  deferred = false;
  /** The limit headers were put on the response when it was built (saves re-materialising its headers). */
  headersApplied = false;
  private finished = false;

  constructor(
    private readonly deps: ExchangeDeps,
    readonly start: ExchangeStart,
    readonly client: ClientRequestView,
  ) {}

  private firstByteAt: number | null = null;

  markFirstByte(): void {
    if (this.firstByteAt !== null) return;
    this.firstByteAt = performance.now();
    this.ttfbMs = Math.round(this.firstByteAt - this.t0);
    this.trace?.firstByte();
  }

  /** The upstream answer is complete or abandoned (first call wins). */
  markUpstreamEnded(error: string | null = null): void {
    if (this.upstreamStartedAt === null || this.upstreamEndedAt !== null) return;
    this.upstreamEndedAt = performance.now();
    this.trace?.upstreamEnded(error);
  }

  /** Response headers describing the key's limits; empty until the key is known. */
  limitHeaders(): Record<string, string> {
    const key = this.key;
    if (!key) return {};
    const rate = this.rate;
    const cap = key.monthlyTokenCap;
    return {
      "x-ratelimit-limit-requests": rate ? String(rate.limit) : "unlimited",
      "x-ratelimit-remaining-requests": rate ? String(rate.remaining) : "unlimited",
      "x-ratelimit-reset-requests": rate ? formatDuration(rate.resetMs) : "0s",
      "x-hms-monthly-tokens-limit": cap === null ? "unlimited" : String(cap),
      "x-hms-monthly-tokens-remaining": cap === null ? "unlimited" : String(this.monthlyRemaining ?? cap),
      "x-hms-monthly-tokens-reset": resetHeader(this.startedAt),
      // A rotated key in its grace period says when it stops working.
      ...(key.deprecatedUntil ? { "x-hms-key-deprecated": key.deprecatedUntil } : {}),
    };
  }

  /** Ends the exchange once: settles tokens, records the audit entry. Later calls are ignored. */
  finish(status: number, errorCode: string | null): void {
    if (this.finished) return;
    this.finished = true;
    const key = this.key;
    if (key && this.admitted) {
      this.deps.usage.settle({
        apiUserId: key.apiUserId,
        reservation: this.reservation,
        tokens: this.usage?.totalTokens ?? 0,
        at: new Date(),
      });
    }
    const now = performance.now();
    const max = this.deps.auditMaxBytes;
    // Bodies belong to authenticated requests only; rejected ones carry metadata.
    const withBodies = this.admitted;
    const record: AuditRecord = {
      ts: this.startedAt,
      requestId: this.start.requestId,
      gateway: this.start.gateway,
      apiUserId: key?.apiUserId ?? null,
      apiUserName: key?.apiUserName ?? null,
      tenantId: key?.tenantId ?? null,
      method: this.start.method,
      path: this.start.path,
      model: this.model,
      status,
      stream: this.stream,
      latencyMs: Math.round(now - this.t0),
      ttfbMs: this.ttfbMs,
      usage: this.usage,
      clientIp: this.start.clientIp,
      userAgent: this.start.userAgent,
      errorCode,
      aborted: this.aborted,
      requestBody: withBodies && this.requestText !== null ? captureBody(this.requestText, max) : null,
      responseBody: withBodies && this.responseText !== null ? captureBody(this.responseText, max) : null,
    };
    this.deps.audit.record(record);
    this.observe(record, now);
  }

  /** Metrics and the request span: names, codes and counts only, from the record already built. */
  private observe(record: AuditRecord, now: number): void {
    const tenant = this.tenant?.name ?? "";
    const upstreamEnd = this.upstreamEndedAt ?? now;
    const usage = record.usage;
    this.deps.metrics.requestFinished({
      gateway: record.gateway,
      tenant,
      route: this.start.route,
      status: record.status,
      model: record.model,
      apiUser: record.apiUserName,
      errorCode: record.errorCode,
      aborted: record.aborted,
      durationS: (now - this.t0) / 1000,
      ttfbS: this.firstByteAt === null ? null : (this.firstByteAt - this.t0) / 1000,
      upstreamS: this.upstreamStartedAt === null ? null : (upstreamEnd - this.upstreamStartedAt) / 1000,
      usage,
    });
    const trace = this.trace;
    if (trace) {
      trace.finish(
        {
          "hermes.tenant": tenant,
          "hermes.stream": record.stream,
          "hermes.aborted": record.aborted,
          ...(record.model !== null && { "gen_ai.request.model": record.model }),
          ...(record.errorCode !== null && { "error.type": record.errorCode }),
          ...(usage && {
            "gen_ai.usage.input_tokens": usage.promptTokens,
            "gen_ai.usage.output_tokens": usage.completionTokens,
            "hermes.usage.source": usage.source,
          }),
        },
        record.status,
        record.errorCode,
      );
    }
  }
}

let resetCache = { from: 0, until: 0, value: "" };

/** The ISO instant the month of `at` resets, computed once per month rather than per request. */
function resetHeader(at: Date): string {
  const t = at.getTime();
  if (t < resetCache.from || t >= resetCache.until) {
    const reset = monthResetAt(at);
    const from = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
    resetCache = { from, until: reset.getTime(), value: reset.toISOString() };
  }
  return resetCache.value;
}

/** OpenAI-style durations: `250ms`, `12.5s`, `6m0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s * 1000) / 1000}s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}
