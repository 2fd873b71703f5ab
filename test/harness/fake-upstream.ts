/**
 * @module A fake OpenAI-compatible upstream on port 0: chat completions (JSON and SSE, OpenAI or Hermes style),
 * completions, embeddings, responses and models, with knobs for slowness, errors and max_tokens, and a record of
 * every request it received (headers, body, whether the client went away).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  chatCompletion,
  completion,
  embeddings,
  response,
  sleep,
  streamChat,
  streamCompletions,
  streamResponses,
  type Json,
} from "./fake-upstream-answers.js";

export { fakePromptTokens } from "./fake-upstream-answers.js";

export type StreamStyle = "openai" | "hermes";

export type FakeUpstreamKnobs = {
  /** Delay before the response headers. */
  delayMs: number;
  /** Delay between SSE events. */
  chunkDelayMs: number;
  /** Content pieces in a streamed answer (and words in a non-streamed one). */
  chunks: number;
  /** Completion tokens reported; capped by the request's max_tokens when honourMaxTokens. */
  completionTokens: number;
  honourMaxTokens: boolean;
  /** Report usage at all (a stream without usage tests the gateway's estimate). */
  reportUsage: boolean;
  streamStyle: StreamStyle;
  /** Answer every request with this status and body instead. */
  failWith: { status: number; body: string } | null;
  /** Stop after this many content chunks and keep the connection open (client-abort tests). */
  hangAfterChunks: number | null;
};

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Set when the client (the gateway) closed the connection before the answer ended. */
  aborted: boolean;
};

export type FakeUpstream = {
  /** OpenAI-style base, ending in /v1. */
  url: string;
  port: number;
  knobs: FakeUpstreamKnobs;
  requests: ReceivedRequest[];
  /** Requests whose connection closed before the answer was complete. */
  abortedCount(): number;
  /** Resolves when `n` requests have been aborted by the client (or rejects after timeoutMs). */
  waitForAborted(n: number, timeoutMs?: number): Promise<void>;
  set(knobs: Partial<FakeUpstreamKnobs>): void;
  close(): Promise<void>;
};

const DEFAULT_KNOBS: FakeUpstreamKnobs = {
  delayMs: 0,
  chunkDelayMs: 0,
  chunks: 5,
  completionTokens: 12,
  honourMaxTokens: true,
  reportUsage: true,
  streamStyle: "openai",
  failWith: null,
  hangAfterChunks: null,
};

export async function startFakeUpstream(initial: Partial<FakeUpstreamKnobs> = {}): Promise<FakeUpstream> {
  const knobs: FakeUpstreamKnobs = { ...DEFAULT_KNOBS, ...initial };
  const requests: ReceivedRequest[] = [];
  const abortWaiters: { n: number; resolve: () => void }[] = [];
  const abortedCount = () => requests.filter((r) => r.aborted).length;

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: ReceivedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      aborted: false,
    };
    requests.push(rec);
    res.on("close", () => {
      if (!res.writableFinished) {
        rec.aborted = true;
        for (const w of [...abortWaiters])
          if (abortedCount() >= w.n) {
            abortWaiters.splice(abortWaiters.indexOf(w), 1);
            w.resolve();
          }
      }
    });
    try {
      await handle(rec, res, knobs);
    } catch {
      // A body the fake cannot make sense of (the gateway relays whatever JSON a client sends): a real upstream
      // answers that with a 400 in OpenAI's envelope.
      if (!res.headersSent) {
        res.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: { message: "bad request", type: "invalid_request_error", param: null, code: null },
          }),
        );
      } else res.destroy();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    knobs,
    requests,
    abortedCount,
    waitForAborted(n, timeoutMs = 5_000) {
      if (abortedCount() >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`upstream saw ${abortedCount()} aborts, wanted ${n}`)),
          timeoutMs,
        );
        abortWaiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    set(k) {
      Object.assign(knobs, k);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  rec: ReceivedRequest,
  res: http.ServerResponse,
  knobs: FakeUpstreamKnobs,
): Promise<void> {
  if (knobs.delayMs > 0) await sleep(knobs.delayMs);
  if (res.destroyed) return;
  if (knobs.failWith) {
    res.writeHead(knobs.failWith.status, { "content-type": "application/json" }).end(knobs.failWith.body);
    return;
  }
  const path = rec.path.split("?")[0];
  if (rec.method === "GET" && path === "/v1/models") {
    return sendJson(res, {
      object: "list",
      data: [{ id: "fake-model", object: "model", created: 1_700_000_000, owned_by: "fake" }],
    });
  }
  const body = rec.body ? (JSON.parse(rec.body) as Json) : {};
  // As OpenAI does; the answers echo the model, which must not be an object nested thousands of levels deep.
  if (body.model !== undefined && typeof body.model !== "string") throw new Error("model must be a string");
  switch (path) {
    case "/v1/chat/completions":
      return body.stream ? streamChat(res, body, knobs) : sendJson(res, chatCompletion(body, knobs));
    case "/v1/completions":
      return body.stream ? streamCompletions(res, body, knobs) : sendJson(res, completion(body, knobs));
    case "/v1/embeddings":
      return sendJson(res, embeddings(body, knobs));
    case "/v1/responses":
      return body.stream ? streamResponses(res, body, knobs) : sendJson(res, response(body, knobs));
    default:
      res.writeHead(404, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: { message: "no such path", type: "invalid_request_error", param: null, code: null },
        }),
      );
  }
}

function sendJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}
