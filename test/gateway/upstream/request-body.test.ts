/**
 * withIncludeUsage splices `stream_options.include_usage: true` into the client's JSON text: the result parses to
 * the client's body plus the flag, whatever the body's spelling, key order, repeated keys or nesting depth.
 */
import { describe, expect, it } from "vitest";
import { withIncludeUsage } from "../../../src/gateway/upstream/request-body.js";

const spliced = (text: string) =>
  withIncludeUsage({ text, bytes: text.length, json: JSON.parse(text) as Record<string, unknown> });

describe("withIncludeUsage", () => {
  const cases: [string, string, unknown][] = [
    [
      "no stream_options",
      '{"stream":true,"a":1}',
      { stream_options: { include_usage: true }, stream: true, a: 1 },
    ],
    [
      "whitespace around",
      ' \n{ "stream" : true }\n',
      { stream_options: { include_usage: true }, stream: true },
    ],
    ["an empty object", "{}", { stream_options: { include_usage: true } }],
    [
      "stream_options null",
      '{"stream_options":null,"x":1}',
      { stream_options: { include_usage: true }, x: 1 },
    ],
    [
      "stream_options a string",
      '{"stream_options":"a}b","x":[1]}',
      { stream_options: { include_usage: true }, x: [1] },
    ],
    [
      "stream_options an array",
      '{"stream_options":[{"}":"]"}] ,"x":2}',
      { stream_options: { include_usage: true }, x: 2 },
    ],
    [
      "include_usage false",
      '{"stream_options":{"include_usage":false,"k":"v"}}',
      { stream_options: { include_usage: true, k: "v" } },
    ],
    [
      "include_usage a string",
      '{"stream_options":{"k":{"a":"\\"}"},"include_usage":"no"}}',
      { stream_options: { k: { a: '"}' }, include_usage: true } },
    ],
    ["an empty stream_options", '{"stream_options":{ }}', { stream_options: { include_usage: true } }],
    [
      "other options kept",
      '{"stream_options":{"k":1e308}}',
      { stream_options: { include_usage: true, k: 1e308 } },
    ],
    [
      "repeated keys: the last counts",
      '{"stream_options":{"include_usage":true},"stream_options":{"include_usage":false}}',
      { stream_options: { include_usage: true } },
    ],
    [
      "an escaped key",
      '{"stream\\u005foptions":{"include_usage":0}}',
      { stream_options: { include_usage: true } },
    ],
    [
      "numbers as written",
      '{"stream":true,"max_tokens":1e308,"t":-0.5e-3}',
      { stream_options: { include_usage: true }, stream: true, max_tokens: 1e308, t: -0.5e-3 },
    ],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => expect(JSON.parse(spliced(text))).toEqual(expected));
  }

  it("keeps the client's spelling of everything else", () => {
    expect(spliced('{"stream":true,"max_tokens":1e308}')).toBe(
      '{"stream_options":{"include_usage":true},"stream":true,"max_tokens":1e308}',
    );
  });

  it("handles 100,000 levels of nesting without recursion", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const out = spliced(`{"a":${deep},"stream_options":{"x":${deep}}}`);
    expect(out.endsWith(`"stream_options":{"include_usage":true,"x":${deep}}}`)).toBe(true);
  });
});

describe("asking the upstream for usage on the client's behalf", () => {
  it("splices stream_options into the client's text, leaving the rest byte for byte", () => {
    const text = '{"model":"m",  "stream":true,"messages":[{"role":"user","content":"a\\u00e9\\"}"}]}';
    const out = spliced(text);
    expect(out.endsWith(text.slice(1))).toBe(true);
    expect(JSON.parse(out)).toEqual({ ...JSON.parse(text), stream_options: { include_usage: true } });
  });

  it("handles leading whitespace and an empty object", () => {
    expect(JSON.parse(spliced("  \n{ }"))).toEqual({ stream_options: { include_usage: true } });
    expect(JSON.parse(spliced('\t{"stream":true}'))).toEqual({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("keeps the client's other stream options when it sent some", () => {
    const out = spliced('{"stream":true,"stream_options":{"include_usage":false,"x":1}}');
    expect(JSON.parse(out)).toEqual({ stream: true, stream_options: { include_usage: true, x: 1 } });
  });
});
