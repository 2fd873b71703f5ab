/**
 * @module The upstream HTTP client: one undici Agent (keep-alive pools per origin) for every tenant, a connect
 * timeout, and a whole-response deadline. Failures become AppErrors: 502 upstream_unreachable, 504 upstream_timeout.
 */
import { EventEmitter } from "node:events";
import { Agent, type Dispatcher } from "undici";
import { AppError } from "../../errors/app-error.js";

export type UpstreamClientOptions = { connectTimeoutMs: number; responseTimeoutMs: number };

export type UpstreamRequest = {
  /** `http://host:port` of the upstream. */
  origin: string;
  /** Path (and query) on that origin. */
  path: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body: string | null;
  /** Subscribes to the client going away (returns an unsubscribe); the upstream call is then aborted. */
  watchClient: ((onGone: () => void) => () => void) | null;
};

export type UpstreamResponse = {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  body: Dispatcher.ResponseData["body"];
  /** Call when the response has been fully consumed or abandoned; clears the deadline timer. */
  done(): void;
  /** Why the body stream failed, if it did: a timeout, a client abort or an upstream fault. */
  failure(): "timeout" | "client_abort" | "upstream" | null;
};

export interface UpstreamClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Thrown when the client left before the upstream answered; there is nobody to answer. */
export class ClientAbortedError extends Error {
  override name = "ClientAbortedError";
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    // Our own deadline covers the whole response; undici's idle timers only need to be no shorter.
    headersTimeout: options.responseTimeoutMs,
    bodyTimeout: options.responseTimeoutMs,
  });

  return {
    async send(req) {
      // undici takes an EventEmitter as its abort signal: cheaper to create than an AbortController per request.
      const abort = new EventEmitter();
      let reason: "timeout" | "client_abort" | null = null;
      const timer = setTimeout(() => {
        reason = "timeout";
        abort.emit("abort");
      }, options.responseTimeoutMs);
      const unwatch = req.watchClient?.(() => {
        reason ??= "client_abort";
        abort.emit("abort");
      });
      const done = () => {
        clearTimeout(timer);
        unwatch?.();
      };
      try {
        const res = await agent.request({
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: abort,
        });
        let upstreamFault = false;
        res.body.once("error", () => {
          if (reason === null) upstreamFault = true;
        });
        return {
          status: res.statusCode,
          headers: res.headers,
          body: res.body,
          done,
          failure: () => reason ?? (upstreamFault ? "upstream" : null),
        };
      } catch (err) {
        done();
        if (reason === "timeout") {
          throw new AppError("upstream_timeout", "The upstream did not answer in time.", { cause: err });
        }
        if (reason === "client_abort") throw new ClientAbortedError("client went away", { cause: err });
        throw new AppError("upstream_unreachable", "The upstream could not be reached.", { cause: err });
      }
    },
    close: () => agent.close(),
  };
}
