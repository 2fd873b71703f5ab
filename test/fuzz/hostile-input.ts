/**
 * fast-check arbitraries for what a hostile client sends: strings with NUL, control characters, lone surrogates and
 * invalid UTF-8, overlong strings, numbers at and beyond the int64 and float limits in every spelling, arrays for
 * objects, prototype keys, deep nesting; as raw JSON text, percent-encoded URL parts and header values.
 */
import fc from "fast-check";

const deepArrays = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObjects = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/** Strings a schema must refuse or store faithfully. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfff",
    "\ud83d",
    "\u001b[31mred",
    "line\nbreak",
    "tab\there",
    "\u007f",
    "\u2028\u2029",
    "\ufeff",
    "\uffff",
    "__proto__",
    "constructor",
    "prototype",
    "../../etc/passwd",
    "%00",
    "%",
    "' OR 1=1 --",
    "",
    " ",
    "NaN",
    "Infinity",
    "-1",
    "1e308",
    "9223372036854775808",
    "2026-13-45",
  ),
  fc.integer({ min: 0, max: 0x1f }).map((c) => `ctl${String.fromCharCode(c)}end`),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom(256, 5_000, 70_000).map((n) => "x".repeat(n)),
);

/** Number spellings as raw JSON text: at and past the int64 and float limits, exponents, negatives, fractions. */
export const hostileNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0",
    "-0",
    "-1",
    "0.5",
    "-0.5",
    "1.5e3",
    "1E+2",
    "2147483648",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1e20",
    "1e308",
    "1.7976931348623157e308",
    "1e400",
    "-1e400",
    "5e-324",
    "123456789012345678901234567890",
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** Any JSON value as raw text, mostly hostile. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
  { weight: 3, arbitrary: hostileNumberText },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "true",
      "false",
      "null",
      "[]",
      "{}",
      '[1,"a",null]',
      '["pre","pre","post"]',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"role":"user","content":"hi"}',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(100, 1_000, 10_000).map(deepArrays) },
  { weight: 1, arbitrary: fc.constantFrom(100, 5_000).map(deepObjects) },
);

/** A JSON object text with one field's value replaced, or a field added or dropped. */
export function mutatedBody(example: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(example);
  const text = (entries: [string, string][]) =>
    `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
  const base = (): [string, string][] => keys.map((k) => [k, JSON.stringify(example[k])]);
  const variants: fc.Arbitrary<string>[] = [
    fc
      .tuple(
        fc.constantFrom("__proto__", "constructor", "\u0000", "x".repeat(300), "stream", "extra"),
        hostileJsonText,
      )
      .map(([k, v]) => text([...base(), [k, v]])),
  ];
  if (keys.length > 0) {
    variants.push(
      fc
        .tuple(fc.constantFrom(...keys), hostileJsonText)
        .map(([k, v]) => text(base().map(([bk, bv]) => [bk, bk === k ? v : bv]))),
      fc
        .tuple(fc.constantFrom(...keys), hostileJsonText)
        .map(([k, v]) => text(base().map(([bk, bv]) => [bk, bk === k ? v : bv]))),
      fc.constantFrom(...keys).map((k) => text(base().filter(([bk]) => bk !== k))),
      // The same key twice: JSON.parse keeps the last.
      fc.tuple(fc.constantFrom(...keys), hostileJsonText).map(([k, v]) => text([...base(), [k, v]])),
    );
  }
  return fc.oneof(...variants);
}

/** Whole bodies that are not the object a route expects, as bytes (some are not even UTF-8). */
export function hostileWholeBody(example: Record<string, unknown>): fc.Arbitrary<Buffer> {
  const valid = JSON.stringify(example);
  // Raw bytes spliced inside the first string value: invalid UTF-8 in an otherwise valid JSON text.
  const quote = valid.indexOf('"', valid.indexOf(":"));
  const inString = (bytes: readonly number[]) =>
    quote === -1
      ? Buffer.from(bytes)
      : Buffer.concat([
          Buffer.from(valid.slice(0, quote + 1)),
          Buffer.from(bytes),
          Buffer.from(valid.slice(quote + 1)),
        ]);
  return fc.oneof(
    fc
      .constantFrom(
        "",
        " ",
        "null",
        "0",
        '"a string"',
        "[]",
        `[${valid}]`,
        "{",
        "{}}",
        "{'single':'quotes'}",
        '{"a":1,}',
        "NaN",
        "\ufeff" + valid,
        valid.replace(/"/, '"\\u0000'),
        valid.replace(/"/, '"\\ud800'),
        deepArrays(10_000),
        `{"nested":${deepArrays(10_000)}}`,
        deepObjects(5_000),
        `${valid}${valid}`,
      )
      .map((s) => Buffer.from(s, "utf8")),
    fc
      .constantFrom(
        [0xff, 0xfe],
        [0xc0, 0x80],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      )
      .map(inString),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    fc.constantFrom(70_000, 200_000).map((n) => Buffer.from(`{"name":"${"y".repeat(n)}"}`)),
  );
}

/** Percent-encodes every byte outside the unreserved set; invalid UTF-8 sequences can be added raw. */
export function encodeRaw(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path segment or query value as it goes on the wire (already encoded). */
export const hostileUrlPart: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.filter((s) => s.length < 10_000).map(encodeRaw) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "%",
      "%zz",
      "%ff%fe",
      "%c0%80",
      "%ed%a0%80",
      "%00",
      "%1f",
      "%7f",
      "%2e%2e",
      "..",
      "%2F",
      "%252F",
      "%25",
      "+",
      "1e308",
      "-1",
      "0",
      "0.5",
      "0x10",
      "9223372036854775808",
      "99999999999999999999",
    ),
  },
  { weight: 1, arbitrary: hostileNumberText.map(encodeRaw) },
);

/** A header value Node's client can send (no CR/LF/NUL): latin-1 bytes, odd spellings, long values. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u00ff\u00fe",
    "\u00c0\u0080",
    "x".repeat(8_000),
    "undefined",
    "null",
    "a, b",
    "\t",
  ),
  // Node's client refuses control characters other than tab in a header value.
  fc
    .string({ unit: "binary-ascii", maxLength: 40 })
    .map((s) => [...s].filter((ch) => ch === "\t" || (ch >= " " && ch !== "\u007f")).join("")),
);
