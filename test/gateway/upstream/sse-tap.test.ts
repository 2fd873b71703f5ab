import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { SseAssembler } from "../../../src/gateway/upstream/sse-assembler.js";
import { tapSse, type StreamEnd } from "../../../src/gateway/upstream/sse-tap.js";

function run(pieces: string[], hide: boolean, kind: "chat" | "completions" | "responses" = "chat") {
  const assembler = new SseAssembler(kind, hide);
  let ended: StreamEnd | null = null;
  const source = Readable.from(pieces.map((p) => Buffer.from(p)));
  const stream = tapSse(source, {
    assembler,
    onFirstByte: () => undefined,
    onEnd: (e) => (ended = e),
    failure: () => "upstream",
    errorFrame: () => 'data: {"error":{}}\n\n',
  });
  return { assembler, stream, source, ended: () => ended };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
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
    const out = await text(t.stream);
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
    expect(t.ended()).toBe("complete");

    const shown = run([events], false);
    expect(await text(shown.stream)).toContain('"choices":[]');
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
    await text(t.stream);
    expect(JSON.parse(t.assembler.assembled()).choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
    });
  });

  it("cancel (client gone) destroys the upstream body and ends as aborted", async () => {
    const t = run(
      [chunk({ choices: [{ index: 0, delta: { content: "a" } }] }), chunk({ choices: [] })],
      true,
    );
    const reader = t.stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(t.source.destroyed).toBe(true);
    expect(t.ended()).toBe("aborted");
  });

  it("a failing source ends the stream with the error frame", async () => {
    const assembler = new SseAssembler("chat", false);
    let ended: StreamEnd | null = null;
    const source = new Readable({
      read() {
        this.push(Buffer.from(chunk({ choices: [{ index: 0, delta: { content: "a" } }] })));
        this.destroy(new Error("socket hang up"));
      },
    });
    const out = await text(
      tapSse(source, {
        assembler,
        onFirstByte: () => undefined,
        onEnd: (e) => (ended = e),
        failure: () => "upstream",
        errorFrame: (why) => `data: {"error":{"code":"${why}"}}\n\n`,
      }),
    );
    expect(out.endsWith('data: {"error":{"code":"failed"}}\n\n')).toBe(true);
    expect(ended).toBe("failed");
  });

  it("a source aborted because the client left ends as aborted, without an error frame", async () => {
    const assembler = new SseAssembler("chat", false);
    let ended: StreamEnd | null = null;
    const source = new Readable({
      read() {
        this.destroy(new Error("aborted"));
      },
    });
    const stream = tapSse(source, {
      assembler,
      onFirstByte: () => undefined,
      onEnd: (e) => (ended = e),
      failure: () => "client_abort",
      errorFrame: () => "data: should-not-appear\n\n",
    });
    const reader = stream.getReader();
    const read = reader.read().catch(() => ({ done: true, value: undefined }));
    await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe("aborted");
    void read;
  });
});
