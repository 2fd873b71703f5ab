/**
 * @module Bench: the comparison point, a bare Hono + undici pass-through proxy (keep-alive Agent, no auth, limits,
 * accounting or logging). `node gateway-bare-proxy.js <port> <upstream origin> [--direct]`.
 * Streams go back as a web ReadableStream in a Response (Hono's idiom), or with `--direct` are written to the
 * node:http response as the gateway writes them, so the gateway's own overhead can be read apart from that choice.
 */
import { serve, type HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { Agent } from "undici";

const port = Number(process.argv[2] ?? 18081);
const origin = process.argv[3] ?? "http://127.0.0.1:18080";
const direct = process.argv.includes("--direct");
const agent = new Agent({ keepAliveTimeout: 30_000 });
const app = new Hono<{ Bindings: HttpBindings }>();

app.all("/v1/*", async (c) => {
  const body = c.req.method === "GET" ? null : await c.req.text();
  const res = await agent.request({
    origin,
    path: c.req.path,
    method: c.req.method as "GET" | "POST",
    headers: {
      "content-type": "application/json",
      // The long-stream bench's pacing (gateway-fast-upstream.ts); the gateway passes client headers on as well.
      ...(c.req.header("x-bench-events")
        ? {
            "x-bench-events": c.req.header("x-bench-events")!,
            "x-bench-interval-ms": c.req.header("x-bench-interval-ms") ?? "40",
          }
        : {}),
    },
    body,
  });
  const type = String(res.headers["content-type"] ?? "application/json");
  if (type.startsWith("text/event-stream") && direct) {
    const out = c.env.outgoing;
    out.writeHead(res.statusCode, { "content-type": type });
    res.body.on("data", (d: Buffer) => {
      if (!out.write(d)) {
        res.body.pause();
        out.once("drain", () => res.body.resume());
      }
    });
    res.body.on("end", () => out.end());
    out.on("close", () => res.body.destroy());
    return RESPONSE_ALREADY_SENT;
  }
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
