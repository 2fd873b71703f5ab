/**
 * @module Bench: an OTLP/HTTP sink in a process of its own (the bench's own event loop is blocked while wrk runs):
 * accepts and drops span exports on POST /v1/traces, and says how many it got on GET /count.
 *
 *   node dist/bench/bench/otlp-sink.js <port>
 */
import http from "node:http";

let posts = 0;
let bytes = 0;
http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/count") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ posts, bytes }));
      return;
    }
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => {
      posts++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  })
  .listen(Number(process.argv[2]), "127.0.0.1");
