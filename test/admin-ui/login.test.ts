import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, ADMIN_PASSWORD } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";

/** Debian's Chromium, never a downloaded one (`apt-get install chromium`). */
const CHROMIUM = "/usr/bin/chromium";

let svc: TestService;
let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  }
  svc = await startTestService({ env: ADMIN_ENV });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe("console login in a real browser", () => {
  it("redirects to /login, refuses a wrong password, signs in, shows the overview and signs out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(e.message));

    await page.goto(`${svc.urls.admin}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/");

    await page.fill("#username", "admin");
    await page.fill("#password", svc.secret("definitely-not-the-password"));
    await page.click("#login-submit");
    // The refusal waits for an argon2 verification: on a loaded machine well over expect.poll's default second.
    await expect
      .poll(() => page.locator("#login-error").textContent(), { timeout: 15_000 })
      .toBe("Invalid username or password.");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.inputValue("#password")).toBe(""); // cleared after a failed attempt

    await page.fill("#password", ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(`${svc.urls.admin}/`), page.click("#login-submit")]);
    await expect.poll(() => page.locator("#whoami").textContent()).toBe("Signed in as admin");
    await expect.poll(() => page.locator("#tenants").textContent()).toContain("default");
    await expect.poll(() => page.locator("#status").textContent()).toContain("postgres");

    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate("document.cookie")).toBe("");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "hermes_session", httpOnly: true, sameSite: "Strict", path: "/" });
    svc.secret(cookie!.value);

    await Promise.all([page.waitForURL(/\/login$/), page.click("#logout")]);
    await page.goto(`${svc.urls.admin}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
    await context.close();
  });

  it("ignores next=//evil.example and lands on the console", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${svc.urls.admin}/login?next=${encodeURIComponent("//evil.example/steal")}`);
    await page.fill("#username", "admin");
    await page.fill("#password", ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(`${svc.urls.admin}/`), page.click("#login-submit")]);
    expect(page.url()).toBe(`${svc.urls.admin}/`);
    const [cookie] = await context.cookies();
    svc.secret(cookie!.value);
    await context.close();
  });
});
