/**
 * @module OpenTelemetry traces of gateway requests, off unless an OTLP endpoint is configured. When off there is no
 * provider and no RequestTrace: the gateway's hooks are `ex.trace?.…` on a null, so tracing costs nothing.
 * When on, each request gets a server span (continuing an incoming W3C traceparent) with children for the key
 * check, the rate limit, admission, the upstream call (whose context goes upstream as traceparent) and the stream
 * relay. Parents are passed explicitly rather than through a context manager, so no async-hooks machinery runs.
 * Attributes carry names, counts and codes only: never bodies, keys or credentials.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Gateway, ObservabilityConfig } from "../config/config.js";

type Headers = Record<string, string | string[] | undefined>;

const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

export type TracingOptions = Pick<ObservabilityConfig, "tracesUrl" | "tracesHeaders" | "serviceName"> & {
  /** Export delay of the batch processor; tests shorten it. */
  scheduledDelayMillis?: number;
};

export interface Tracing {
  /** Opens the server span of one gateway request. */
  startRequest(start: { gateway: Gateway; method: string; route: string; headers: Headers }): RequestTrace;
  /** Sends what is buffered now. */
  flush(): Promise<void>;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** The spans of one request; every method is cheap and safe to call in any order. */
export class RequestTrace {
  private readonly context: Context;
  private upstreamSpan: Span | null = null;
  private relaySpan: Span | null = null;

  constructor(
    private readonly tracer: Tracer,
    readonly root: Span,
  ) {
    this.context = trace.setSpan(ROOT_CONTEXT, root);
  }

  /** A child of the request span for one step (key check, rate limit, admission); end it with endStep. */
  step(name: string): Span {
    return this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, this.context);
  }

  /** Opens the upstream call's span and writes its context into the outgoing headers as `traceparent`. */
  upstreamStarted(headers: Record<string, string>, attributes: Attributes): void {
    const span = this.tracer.startSpan("upstream call", { kind: SpanKind.CLIENT, attributes }, this.context);
    this.upstreamSpan = span;
    // An incoming tracestate/traceparent belongs to our parent, not to the upstream's: ours replaces it.
    delete headers["tracestate"];
    propagator.inject(trace.setSpan(this.context, span), headers, {
      set: (carrier, key, value) => {
        carrier[key] = value;
      },
    });
  }

  upstreamAnswered(status: number): void {
    const span = this.upstreamSpan;
    if (!span) return;
    span.setAttribute("http.response.status_code", status);
    span.addEvent("response_headers");
  }

  /** The first answer byte went to the client (TTFB). */
  firstByte(): void {
    this.upstreamSpan?.addEvent("first_byte");
  }

  upstreamEnded(error: string | null): void {
    const span = this.upstreamSpan;
    if (!span) return;
    this.upstreamSpan = null;
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end();
  }

  relayStarted(): void {
    this.relaySpan = this.tracer.startSpan("stream relay", { kind: SpanKind.INTERNAL }, this.context);
  }

  relayEnded(end: string): void {
    const span = this.relaySpan;
    if (!span) return;
    this.relaySpan = null;
    span.setAttribute("hermes.stream.end", end);
    span.end();
  }

  /** Ends the request span with what the request came to. */
  finish(attributes: Attributes, status: number, errorCode: string | null): void {
    this.upstreamEnded(null);
    this.relayEnded("unfinished");
    const root = this.root;
    root.setAttributes(attributes);
    root.setAttribute("http.response.status_code", status);
    if (status >= 500 || errorCode)
      root.setStatus({ code: SpanStatusCode.ERROR, message: errorCode ?? undefined });
    root.end();
  }
}

/** Ends a step span, marking it failed when `error` is set. */
export function endStep(span: Span, error?: string | null): void {
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
}

/** The tracer, or null when no OTLP endpoint is configured (tracing off). */
export function createTracing(options: TracingOptions): Tracing | null {
  if (!options.tracesUrl) return null;
  const exporter = new OTLPTraceExporter({ url: options.tracesUrl, headers: { ...options.tracesHeaders } });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        ...(options.scheduledDelayMillis !== undefined && {
          scheduledDelayMillis: options.scheduledDelayMillis,
        }),
      }),
    ],
  });
  const tracer = provider.getTracer("hermes-control-plane");
  return {
    startRequest({ gateway, method, route, headers }) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, getter);
      const root = tracer.startSpan(
        `${method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": method, "http.route": route, "hermes.gateway": gateway },
        },
        parent,
      );
      return new RequestTrace(tracer, root);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
