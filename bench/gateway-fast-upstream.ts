/**
 * @module Bench: a fast fake OpenAI-compatible upstream on plain node:http with precomputed answers: a chat
 * completion (with usage) and a 20-chunk stream (then usage, then [DONE]). `node gateway-fast-upstream.js <port>`.
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
