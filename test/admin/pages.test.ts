import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ROUTES } from "../../src/admin/pages.js";
import { safeNextPath } from "../../src/admin/safe-next.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

const BUILT = path.resolve("dist/admin-ui");

let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
});
afterAll(async () => {
  await svc.close();
});

/** One GET on a fresh connection, body as sent on the wire (not decompressed). */
function rawGet(url: string, acceptEncoding: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(url, { agent: false, headers: { "accept-encoding": acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on("error", reject);
    },
  );
}

/** A concrete path for each client route pattern. */
const concrete = (route: string) => route.replace(":id", "some-id");

function expectPageHeaders(headers: Headers) {
  const csp = headers.get("content-security-policy")!;
  const directives = Object.fromEntries(
    csp.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
  expect(directives).toMatchObject({
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
  });
  // No inline code, no eval, no other origin anywhere in the policy.
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(headers.get("cache-control")).toBe("no-cache");
  expect(headers.get("content-type")).toMatch(/^text\/html/);
}

describe("console pages", () => {
  it("redirects every client route without a session to /login?next=<path and query>", async () => {
    for (const route of CLIENT_ROUTES) {
      const res = await fetch(`${svc.urls.admin}${concrete(route)}?tab=x`, { redirect: "manual" });
      expect({ route, status: res.status, location: res.headers.get("location") }).toEqual({
        route,
        status: 302,
        location: `/login?next=${encodeURIComponent(`${concrete(route)}?tab=x`)}`,
      });
    }
  });

  it("serves index.html with a strict CSP, no-cache and the frame/nosniff/referrer headers on /login and every client route", async () => {
    const html = fs.readFileSync(path.join(BUILT, "index.html"), "utf8");
    const login = await fetch(`${svc.urls.admin}/login`);
    expect(login.status).toBe(200);
    expectPageHeaders(login.headers);
    expect(await login.text()).toBe(html);
    for (const route of CLIENT_ROUTES) {
      const res = await admin.get(concrete(route));
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      expectPageHeaders(res.headers);
      expect(res.text).toBe(html);
    }
  });

  it("builds an index.html without inline script or style and without any other origin", () => {
    const html = fs.readFileSync(path.join(BUILT, "index.html"), "utf8");
    for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
      expect(tag).toMatch(/\ssrc="\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it("serves hashed assets immutable, gzip-compressed when asked, and refuses other names", async () => {
    const names = fs.readdirSync(path.join(BUILT, "assets"));
    const js = names.find((n) => /^index-[\w-]+\.js$/.test(n))!;
    const css = names.find((n) => n.endsWith(".css"))!;
    for (const [name, type] of [
      [js, /^text\/javascript/],
      [css, /^text\/css/],
    ] as const) {
      const onDisk = fs.readFileSync(path.join(BUILT, "assets", name));
      const gz = await rawGet(`${svc.urls.admin}/assets/${name}`, "gzip");
      expect(gz.status).toBe(200);
      expect(gz.headers["content-type"]).toMatch(type);
      expect(gz.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(gz.headers["x-content-type-options"]).toBe("nosniff");
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(gz.body.length).toBeLessThan(onDisk.length);
      expect(zlib.gunzipSync(gz.body)).toEqual(onDisk);
      const plain = await rawGet(`${svc.urls.admin}/assets/${name}`, "identity");
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body).toEqual(onDisk);
    }
    for (const bad of [
      "missing-abc123.js",
      "..%2Fpackage.json",
      "..%2F..%2Fpackage.json",
      "index.html",
      ".vite",
    ]) {
      expect({ bad, status: (await rawGet(`${svc.urls.admin}/assets/${bad}`, "identity")).status }).toEqual({
        bad,
        status: 404,
      });
    }
  });

  it("keeps unknown /api paths JSON 404s, with and without a session", async () => {
    for (const p of ["/api/nope", "/api/admin/nope", "/api/admin/api-users/x/nope"]) {
      const res = await admin.get(p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ error: { code: "not_found" } });
    }
    const anonymous = await fetch(`${svc.urls.admin}/api/admin/nope`);
    expect(anonymous.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("an asset named like an Object.prototype key is not found, not a 500", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const r = await fetch(`${svc.urls.admin}/assets/${name}`);
      expect(r.status, name).toBe(404);
      expect(await r.json()).toEqual({ error: { message: "Not found.", code: "not_found" } });
    }
  });

  it("sends a signed-in admin on to a same-origin next, and ignores //evil.example and absolute URLs", async () => {
    for (const [next, expected] of [
      ["/", "/"],
      ["/logs?api_user_id=usr_1", "/logs?api_user_id=usr_1"],
      ["//evil.example", "/"],
      ["//evil.example/path", "/"],
      ["https://evil.example/", "/"],
      ["/\\evil.example", "/"],
      ["javascript:alert(1)", "/"],
    ] as const) {
      const res = await admin.get(`/login?next=${encodeURIComponent(next)}`);
      expect({ next, status: res.status, location: res.headers.get("location") }).toEqual({
        next,
        status: 302,
        location: expected,
      });
    }
  });
});

describe("safeNextPath", () => {
  it("keeps same-origin relative paths only", () => {
    expect(safeNextPath("/api/admin/status?x=1#y")).toBe("/api/admin/status?x=1#y");
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath("")).toBe("/");
    expect(safeNextPath("//evil.example")).toBe("/");
    expect(safeNextPath("/\t/evil.example")).toBe("/");
    expect(safeNextPath("/%2F/evil.example")).toBe("/%2F/evil.example");
    expect(safeNextPath("relative")).toBe("/");
    expect(safeNextPath("/login")).toBe("/");
    expect(safeNextPath(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
