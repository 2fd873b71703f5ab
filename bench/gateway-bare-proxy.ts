/**
 * @module Bench: the comparison point, a bare Hono + undici pass-through proxy (keep-alive Agent, no auth, limits,
 * accounting or logging). `node gateway-bare-proxy.js <port> <upstream origin>`.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Agent } from "undici";

const port = Number(process.argv[2] ?? 18081);
const origin = process.argv[3] ?? "http://127.0.0.1:18080";
const agent = new Agent({ keepAliveTimeout: 30_000 });
const app = new Hono();

app.all("/v1/*", async (c) => {
  const body = c.req.method === "GET" ? null : await c.req.text();
  const res = await agent.request({
    origin,
    path: c.req.path,
    method: c.req.method as "GET" | "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const type = String(res.headers["content-type"] ?? "application/json");
  if (type.startsWith("text/event-stream")) {
    const iterator = res.body[Symbol.asyncIterator]();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value as Uint8Array);
      },
      cancel() {
        res.body.destroy();
      },
    });
    return new Response(stream, { status: res.statusCode, headers: { "content-type": type } });
  }
  return new Response(await res.body.text(), { status: res.statusCode, headers: { "content-type": type } });
});

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
