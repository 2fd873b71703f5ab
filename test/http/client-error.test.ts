/**
 * A request node:http cannot parse is still a client error in the listener's envelope: JSON, 4xx, and the
 * connection closed, on the admin listener and the gateways alike.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc?.close();
});

function rawExchange(base: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(base).port), "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
    socket.write(bytes, "latin1");
  });
}

describe("malformed HTTP", () => {
  const cases: [string, string, number][] = [
    ["a header line without a colon", "GET /healthz HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n", 400],
    [
      "garbage after a complete request",
      "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n\u0005\u0001 junk\r\n\r\n",
      400,
    ],
    [
      "a bad chunk size",
      "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
      400,
    ],
    [
      "two different content-lengths",
      "POST /v1/models HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab",
      400,
    ],
    [
      "headers over node's limit",
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ];
  for (const [what, bytes, status] of cases) {
    it(`${what} → ${status} in the envelope, on every listener`, async () => {
      for (const [listener, base] of Object.entries(svc.urls)) {
        const answer = await rawExchange(base, bytes);
        const last = answer.slice(answer.lastIndexOf("HTTP/1.1 "));
        expect(last.startsWith(`HTTP/1.1 ${status} `), `${listener}: ${last.slice(0, 80)}`).toBe(true);
        expect(last).toMatch(/\r\ncontent-type: application\/json\r\n/);
        const error = (
          JSON.parse(last.slice(last.indexOf("\r\n\r\n") + 4)) as { error: Record<string, unknown> }
        ).error;
        expect(Object.keys(error).sort()).toEqual(
          listener === "admin" ? ["code", "message"] : ["code", "message", "param", "type"],
        );
      }
    });
  }
});
