/**
 * One generated request for a route-table entry (path parameters, query, headers and body, each valid or hostile),
 * how it is sent (node:http, so headers can repeat and bodies can be any bytes), and the checks every answer must
 * pass: below 500, in the listener's error envelope, echoing nothing hostile back.
 */
import http from "node:http";
import fc from "fast-check";
import {
  encodeRaw,
  hostileHeaderValue,
  hostileUrlPart,
  hostileWholeBody,
  mutatedBody,
} from "./hostile-input.js";
import type { ParamKind, QueryKind, RouteEntry } from "./route-table.js";

export type FuzzContext = {
  ports: { admin: number; pre: number; post: number };
  adminCookie: string;
  spareCookie: string;
  keys: { capped: string; uncapped: string };
  pools: Record<Exclude<ParamKind, "text">, string[]>;
  cursors: { audit: string; event: string };
};

export type FuzzRequest = {
  listener: "admin" | "pre" | "post";
  method: string;
  /** Path and query, encoded as sent. */
  target: string;
  headers: Record<string, string | string[]>;
  body: Buffer | null;
};

export type FuzzAnswer = { status: number; headers: http.IncomingHttpHeaders; text: string };

const often = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostile });

function validParam(kind: ParamKind, ctx: FuzzContext): fc.Arbitrary<string> {
  return kind === "text" ? fc.constantFrom("x", "default", "1") : fc.constantFrom(...ctx.pools[kind]);
}

function validQueryValue(kind: QueryKind, ctx: FuzzContext): fc.Arbitrary<string> {
  const values: Record<QueryKind, string[]> = {
    text: ["x", "default", "tenant."],
    int: ["1", "10", "500"],
    date: ["2026-11-23", "2026-11-23T10:00:00Z"],
    month: ["2026-11"],
    status: ["200", "4xx"],
    gateway: ["pre", "post"],
    path: ["/", "/logs"],
    auditCursor: [ctx.cursors.audit],
    eventCursor: [ctx.cursors.event],
  };
  return fc.constantFrom(...values[kind].map(encodeRaw));
}

function queryArbitrary(entry: RouteEntry, ctx: FuzzContext): fc.Arbitrary<string> {
  const known = Object.entries(entry.query);
  const names = known.length > 0 ? known.map(([n]) => n) : ["q"];
  const pair = fc.oneof(
    ...(known.length > 0
      ? [
          fc
            .constantFrom(...known)
            .chain(([n, kind]) => often(validQueryValue(kind, ctx), hostileUrlPart).map((v) => `${n}=${v}`)),
        ]
      : []),
    fc.tuple(fc.constantFrom(...names), hostileUrlPart).map(([n, v]) => `${n}=${v}`),
    fc.tuple(hostileUrlPart, hostileUrlPart).map(([n, v]) => `${n}=${v}`),
    fc.constantFrom(...names).map((n) => n),
    fc.constantFrom(...names).map((n) => `${n}[]=1&${n}[]=2`),
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join("&")}` : ""));
}

function headersArbitrary(
  entry: RouteEntry,
  ctx: FuzzContext,
): fc.Arbitrary<Record<string, string | string[]>> {
  const json = "application/json";
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | string[] | null>(json) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<string | string[] | null>(
        null,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-16",
        "APPLICATION/JSON",
        "application/vnd.api+json",
        [json, "text/plain"],
      ),
    },
    { weight: 1, arbitrary: hostileHeaderValue },
  );
  const credential =
    entry.auth === "key"
      ? fc.oneof(
          {
            weight: 8,
            arbitrary: fc.constantFrom(ctx.keys.uncapped, ctx.keys.capped).map((k) => `Bearer ${k}`),
          },
          {
            weight: 2,
            arbitrary: fc.constantFrom<string | string[] | null>(
              null,
              "Bearer ",
              "Basic Zm9vOmJhcg==",
              `bearer ${ctx.keys.uncapped}`,
              `Bearer ${ctx.keys.uncapped}x`,
              [`Bearer ${ctx.keys.uncapped}`, `Bearer ${ctx.keys.capped}`],
            ),
          },
          { weight: 1, arbitrary: hostileHeaderValue.map((v) => `Bearer hms_${v}`) },
        )
      : fc.constant(null);
  const cookieOf = entry.auth === "admin" ? ctx.adminCookie : entry.auth === "spare" ? ctx.spareCookie : null;
  const cookie = cookieOf
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | string[] | null>(cookieOf) },
        {
          weight: 2,
          arbitrary: fc.constantFrom<string | string[] | null>(
            null,
            "hermes_session=",
            "hermes_session=%00",
            `${cookieOf}; hermes_session=garbage`,
            [cookieOf, "hermes_session=other"],
          ),
        },
        { weight: 1, arbitrary: hostileHeaderValue.map((v) => `hermes_session=${v}`) },
      )
    : fc.constant(null);
  const extra = fc.option(
    fc.constantFrom<[string, string | string[]]>(
      ["origin", "http://evil.example"],
      ["sec-fetch-site", "cross-site"],
      ["x-forwarded-for", "999.1.1.1, \u00ff"],
      ["x-request-id", "spoofed\u00ff"],
      ["accept-encoding", "gzip, br"],
      ["user-agent", "\u00ff".repeat(500)],
      ["x-hermes-session-key", "other:usr_x"],
    ),
    { freq: 3 },
  );
  return fc.tuple(contentType, credential, cookie, extra).map(([ct, auth, ck, ex]) => {
    const h: Record<string, string | string[]> = {};
    if (ct !== null) h["content-type"] = ct;
    if (auth !== null) h.authorization = auth;
    if (ck !== null) h.cookie = ck;
    if (ex) h[ex[0]] = ex[1];
    return h;
  });
}

function bodyArbitrary(entry: RouteEntry): fc.Arbitrary<Buffer | null> {
  if (!entry.body)
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: hostileWholeBody({ a: "b" }) },
    );
  const example = entry.body;
  const streamed =
    "stream" in example ? [fc.constant(Buffer.from(JSON.stringify({ ...example, stream: true })))] : [];
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(Buffer.from(JSON.stringify(example))) },
    {
      weight: 2,
      arbitrary: fc.oneof(...streamed, mutatedBody({ ...example, stream: true })).map((s) => Buffer.from(s)),
    },
    { weight: 5, arbitrary: mutatedBody(example).map((s) => Buffer.from(s)) },
    { weight: 3, arbitrary: hostileWholeBody(example) },
  );
}

/** Every part of one request for `entry`, valid or hostile. */
export function requestArbitrary(entry: RouteEntry, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = Object.entries(entry.params).map(([name, kind]) =>
    often(validParam(kind, ctx).map(encodeRaw), hostileUrlPart).map((v) => [name, v] as const),
  );
  const listener =
    entry.listener === "admin"
      ? fc.constant("admin" as const)
      : entry.listener === "gateway"
        ? fc.constantFrom("pre" as const, "post" as const)
        : fc.constantFrom("admin" as const, "pre" as const, "post" as const);
  return fc
    .record({
      listener,
      params: fc.tuple(...params),
      query: queryArbitrary(entry, ctx),
      headers: headersArbitrary(entry, ctx),
      body: bodyArbitrary(entry),
    })
    .map(({ listener: l, params: ps, query, headers, body }) => {
      let path = entry.path;
      for (const [name, value] of ps) path = path.replace(`:${name}`, value === "" ? "%20" : value);
      return { listener: l, method: entry.method, target: path + query, headers, body };
    });
}

export function send(req: FuzzRequest, ctx: FuzzContext, agent: http.Agent): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    // A declared length with every body (node sends a GET's body unframed otherwise; malformed framing has its
    // own test in test/http/client-error.test.ts).
    const headers = req.body ? { ...req.headers, "content-length": String(req.body.length) } : req.headers;
    const r = http.request(
      {
        host: "127.0.0.1",
        port: ctx.ports[req.listener],
        method: req.method,
        path: req.target,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    r.setTimeout(20_000, () => r.destroy(new Error("no answer within 20 s")));
    r.on("error", reject);
    r.end(req.body ?? undefined);
  });
}

/** What is wrong with an answer, or null. */
export function problemWith(req: FuzzRequest, res: FuzzAnswer): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  const isJson = String(res.headers["content-type"] ?? "").startsWith("application/json");
  if (res.status === 200 && String(res.headers["content-type"]).startsWith("text/event-stream")) {
    // An SSE answer that failed after its headers carries an error frame; with the fake upstream none should.
    return res.text.includes('"type":"server_error"') ? "a server_error frame in a 200 stream" : null;
  }
  if (res.status < 400) return null;
  if (!isJson) return `a ${res.status} that is not JSON`;
  let error: Record<string, unknown>;
  try {
    error = (JSON.parse(res.text) as { error: Record<string, unknown> }).error;
  } catch {
    return `a ${res.status} whose body does not parse`;
  }
  const gatewayEnvelope = req.listener !== "admin";
  const keys = gatewayEnvelope ? ["code", "message", "param", "type"] : ["code", "message"];
  if (!error || JSON.stringify(Object.keys(error).sort()) !== JSON.stringify(keys))
    return `a ${res.status} outside the ${gatewayEnvelope ? "OpenAI" : "admin"} error envelope`;
  // Our messages are plain ASCII: anything else in one is the client's input echoed back.
  if (
    typeof error.message !== "string" ||
    !/^[\x20-\x7e]*$/.test(error.message) ||
    error.message.length > 500
  )
    return "an error message that echoes the input";
  return null;
}
