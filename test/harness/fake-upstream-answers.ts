/**
 * Answer bodies of the fake upstream: JSON answers and SSE streams (OpenAI or Hermes style) for chat completions,
 * completions and responses, with usage computed from the request so tests can predict it.
 */
import type http from "node:http";
import type { FakeUpstreamKnobs } from "./fake-upstream.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Json = Record<string, unknown>;

/** Prompt tokens the fake reports: a quarter of the prompt's JSON size, like a real tokenizer on English text. */
export function fakePromptTokens(prompt: unknown): number {
  try {
    return Math.max(1, Math.ceil(JSON.stringify(prompt ?? "").length / 4));
  } catch {
    // Nested too deep to serialise (generated-input test): any count will do.
    return 1;
  }
}

function completionTokensFor(body: Json, knobs: FakeUpstreamKnobs): number {
  const max = (body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens) as number | undefined;
  return knobs.honourMaxTokens && typeof max === "number"
    ? Math.min(max, knobs.completionTokens)
    : knobs.completionTokens;
}

export function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i} `);
}

function usageOf(prompt: unknown, body: Json, knobs: FakeUpstreamKnobs) {
  const p = fakePromptTokens(prompt);
  const c = completionTokensFor(body, knobs);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

export function chatCompletion(body: Json, knobs: FakeUpstreamKnobs): Json {
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

export function completion(body: Json, knobs: FakeUpstreamKnobs): Json {
  return {
    id: "cmpl-fake",
    object: "text_completion",
    created: 1_700_000_000,
    model: body.model ?? "fake-model",
    choices: [{ index: 0, text: words(knobs.chunks).join(""), finish_reason: "stop", logprobs: null }],
    ...(knobs.reportUsage ? { usage: usageOf(body.prompt, body, knobs) } : {}),
  };
}

export function embeddings(body: Json, knobs: FakeUpstreamKnobs): Json {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const p = fakePromptTokens(body.input);
  return {
    object: "list",
    model: body.model ?? "fake-embedding",
    data: inputs.map((_, i) => ({ object: "embedding", index: i, embedding: [0.1, 0.2, 0.3] })),
    ...(knobs.reportUsage ? { usage: { prompt_tokens: p, total_tokens: p } } : {}),
  };
}

export function response(body: Json, knobs: FakeUpstreamKnobs): Json {
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

export async function streamChat(
  res: http.ServerResponse,
  body: Json,
  knobs: FakeUpstreamKnobs,
): Promise<void> {
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

export async function streamCompletions(
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

export async function streamResponses(
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
