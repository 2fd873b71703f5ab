/**
 * @module Signing in to the console in Chromium: nothing prefilled, wrong password said plainly, lockout says when
 * to retry, `next` only to a same-origin path, an expired session returns to sign-in and back to the same page,
 * the session cookie is out of reach of scripts, and signing out ends it.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, ADMIN_PASSWORD } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { launchBrowser, newConsoleContext, screenshot, watchPage } from "./browser.js";
import { AuditLogsPage } from "./pages/audit-logs-page.js";
import { LoginPage } from "./pages/login-page.js";
import { Shell } from "./pages/shell.js";

let svc: TestService;
let browser: Browser;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

async function signedInPage() {
  const context = await newConsoleContext(browser, svc.urls.admin);
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.submit("admin", ADMIN_PASSWORD);
  await page.waitForURL((u) => u.pathname === "/api-users");
  const [cookie] = await context.cookies();
  svc.secret(cookie!.value);
  return { context, page };
}

describe("console sign-in in a real browser", () => {
  it("refuses a wrong password with a plain message, clears the password, then signs in and out", async () => {
    const context = await newConsoleContext(browser, svc.urls.admin);
    const page = await context.newPage();
    const watch = watchPage(page);
    const login = new LoginPage(page);
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await login.submit("admin", svc.secret("definitely-not-the-password"));
    // The refusal waits for an argon2 verification: on a loaded machine well over expect.poll's default second.
    await expect
      .poll(() => login.error().textContent(), { timeout: 15_000 })
      .toBe("Invalid username or password.");
    expect(await login.values()).toEqual({ username: "admin", password: "" });
    await screenshot(page, "desktop-login-wrong-password");
    await login.submit("admin", ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === "/api-users");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "hermes_session", httpOnly: true, sameSite: "Strict", path: "/" });
    svc.secret(cookie!.value);
    expect(await page.evaluate("document.cookie")).toBe("");
    await new Shell(page).signOut();
    await page.goto("/status");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it("says when to retry once the login is locked out (429)", async () => {
    // Ten failures lock the pair (username, IP); a made-up username keeps the admin's own pair usable.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${svc.urls.admin}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "mallory", password: `guess-${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const context = await newConsoleContext(browser, svc.urls.admin);
    const page = await context.newPage();
    const login = new LoginPage(page);
    await login.goto();
    await login.submit("mallory", "guess-10");
    await expect
      .poll(() => login.error().textContent())
      .toMatch(
        /^Too many failed sign-in attempts\. Try again in 15 minutes \(after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+01:00\)\.$/,
      );
    await screenshot(page, "desktop-login-lockout");
    await context.close();
  });

  it("follows next only to a same-origin path", async () => {
    for (const [next, landing] of [
      ["/logs?gateway=post", "/logs?gateway=post"],
      ["//evil.example/steal", "/api-users"],
      ["https://evil.example/", "/api-users"],
      ["/\\evil.example", "/api-users"],
    ] as const) {
      const context = await newConsoleContext(browser, svc.urls.admin);
      const page = await context.newPage();
      const login = new LoginPage(page);
      await login.goto(next);
      await login.submit("admin", ADMIN_PASSWORD);
      await page.waitForURL((u) => u.origin === svc.urls.admin && `${u.pathname}${u.search}` === landing);
      svc.secret((await context.cookies())[0]!.value);
      await context.close();
    }
  });

  it("returns to sign-in when the session ends server-side, and back to the same page after signing in", async () => {
    const { context, page } = await signedInPage();
    const logs = new AuditLogsPage(page);
    await logs.goto("?gateway=post&status=4xx");
    await page.getByTestId("empty").waitFor();
    // The session expires (as if its time ran out): its row is gone from the database.
    await svc.db.deleteFrom("admin_sessions").execute();
    // The next API call of the page answers 401: the console goes to sign-in, keeping where the admin was.
    await page.getByTestId("logs-gateway").selectOption("pre");
    await page.waitForURL((u) => u.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/logs?gateway=pre&status=4xx");
    const login = new LoginPage(page);
    await login.submit("admin", ADMIN_PASSWORD);
    await page.waitForURL((u) => `${u.pathname}${u.search}` === "/logs?gateway=pre&status=4xx");
    expect(await page.getByTestId("logs-gateway").inputValue()).toBe("pre");
    svc.secret((await context.cookies())[0]!.value);
    await context.close();
  });
});
