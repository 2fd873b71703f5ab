import { describe, expect, it } from "vitest";
import { toExportLine } from "../../src/audit/audit-query.js";
import { exportFilename, exportLineText } from "../../src/audit/export-jsonl.js";
import type { AuditLogRow } from "../../src/db/schema.js";

function row(overrides: Partial<AuditLogRow> = {}): AuditLogRow {
  return {
    id: 42,
    ts: new Date("2026-11-23T10:00:00.123Z"),
    request_id: "req_1",
    gateway: "pre",
    api_user_id: "usr_1",
    api_user_name: 'Ann "quoted" \u2028 name',
    tenant_id: "default",
    method: "POST",
    path: "/v1/chat/completions",
    model: "m",
    status: 200,
    stream: true,
    latency_ms: 10,
    ttfb_ms: 3,
    prompt_tokens: 1,
    completion_tokens: 2,
    total_tokens: 3,
    usage_source: "estimated",
    client_ip: "::1",
    user_agent: 'ua "prompt":null,"response":null',
    error_code: null,
    aborted: false,
    request_body: '{"a":1}',
    request_bytes: 7,
    request_truncated: false,
    response_body: null,
    response_bytes: null,
    response_truncated: false,
    ...overrides,
  };
}

describe("exportLineText", () => {
  const cases: [string, Partial<AuditLogRow>][] = [
    ["compact JSON bodies", {}],
    ["pretty-printed JSON with CRLF", { request_body: '{\r\n  "a": [1, 2],\n  "b": "x\\ny"\n}\n' }],
    ["non-JSON text", { request_body: "hello\nworld", response_body: "data: {}\n\n" }],
    ["truncated JSON", { request_body: '{"a":"abc', request_truncated: true }],
    ["valid JSON but truncated", { request_body: '{"a":1}', request_truncated: true }],
    ["empty body", { request_body: "", response_body: "  " }],
    ["scalars", { request_body: "123", response_body: '"s"' }],
    ["no usage", { prompt_tokens: null, completion_tokens: null, total_tokens: null, usage_source: null }],
  ];
  for (const [name, overrides] of cases) {
    it(`is one line equal to the export object, keys in order: ${name}`, () => {
      const r = row(overrides);
      const text = exportLineText(r);
      expect(text).not.toMatch(/[\r\n]/);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      expect(parsed).toEqual(toExportLine(r));
      expect(Object.keys(parsed)).toEqual(Object.keys(toExportLine(r)));
    });
  }

  it("gives JSON bodies as values and everything else as strings", () => {
    const parsed = JSON.parse(exportLineText(row({ response_body: "plain" }))) as Record<string, unknown>;
    expect(parsed.prompt).toEqual({ a: 1 });
    expect(parsed.response).toBe("plain");
  });
});

describe("exportFilename", () => {
  it("names the user and the time, with nothing that could break the header", () => {
    const now = new Date("2026-11-23T10:11:12.345Z");
    expect(exportFilename({ apiUserId: "usr_1" }, now)).toBe("audit-usr_1-20261123T101112Z.jsonl");
    expect(exportFilename({ apiUserId: 'a"b\r\n;c' }, now)).toBe("audit-a_b___c-20261123T101112Z.jsonl");
    expect(exportFilename({}, now)).toBe("audit-all-20261123T101112Z.jsonl");
  });
});
