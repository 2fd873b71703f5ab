/**
 * @module Single sign-on end to end in Chromium against a real OIDC provider (oidc-provider) started here: sign in
 * from a protected page and land back on it, the role from the groups claim, HERMES_ADMIN_EMAILS promoted to owner,
 * a foreign domain and an unknown user refused, a tampered or replayed `state` refused, and every open-redirect
 * variant of `next` ending on this console. Local password login is off: only the environment owner may use it.
 */
import net from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, ADMIN_PASSWORD, AdminClient } from "../admin/admin-client.js";
import { startOidcProvider, type TestOidcProvider } from "../harness/oidc-provider.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { launchBrowser, newConsoleContext, screenshot, watchPage } from "./browser.js";

let svc: TestService;
let idp: TestOidcProvider;
let browser: Browser;
let admin: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  admin = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider(`${admin}/api/auth/oidc/callback`);
  idp.groups.set("carol@corp.example", ["staff", "hermes-auditors"]);
  idp.groups.set("boss@corp.example", ["hermes-viewers"]);
  idp.groups.set("ops@corp.example", ["hermes-admins"]);
  svc = await startTestService({
    env: {
      ...ADMIN_ENV,
      HERMES_ADMIN_PORT: String(port),
      HERMES_OIDC_ISSUER: idp.issuer,
      HERMES_OIDC_CLIENT_ID: idp.clientId,
      HERMES_OIDC_CLIENT_SECRET: idp.clientSecret,
      HERMES_OIDC_REDIRECT_URL: `${admin}/api/auth/oidc/callback`,
      HERMES_OIDC_ALLOWED_DOMAINS: "corp.example",
      HERMES_OIDC_ROLE_CLAIM: "groups",
      HERMES_OIDC_ROLE_MAP: "hermes-admins=admin,hermes-auditors=auditor,hermes-viewers=viewer",
      HERMES_OIDC_NEW_USERS: "refuse",
      HERMES_OIDC_NAME: "Test IdP",
      HERMES_ADMIN_EMAILS: "Boss@corp.example",
      HERMES_LOCAL_LOGIN: "false",
    },
  });
  svc.secret(idp.clientSecret);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await idp?.close();
});

/** Through the provider's development login and consent pages, when it shows them. */
async function signInAtProvider(page: Page, email: string): Promise<void> {
  await page.waitForURL((u) => u.origin === idp.issuer || u.origin === admin);
  if (new URL(page.url()).origin !== idp.issuer) return;
  const login = page.locator('input[name="login"]');
  if (await login.isVisible().catch(() => false)) {
    await login.fill(email);
    await page.locator('input[name="password"]').fill("any-password-the-dev-provider-takes");
    await page.locator('button[type="submit"]').click();
  }
  await page.waitForURL((u) => u.origin === admin || u.pathname.startsWith("/interaction"));
  if (new URL(page.url()).origin === idp.issuer) await page.locator('button[type="submit"]').click();
}

async function ssoFrom(page: Page, loginUrl: string, email: string): Promise<void> {
  await page.goto(loginUrl);
  await page.getByTestId("sso-sign-in").click();
  await signInAtProvider(page, email);
  await page.waitForURL((u) => u.origin === admin && !u.pathname.startsWith("/api/auth/oidc"));
}

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  const cookie = (await context.cookies(admin)).find((c) => c.name === "hermes_session");
  if (cookie) svc.secret(cookie.value);
  return cookie?.value;
}

describe("single sign-on (OIDC with PKCE) in a real browser", () => {
  it("signs in from a protected page, lands on it, and takes the role from the groups claim", async () => {
    const context = await newConsoleContext(browser, admin);
    const page = await context.newPage();
    await page.goto("/logs?gateway=pre");
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect.poll(() => page.getByTestId("sso-sign-in").textContent()).toBe("Sign in with Test IdP");
    await screenshot(page, "desktop-login-sso");
    await page.getByTestId("sso-sign-in").click();
    await signInAtProvider(page, "carol@corp.example");
    await page.waitForURL((u) => u.origin === admin && u.pathname === "/logs");
    expect(new URL(page.url()).search).toBe("?gateway=pre");
    // Watched from here on: the provider's own development pages are not ours to judge.
    const watch = watchPage(page);
    await expect.poll(() => page.getByTestId("whoami-role").textContent()).toBe("(auditor)");
    expect(await sessionCookie(context)).toBeDefined();
    const account = await svc.db
      .selectFrom("admin_accounts")
      .select(["username", "role", "kind"])
      .where("username", "=", "carol@corp.example")
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ username: "carol@corp.example", role: "auditor", kind: "sso" });
    // An auditor has no change buttons and no Admins screen.
    await page.goto("/api-users");
    await page.getByRole("heading", { name: "API users" }).waitFor();
    expect(await page.getByTestId("create-user").count()).toBe(0);
    expect(await page.getByTestId("nav-admins").count()).toBe(0);
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it("promotes HERMES_ADMIN_EMAILS to owner at each login, whatever the claim says", async () => {
    const context = await newConsoleContext(browser, admin);
    const page = await context.newPage();
    await ssoFrom(page, "/login?next=%2Fstatus", "boss@corp.example");
    expect(new URL(page.url()).pathname).toBe("/status");
    await expect.poll(() => page.getByTestId("whoami-role").textContent()).toBe("(owner)");
    // Demoted in the console meanwhile: the next login makes them owner again.
    await svc.db
      .updateTable("admin_accounts")
      .set({ role: "viewer" })
      .where("username", "=", "boss@corp.example")
      .execute();
    await context.clearCookies();
    await ssoFrom(page, "/login", "boss@corp.example");
    await expect.poll(() => page.getByTestId("whoami-role").textContent()).toBe("(owner)");
    const trail = await svc.db
      .selectFrom("admin_events")
      .select(["action", "diff"])
      .where("action", "=", "admin.role_change")
      .execute();
    expect(trail.some((e) => JSON.stringify(e.diff).includes("HERMES_ADMIN_EMAILS"))).toBe(true);
    await context.close();
  });

  it("refuses a foreign domain and an unknown user without a role, and signs nobody in", async () => {
    for (const [email, reason] of [
      ["eve@evil.example", "domain"],
      ["nobody@corp.example", "refused"],
    ] as const) {
      const context = await newConsoleContext(browser, admin);
      const page = await context.newPage();
      await ssoFrom(page, "/login?next=%2Fusage", email);
      const url = new URL(page.url());
      expect({ path: url.pathname, error: url.searchParams.get("sso_error") }).toEqual({
        path: "/login",
        error: reason,
      });
      expect(url.searchParams.get("next")).toBe("/usage");
      await page.getByTestId("sso-error").waitFor();
      expect(await sessionCookie(context)).toBeUndefined();
      if (reason === "domain") await screenshot(page, "desktop-login-sso-domain-refused");
      await context.close();
    }
    expect(
      await svc.db
        .selectFrom("admin_accounts")
        .select("username")
        .where("username", "in", ["eve@evil.example", "nobody@corp.example"])
        .execute(),
    ).toEqual([]);
  });

  it("refuses a state from another browser, a tampered state and a replayed callback", async () => {
    // Login CSRF: browser A starts a sign-in; browser B finishes it at the provider without A's state cookie.
    const a = await newConsoleContext(browser, admin);
    const pageA = await a.newPage();
    let authorize: string | null = null;
    pageA.on("request", (r) => {
      if (r.url().startsWith(`${idp.issuer}/auth?`)) authorize = r.url();
    });
    await pageA.goto("/login");
    await pageA.getByTestId("sso-sign-in").click();
    await expect.poll(() => authorize).not.toBeNull();
    const b = await newConsoleContext(browser, admin);
    const pageB = await b.newPage();
    await pageB.goto(authorize!);
    await signInAtProvider(pageB, "carol@corp.example");
    await pageB.waitForURL((u) => u.origin === admin && u.pathname === "/login");
    expect(new URL(pageB.url()).searchParams.get("sso_error")).toBe("state");
    expect(await sessionCookie(b)).toBeUndefined();
    await a.close();
    await b.close();

    // A sign-in that succeeds; its callback URL is then replayed, and tried with a tampered state.
    const c = await newConsoleContext(browser, admin);
    const page = await c.newPage();
    let callback: string | null = null;
    page.on("request", (r) => {
      if (r.url().startsWith(`${admin}/api/auth/oidc/callback`)) callback = r.url();
    });
    await ssoFrom(page, "/login", "carol@corp.example");
    expect(await sessionCookie(c)).toBeDefined();
    await c.clearCookies();
    const real = new URL(callback!);
    const state = real.searchParams.get("state")!;
    const tampered = new URL(real.href);
    tampered.searchParams.set("state", state.slice(0, -1) + (state.endsWith("A") ? "B" : "A"));
    for (const href of [tampered.href, real.href]) {
      await page.goto(href);
      await page.waitForURL((u) => u.pathname === "/login");
      expect(new URL(page.url()).searchParams.get("sso_error")).toBe("state");
    }
    expect(await sessionCookie(c)).toBeUndefined();
    await c.close();
  });

  it("follows `next` only to a same-origin path: every open-redirect variant ends on this console", async () => {
    const context = await newConsoleContext(browser, admin);
    const page = await context.newPage();
    const variants = [
      "//evil.example/x",
      "/\\evil.example/x",
      "https://evil.example/x",
      "http:evil.example",
      "%2F%2Fevil.example",
      "/%2F%2Fevil.example",
      "/\t/evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "/%5Cevil.example",
    ];
    for (const next of variants) {
      await ssoFrom(page, `/login?next=${encodeURIComponent(next)}`, "ops@corp.example");
      await page.waitForLoadState("load");
      const landed = new URL(page.url());
      expect({ next, origin: landed.origin }).toEqual({ next, origin: admin });
      await context.clearCookies({ name: "hermes_session" });
      // The server's start endpoint keeps the same rule when called directly.
      const start = await fetch(`${admin}/api/auth/oidc/start?next=${encodeURIComponent(next)}`, {
        redirect: "manual",
      });
      // 400: the URL-text guard refuses control characters before anything else; 302: on to the provider.
      expect([302, 400]).toContain(start.status);
      if (start.status === 400) continue;
      const row = await svc.db
        .selectFrom("admin_oidc_logins")
        .select("next_path")
        .orderBy("expires_at", "desc")
        .executeTakeFirstOrThrow();
      expect({
        next,
        stored:
          row.next_path.startsWith("/") && !row.next_path.startsWith("//") && !row.next_path.includes("\\"),
      }).toEqual({ next, stored: true });
    }
    await context.close();
  });

  it("with HERMES_LOCAL_LOGIN=false lets only the environment owner use a password", async () => {
    const owner = new AdminClient(admin);
    expect((await owner.login("admin", ADMIN_PASSWORD)).status).toBe(200);
    svc.secret(owner.cookie!.split("=")[1]!);
    const created = await owner.post<{ initial_password: string }>("/api/admin/admins", {
      username: "local-one",
      role: "admin",
    });
    expect(created.status).toBe(201);
    const password = svc.secret(created.body.initial_password);
    const refused = await new AdminClient(admin).login("local-one", password);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("Password sign-in is turned off");
    const options = await fetch(`${admin}/api/auth/options`).then((r) => r.json());
    expect(options).toEqual({ local_login: false, sso: { name: "Test IdP" } });
  });
});
