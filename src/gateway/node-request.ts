/**
 * @module Direct access to node:http's request and response under @hono/node-server, which is what serves the
 * gateway. Touching `c.req.raw.body`, `.signal` or `.headers` makes the adapter build a full web Request (plus a web
 * stream for the body), which cost the gateway a measurable share of its CPU per request; the node objects are
 * already there. Streamed answers are written to the node response directly for the same reason.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";

/** The client request's headers as node:http parsed them. */
export type RequestHeaders = IncomingHttpHeaders;

export type ClientRequestView = {
  headers: RequestHeaders;
  /** The body as node chunks. */
  body: IncomingMessage;
  /** The response, for answers the handler writes itself (streams). */
  response: ServerResponse;
  /** Calls `onGone` if the client disconnects before the response is complete; returns an unsubscribe. */
  watchClient(onGone: () => void): () => void;
  remoteAddress: string | null;
};

type NodeEnv = { incoming?: IncomingMessage; outgoing?: ServerResponse };

export function clientRequest(c: Context): ClientRequestView {
  const env = c.env as NodeEnv | undefined;
  const incoming = env?.incoming;
  const outgoing = env?.outgoing;
  if (!incoming || !outgoing) throw new Error("the gateway must be served by @hono/node-server");
  return {
    headers: incoming.headers,
    body: incoming,
    response: outgoing,
    watchClient(onGone) {
      const onClose = () => {
        if (!outgoing.writableFinished) onGone();
      };
      outgoing.once("close", onClose);
      return () => outgoing.off("close", onClose);
    },
    remoteAddress: incoming.socket?.remoteAddress ?? null,
  };
}

/** One header as a string (repeated headers joined), or undefined. */
export function headerOf(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}
