/**
 * @module A fake OpenAI-compatible upstream on port 0: chat completions (JSON and SSE, OpenAI or Hermes style),
 * completions, embeddings, responses and models, with knobs for slowness, errors and max_tokens, and a record of
 * every request it received (headers, body, whether the client went away).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Json = Record<string, unknown>;

/** Prompt tokens the fake reports: a quarter of the prompt's JSON size, like a real tokenizer on English text. */
export function fakePromptTokens(prompt: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(prompt ?? "").length / 4));
}

function completionTokensFor(body: Json, knobs: FakeUpstreamKnobs): number {
  const max = (body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens) as number | undefined;
  return knobs.honourMaxTokens && typeof max === "number"
    ? Math.min(max, knobs.completionTokens)
    : knobs.completionTokens;
}

function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i} `);
}

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
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
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
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(
          JSON.stringify({ error: { message: "no such path", type: "invalid_request_error", code: null } }),
        );
  }
}

function sendJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}

function usageOf(prompt: unknown, body: Json, knobs: FakeUpstreamKnobs) {
  const p = fakePromptTokens(prompt);
  const c = completionTokensFor(body, knobs);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

function chatCompletion(body: Json, knobs: FakeUpstreamKnobs): Json {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 1_700_000_000,
    model: body.model ?? "fake-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: words(knobs.chunks).join("") },
        finish_reason: "stop",
      },
    ],
    ...(knobs.reportUsage ? { usage: usageOf(body.messages, body, knobs) } : {}),
  };
}

function completion(body: Json, knobs: FakeUpstreamKnobs): Json {
  return {
    id: "cmpl-fake",
    object: "text_completion",
    created: 1_700_000_000,
    model: body.model ?? "fake-model",
    choices: [{ index: 0, text: words(knobs.chunks).join(""), finish_reason: "stop", logprobs: null }],
    ...(knobs.reportUsage ? { usage: usageOf(body.prompt, body, knobs) } : {}),
  };
}

function embeddings(body: Json, knobs: FakeUpstreamKnobs): Json {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const p = fakePromptTokens(body.input);
  return {
    object: "list",
    model: body.model ?? "fake-embedding",
    data: inputs.map((_, i) => ({ object: "embedding", index: i, embedding: [0.1, 0.2, 0.3] })),
    ...(knobs.reportUsage ? { usage: { prompt_tokens: p, total_tokens: p } } : {}),
  };
}

function response(body: Json, knobs: FakeUpstreamKnobs): Json {
  const u = usageOf(body.input, body, knobs);
  return {
    id: "resp_fake",
    object: "response",
    created_at: 1_700_000_000,
    status: "completed",
    model: body.model ?? "fake-model",
    output: [
      {
        type: "message",
        id: "msg_fake",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: words(knobs.chunks).join(""), annotations: [] }],
      },
    ],
    ...(knobs.reportUsage
      ? {
          usage: {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
            total_tokens: u.total_tokens,
          },
        }
      : {}),
  };
}

type Sse = { write(event: string): Promise<boolean> };

function openSse(res: http.ServerResponse, knobs: FakeUpstreamKnobs): Sse {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return {
    async write(event) {
      if (res.destroyed) return false;
      res.write(event);
      if (knobs.chunkDelayMs > 0) await sleep(knobs.chunkDelayMs);
      return !res.destroyed;
    },
  };
}

async function hang(res: http.ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => res.once("close", () => resolve()));
}

async function streamChat(res: http.ServerResponse, body: Json, knobs: FakeUpstreamKnobs): Promise<void> {
  const sse = openSse(res, knobs);
  const hermes = knobs.streamStyle === "hermes";
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const usage = usageOf(body.messages, body, knobs);
  const base = {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: body.model,
  };
  const extra = includeUsage && !hermes ? { usage: null } : {};
  const chunk = (delta: Json, finish: string | null, more: Json = {}) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra, ...more })}\n\n`;

  if (!(await sse.write(chunk({ role: "assistant", content: "" }, null)))) return;
  const pieces = words(knobs.chunks);
  for (let i = 0; i < pieces.length; i++) {
    if (knobs.hangAfterChunks !== null && i >= knobs.hangAfterChunks) return hang(res);
    if (hermes && i === 1) {
      await sse.write(`event: hermes.tool.progress\ndata: {"tool":"search","status":"running"}\n\n`);
      await sse.write(`: keepalive\n\n`);
    }
    if (!(await sse.write(chunk({ content: pieces[i] }, null)))) return;
  }
  if (hermes) {
    await sse.write(chunk({}, "stop", knobs.reportUsage ? { usage } : {}));
  } else {
    await sse.write(chunk({}, "stop"));
    if (includeUsage && knobs.reportUsage) {
      await sse.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
    }
  }
  await sse.write("data: [DONE]\n\n");
  res.end();
}

async function streamCompletions(
  res: http.ServerResponse,
  body: Json,
  knobs: FakeUpstreamKnobs,
): Promise<void> {
  const sse = openSse(res, knobs);
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const base = { id: "cmpl-fake", object: "text_completion", created: 1_700_000_000, model: body.model };
  for (const piece of words(knobs.chunks)) {
    const c = { ...base, choices: [{ index: 0, text: piece, finish_reason: null, logprobs: null }] };
    if (!(await sse.write(`data: ${JSON.stringify(c)}\n\n`))) return;
  }
  if (includeUsage && knobs.reportUsage) {
    await sse.write(
      `data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(body.prompt, body, knobs) })}\n\n`,
    );
  }
  await sse.write("data: [DONE]\n\n");
  res.end();
}

async function streamResponses(
  res: http.ServerResponse,
  body: Json,
  knobs: FakeUpstreamKnobs,
): Promise<void> {
  const sse = openSse(res, knobs);
  const final = response(body, knobs);
  const ev = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  await sse.write(
    ev("response.created", { response: { ...final, status: "in_progress", output: [], usage: null } }),
  );
  for (const piece of words(knobs.chunks)) {
    if (
      !(await sse.write(
        ev("response.output_text.delta", { delta: piece, output_index: 0, content_index: 0 }),
      ))
    )
      return;
  }
  await sse.write(ev("response.completed", { response: final }));
  res.end();
}
