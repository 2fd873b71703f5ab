import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { SseAssembler } from "../../../src/gateway/upstream/sse-assembler.js";
import {
  relaySse,
  SseTap,
  type SseRelayOptions,
  type StreamEnd,
} from "../../../src/gateway/upstream/sse-tap.js";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Relays `source` as the answer of a real loopback HTTP server; returns the response as the client sees it. */
async function relay(source: Readable, options: Partial<SseRelayOptions> & { assembler: SseAssembler }) {
  let ended: StreamEnd | null = null;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    relaySse(source, res, {
      onFirstByte: () => undefined,
      failure: () => "upstream",
      errorFrame: (why) => `data: {"error":{"code":"${why}"}}\n\n`,
      ...options,
      onEnd: (e) => {
        ended = e;
        options.onEnd?.(e);
      },
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve).on("error", reject),
  );
  return { response, ended: () => ended };
}

function run(pieces: string[], hide: boolean, kind: "chat" | "completions" | "responses" = "chat") {
  const assembler = new SseAssembler(kind, hide);
  const source = Readable.from(pieces.map((p) => Buffer.from(p)));
  return { assembler, source, relayed: relay(source, { assembler }) };
}

async function text(response: http.IncomingMessage): Promise<string> {
  let out = "";
  for await (const piece of response) out += String(piece);
  return out;
}

const chunk = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

describe("SSE tap", () => {
  it("reassembles events split across network chunks, CRLF included, and hides the usage-only chunk", async () => {
    const events =
      chunk({
        id: "c1",
        model: "m",
        choices: [{ index: 0, delta: { role: "assistant", content: "" } }],
        usage: null,
      }) +
      chunk({ id: "c1", choices: [{ index: 0, delta: { content: "Hel" } }], usage: null }) +
      "data: " +
      JSON.stringify({ id: "c1", choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] }) +
      "\r\n\r\n" +
      chunk({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) +
      "data: [DONE]\n\n";
    // Cut into 7-byte pieces, splitting events (and JSON) anywhere.
    const pieces = events.match(/[\s\S]{1,7}/g)!;
    const t = run(pieces, true);
    const { response, ended } = await t.relayed;
    const out = await text(response);
    expect(out).not.toContain('"choices":[]');
    expect(out).toContain("data: [DONE]\n\n");
    expect(t.assembler.usage).toEqual({
      promptTokens: 3,
      completionTokens: 2,
      totalTokens: 5,
      source: "provider",
    });
    expect(JSON.parse(t.assembler.assembled())).toMatchObject({
      choices: [{ message: { content: "Hello" }, finish_reason: "stop" }],
    });
    expect(ended()).toBe("complete");

    const shown = run([events], false);
    expect(await text((await shown.relayed).response)).toContain('"choices":[]');
  });

  it("assembles tool calls streamed in pieces", async () => {
    const t = run(
      [
        chunk({
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [
                  { index: 0, id: "call_1", type: "function", function: { name: "get_", arguments: "" } },
                ],
              },
            },
          ],
        }),
        chunk({
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { name: "weather", arguments: '{"city":' } }] },
            },
          ],
        }),
        chunk({
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
              finish_reason: "tool_calls",
            },
          ],
        }),
      ],
      false,
    );
    await text((await t.relayed).response);
    expect(JSON.parse(t.assembler.assembled()).choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
    });
  });

  it("a client that leaves mid-stream destroys the upstream body and ends as aborted", async () => {
    const assembler = new SseAssembler("chat", false);
    // An upstream that sends one event and then keeps the stream open.
    const source = new Readable({ read() {} });
    source.push(chunk({ choices: [{ index: 0, delta: { content: "a" } }] }));
    const { response, ended } = await relay(source, { assembler, failure: () => null });
    await new Promise((r) => response.once("data", r));
    response.destroy();
    await new Promise((r) => source.once("close", r));
    expect(source.destroyed).toBe(true);
    await expect.poll(ended).toBe("aborted");
  });

  it("a failing source ends the stream with the error frame", async () => {
    const assembler = new SseAssembler("chat", false);
    const source = new Readable({
      read() {
        this.push(Buffer.from(chunk({ choices: [{ index: 0, delta: { content: "a" } }] })));
        this.destroy(new Error("socket hang up"));
      },
    });
    const { response, ended } = await relay(source, { assembler });
    const out = await text(response);
    expect(out.startsWith(chunk({ choices: [{ index: 0, delta: { content: "a" } }] }))).toBe(true);
    expect(out.endsWith('data: {"error":{"code":"failed"}}\n\n')).toBe(true);
    expect(ended()).toBe("failed");
  });

  it("a source aborted because the client left ends as aborted, without an error frame", async () => {
    const assembler = new SseAssembler("chat", false);
    // Destroyed after the headers went out, as when the client's close aborted the upstream request.
    const source = new Readable({
      read() {
        setTimeout(() => this.destroy(new Error("aborted")), 20);
      },
    });
    const { response, ended } = await relay(source, {
      assembler,
      failure: () => "client_abort",
      errorFrame: () => "data: should-not-appear\n\n",
    });
    let out = "";
    response.on("data", (d: Buffer) => (out += String(d)));
    await expect.poll(ended).toBe("aborted");
    expect(out).toBe("");
  });

  it("a long answer to a slow reader arrives whole and in order (the upstream is paused, not buffered)", async () => {
    const assembler = new SseAssembler("chat", false);
    const events = Array.from({ length: 2000 }, (_, i) =>
      chunk({
        choices: [{ index: 0, delta: { content: `${String(i).padStart(5, "0")}${"x".repeat(4000)}` } }],
      }),
    );
    let paused = false;
    const source = Readable.from(events.map((e) => Buffer.from(e)));
    source.on("pause", () => (paused = true));
    const { response, ended } = await relay(source, { assembler });
    let out = "";
    for await (const piece of response) {
      out += String(piece);
      await new Promise((r) => setImmediate(r));
    }
    expect(out).toBe(events.join(""));
    expect(paused).toBe(true);
    expect(ended()).toBe("complete");
  });

  it("relays complete events as the very bytes that came, and parses on the way only a chunk without choices", () => {
    const assembler = new SseAssembler("chat", true);
    const inspected: string[] = [];
    const inspect = assembler.inspect.bind(assembler);
    assembler.inspect = (block) => (inspected.push(block), inspect(block));
    const tap = new SseTap(assembler, true);
    const a = Buffer.from(chunk({ choices: [{ index: 0, delta: { content: "Hi" } }], usage: null }));
    expect(tap.push(a)).toBe(a);
    // Half an event waits for its end; the complete one before it goes at once, as a view of the same chunk.
    const b = Buffer.from(
      chunk({ choices: [{ index: 0, delta: { content: " there" } }], usage: null }) + "data: {",
    );
    const out = tap.push(b)!;
    expect(out.buffer).toBe(b.buffer);
    expect(out.toString()).toBe(
      chunk({ choices: [{ index: 0, delta: { content: " there" } }], usage: null }),
    );
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const rest = `"choices":[],"usage":${JSON.stringify(usage)}}\n\ndata: [DONE]\n\n`;
    expect(tap.push(Buffer.from(rest))!.toString()).toBe("data: [DONE]\n\n");
    expect(inspected).toHaveLength(1);
    expect(tap.finish()).toBeNull();
    expect(assembler.usage).toMatchObject({ totalTokens: 3, source: "provider" });
    expect(JSON.parse(assembler.assembled()).choices[0].message.content).toBe("Hi there");
  });

  it("records an in-stream error and a usage in the last choice chunk (Hermes) without hiding either", () => {
    const assembler = new SseAssembler("chat", true);
    const tap = new SseTap(assembler, true);
    const last = chunk({
      choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
    });
    const error = `data: ${JSON.stringify({ error: { message: "boom", code: "server_error" } })}\n\n`;
    const input = Buffer.from(
      `: keepalive\n\nevent: hermes.tool.progress\ndata: {"tool":"s"}\n\n${last}${error}`,
    );
    expect(tap.push(input)).toBe(input);
    tap.finish();
    expect(assembler.usage).toMatchObject({ totalTokens: 5 });
    expect(assembler.errorCode).toBe("server_error");
  });
});
