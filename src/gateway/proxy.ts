/**
 * @module The pipeline every /v1 route shares after authentication and the rate limit: read and check the body,
 * admit it against the monthly cap, call the tenant's upstream, and answer (JSON, or SSE tapped for usage).
 */
import type { Context } from "hono";
import type { Gateway } from "../config/config.js";
import { AppError } from "../errors/app-error.js";
import { openAiErrorBody } from "../http/render-error.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { endStep } from "../observability/tracing.js";
import { admissionEstimate, requestedMaxTokens } from "../usage/token-estimate.js";
import type { UsageMeter } from "../usage/usage-meter.js";
import type { Exchange } from "./exchange.js";
import { readJsonBody, withIncludeUsage, type JsonBody } from "./upstream/request-body.js";
import { SseAssembler, type StreamKind } from "./upstream/sse-assembler.js";
import { relaySse } from "./upstream/sse-tap.js";
import {
  ClientAbortedError,
  type UpstreamClient,
  type UpstreamResponse,
} from "./upstream/upstream-client.js";
import { clientHeaders, upstreamHeaders, upstreamTarget } from "./upstream/upstream-target.js";
import { estimateUsage, readUsage } from "./upstream/usage-shapes.js";

export type RouteKind = StreamKind | "embeddings" | "models";

export type ProxyContext = {
  gateway: Gateway;
  upstream: UpstreamClient;
  usage: UsageMeter;
  maxRequestBytes: number;
  defaultMaxTokens: number;
  /** A supervised Hermes proxy standing in for a tenant's stored upstream (src/hermes/hermes-proxies). */
  upstreamOverride?: (tenantId: string, gateway: Gateway) => string | null | undefined;
  /** Open-streams gauge (src/observability); per-request figures are recorded when the Exchange finishes. */
  metrics: GatewayMetrics;
};

declare module "hono" {
  interface ContextVariableMap {
    exchange: Exchange;
  }
}

/** @hono/node-server leaves a response carrying this header alone (its RESPONSE_ALREADY_SENT, with our status). */
const ALREADY_SENT_HEADER = "x-hono-already-sent";

/** Status recorded for a request whose client left before any answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

export async function proxyRequest(c: Context, ctx: ProxyContext, kind: RouteKind): Promise<Response> {
  const ex = c.get("exchange");
  const key = ex.key!;
  const client = ex.client;
  const admission = ex.trace?.step("admission");
  let body: JsonBody | null;
  try {
    body = await admit(ex, ctx, kind);
  } catch (err) {
    if (admission) endStep(admission, (err as { code?: string }).code ?? "failed");
    throw err;
  }
  if (admission) endStep(admission);

  // Ask for usage on the client's behalf; the extra chunk is removed again before it reaches the client.
  const wantsUsage =
    (body?.json.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const addUsage = ex.stream && kind !== "responses" && !wantsUsage;
  const outgoing = addUsage ? withIncludeUsage(body!) : (body?.text ?? null);

  const url = c.req.url;
  const target = upstreamTarget(
    ex.tenant!,
    ctx.gateway,
    url.slice(url.indexOf("/", 8)),
    ctx.upstreamOverride?.(ex.tenant!.id, ctx.gateway),
  );
  const headers = upstreamHeaders(client.headers, {
    requestId: ex.start.requestId,
    key,
    tenant: ex.tenant!,
    hasBody: body !== null,
  });
  const method = kind === "models" ? "GET" : "POST";
  // Replaces a client's traceparent with the upstream span's, so a tracing Hermes joins this trace.
  ex.trace?.upstreamStarted(headers, { "http.request.method": method, "server.address": target.origin });
  ex.upstreamStartedAt = performance.now();
  let res: UpstreamResponse;
  try {
    res = await ctx.upstream.send({
      origin: target.origin,
      path: target.path,
      method,
      headers,
      body: outgoing,
      watchClient: client.watchClient,
    });
  } catch (err) {
    ex.markUpstreamEnded((err as { code?: string }).code ?? "client_abort");
    if (!(err instanceof ClientAbortedError)) throw err;
    ex.aborted = true;
    return new Response(null, { status: CLIENT_CLOSED_STATUS });
  }
  ex.trace?.upstreamAnswered(res.status);
  const answerHeaders = clientHeaders(res.headers);
  answerHeaders["x-request-id"] = ex.start.requestId;
  Object.assign(answerHeaders, ex.limitHeaders());
  ex.headersApplied = true;
  const isSse = String(res.headers["content-type"] ?? "").startsWith("text/event-stream");
  if (ex.stream && isSse && res.status < 400)
    return streamAnswer(ex, res, answerHeaders, kind as StreamKind, addUsage, ctx.metrics);
  return jsonAnswer(ex, res, answerHeaders, kind, body);
}

/** Reads and checks the body, then reserves its worst-case cost against the key's monthly cap (if it has one). */
async function admit(ex: Exchange, ctx: ProxyContext, kind: RouteKind): Promise<JsonBody | null> {
  const key = ex.key!;
  const body =
    kind === "models" ? null : await readJsonBody(ex.client.headers, ex.client.body, ctx.maxRequestBytes);
  if (body) {
    ex.requestText = body.text;
    if (typeof body.json.model === "string") ex.model = body.json.model;
    ex.stream = kind !== "embeddings" && body.json.stream === true;
  }
  if (key.monthlyTokenCap !== null) {
    const estimate = estimateOf(kind, body, ctx);
    const admission = await ctx.usage.admit(key.apiUserId, key.monthlyTokenCap, estimate, ex.startedAt);
    ex.monthlyRemaining = admission.remaining;
    if (!admission.admitted) {
      throw new AppError("insufficient_quota", "This API key has used its monthly token budget.");
    }
    ex.reservation = admission.reservation;
  }
  ex.admitted = true;
  return body;
}

function estimateOf(kind: RouteKind, body: JsonBody | null, ctx: ProxyContext): number {
  if (!body) return 0;
  if (kind === "embeddings") return body.bytes;
  return admissionEstimate(body.bytes, requestedMaxTokens(body.json) ?? ctx.defaultMaxTokens);
}

async function jsonAnswer(
  ex: Exchange,
  res: UpstreamResponse,
  headers: Record<string, string>,
  kind: RouteKind,
  body: JsonBody | null,
): Promise<Response> {
  let text: string;
  try {
    text = await res.body.text();
  } catch (err) {
    ex.markUpstreamEnded(res.failure() ?? "failed");
    if (res.failure() === "timeout")
      throw new AppError("upstream_timeout", "The upstream did not answer in time.", { cause: err });
    if (res.failure() === "client_abort") {
      ex.aborted = true;
      return new Response(null, { status: CLIENT_CLOSED_STATUS });
    }
    throw new AppError("upstream_unreachable", "The upstream connection failed mid-answer.", { cause: err });
  } finally {
    res.done();
  }
  ex.markFirstByte();
  ex.markUpstreamEnded();
  ex.responseText = text;
  if (res.status < 400 && kind !== "models") {
    let usage = null;
    try {
      usage = readUsage((JSON.parse(text) as { usage?: unknown }).usage);
    } catch {
      // Not JSON: passed through as is, usage estimated below.
    }
    ex.usage = usage ?? estimateUsage(body?.text ?? "", text);
  }
  return new Response(text, { status: res.status, headers });
}

function streamAnswer(
  ex: Exchange,
  res: UpstreamResponse,
  headers: Record<string, string>,
  kind: StreamKind,
  hideUsageChunk: boolean,
  metrics: GatewayMetrics,
): Response {
  const assembler = new SseAssembler(kind, hideUsageChunk);
  ex.deferred = true;
  headers["cache-control"] = "no-cache";
  const response = ex.client.response;
  response.writeHead(res.status, headers);
  const gateway = ex.start.gateway;
  metrics.streamOpened(gateway);
  ex.trace?.relayStarted();
  relaySse(res.body, response, {
    assembler,
    onFirstByte: () => ex.markFirstByte(),
    failure: res.failure,
    errorFrame: (why) =>
      `data: ${JSON.stringify(
        openAiErrorBody(
          why === "timeout"
            ? new AppError("upstream_timeout", "The upstream did not finish in time.")
            : new AppError("upstream_unreachable", "The upstream connection failed mid-stream."),
        ),
      )}\n\n`,
    onEnd: (end) => {
      res.done();
      metrics.streamClosed(gateway);
      ex.markUpstreamEnded(end === "timeout" || end === "failed" ? end : null);
      ex.trace?.relayEnded(end);
      ex.usage = assembler.usage ?? estimateUsage(ex.requestText ?? "", assembler.completionText());
      ex.responseText = assembler.assembled();
      ex.aborted = end === "aborted";
      const code =
        end === "timeout"
          ? "upstream_timeout"
          : end === "failed"
            ? "upstream_unreachable"
            : assembler.errorCode;
      // The status line already went out; `aborted` tells the rest.
      ex.finish(res.status, code);
    },
  });
  // Tells @hono/node-server the response is being written already; the status is for the request log.
  return new Response(null, { status: res.status, headers: { [ALREADY_SENT_HEADER]: "true" } });
}
