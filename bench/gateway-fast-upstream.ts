/**
 * @module Bench: a fast fake OpenAI-compatible upstream on plain node:http with precomputed answers: a chat
 * completion (with usage) and a 20-chunk stream (then usage, then [DONE]). `node gateway-fast-upstream.js <port>`.
 * A request with `x-bench-events: N` gets a paced stream instead: N content chunks, one every `x-bench-interval-ms`
 * (default 40, i.e. 25 events/s), each in a write of its own, then the finish chunk, usage and [DONE]. One timer
 * paces every open stream, so a thousand of them cost this process little.
 */
import http from "node:http";

const answer = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "bench",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hello from the bench upstream." },
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 250, completion_tokens: 8, total_tokens: 258 },
});
const base = {
  id: "chatcmpl-bench",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "bench",
};
const stream =
  [
    {
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      usage: null,
    },
    ...Array.from({ length: 20 }, (_, i) => ({
      ...base,
      choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }],
      usage: null,
    })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null },
    { ...base, choices: [], usage: { prompt_tokens: 250, completion_tokens: 20, total_tokens: 270 } },
  ]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`)
    .join("") + "data: [DONE]\n\n";
const models = JSON.stringify({
  object: "list",
  data: [{ id: "bench", object: "model", owned_by: "bench" }],
});

/** Content chunks of a paced stream, precomputed (the index only varies the text). */
const PACED = Array.from({ length: 100 }, (_, i) =>
  Buffer.from(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }], usage: null })}\n\n`,
  ),
);
const pacedEnd = (n: number) =>
  Buffer.from(
    [
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null },
      { ...base, choices: [], usage: { prompt_tokens: 250, completion_tokens: n, total_tokens: 250 + n } },
    ]
      .map((c) => `data: ${JSON.stringify(c)}\n\n`)
      .join("") + "data: [DONE]\n\n",
  );

type Paced = { res: http.ServerResponse; sent: number; total: number; next: number; every: number };
const paced = new Set<Paced>();
let pacer: NodeJS.Timeout | null = null;

function pace(): void {
  const now = performance.now();
  for (const p of paced) {
    if (p.res.destroyed) {
      paced.delete(p);
      continue;
    }
    if (now < p.next) continue;
    p.next += p.every;
    if (p.sent < p.total) {
      p.res.write(PACED[p.sent++ % PACED.length]);
      continue;
    }
    paced.delete(p);
    p.res.end(pacedEnd(p.total));
  }
  if (paced.size === 0 && pacer) {
    clearInterval(pacer);
    pacer = null;
  }
}

function startPaced(res: http.ServerResponse, total: number, every: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
  paced.add({ res, sent: 0, total, next: performance.now(), every });
  pacer ??= setInterval(pace, 2);
}

export function startFastUpstream(port: number): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET") {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(models),
        });
        res.end(models);
        return;
      }
      const events = Number(req.headers["x-bench-events"] ?? 0);
      if (events > 0) {
        startPaced(res, events, Number(req.headers["x-bench-interval-ms"] ?? 40));
        return;
      }
      // A cheap check instead of JSON.parse: this server must not be the bottleneck.
      if (Buffer.concat(chunks).includes('"stream":true')) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end(stream);
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1");
  return server;
}

if (process.argv[1]?.endsWith("gateway-fast-upstream.js"))
  startFastUpstream(Number(process.argv[2] ?? 18080));
