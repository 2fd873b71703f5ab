import { describe, expect, it } from "vitest";
import { withIncludeUsage } from "../../../src/gateway/upstream/stream-options.js";

const send = (text: string) => withIncludeUsage(text, JSON.parse(text) as Record<string, unknown>);

describe("asking the upstream for usage on the client's behalf", () => {
  it("splices stream_options into the client's text, leaving the rest byte for byte", () => {
    const text = '{"model":"m",  "stream":true,"messages":[{"role":"user","content":"a\\u00e9\\"}"}]}';
    const out = send(text);
    expect(out.endsWith(text.slice(1))).toBe(true);
    expect(JSON.parse(out)).toEqual({ ...JSON.parse(text), stream_options: { include_usage: true } });
  });

  it("handles leading whitespace and an empty object", () => {
    expect(JSON.parse(send("  \n{ }"))).toEqual({ stream_options: { include_usage: true } });
    expect(JSON.parse(send('\t{"stream":true}'))).toEqual({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("keeps the client's other stream options when it sent some", () => {
    const out = send('{"stream":true,"stream_options":{"include_usage":false,"x":1}}');
    expect(JSON.parse(out)).toEqual({ stream: true, stream_options: { include_usage: true, x: 1 } });
  });
});
