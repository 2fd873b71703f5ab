/**
 * @module The API users walk at phone width (390×844): sign in, create a user, copy the key from the show-once
 * panel, use it, rotate, revoke and delete, all through the narrow layout (menu button, scrolling table); then a
 * screenshot of every screen at that width.
 */
import OpenAI from "openai";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD } from "../admin/admin-client.js";
import type { TestService } from "../harness/test-service.js";
import {
  newConsoleContext,
  startConsoleTarget,
  type ConsoleTarget,
  PHONE,
  screenshot,
  watchPage,
} from "./browser.js";
import { ActivityPage } from "./pages/activity-page.js";
import { ApiUsersPage } from "./pages/api-users-page.js";
import { AuditLogsPage } from "./pages/audit-logs-page.js";
import { LoginPage } from "./pages/login-page.js";
import { Shell } from "./pages/shell.js";
import { StatusPage } from "./pages/status-page.js";
import { TenantPage, TenantsPage } from "./pages/tenants-page.js";
import { UsagePage } from "./pages/usage-page.js";
import { UserDetailPage } from "./pages/user-detail-page.js";

let target: ConsoleTarget;
let svc: TestService;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  target = await startConsoleTarget((url) => ({
    HERMES_PRE_UPSTREAM_URL: url,
    HERMES_POST_UPSTREAM_URL: url,
  }));
  ({ svc } = target);
  context = await newConsoleContext(target.browser, svc.urls.admin, PHONE);
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await target?.close();
});

/** The page is no wider than the phone: nothing forces sideways scrolling of the whole screen. */
async function expectFitsWidth(p: Page) {
  const width = (await p.evaluate("document.documentElement.scrollWidth")) as number;
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

describe("the console at 390×844", () => {
  it("creates, uses, rotates, revokes and deletes an API user on a phone", async () => {
    const watch = watchPage(page);
    const shell = new Shell(page);
    const users = new ApiUsersPage(page);
    const login = new LoginPage(page);
    await login.goto();
    await screenshot(page, "phone-login");
    await login.submit("admin", ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === "/api-users");
    await users.ready();
    svc.secret((await context.cookies())[0]!.value);
    await expect(page.getByTestId("nav-tenants").isVisible()).resolves.toBe(false);

    await users.create({
      name: "bob on the go",
      tenant: "default",
      gateways: ["post"],
      rpm: null,
      cap: 5000,
    });
    await screenshot(page, "phone-key-panel");
    const key = svc.secret(await users.keyPanel.copyKey());
    await users.keyPanel.close();
    await expect.poll(() => users.row("bob on the go").count()).toBe(1);
    await expectFitsWidth(page);

    const client = new OpenAI({ apiKey: key, baseURL: `${svc.urls.post}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi from the phone" }],
    });
    await svc.deps.audit.flush();
    await users.goto();
    await expect.poll(() => users.badges("bob on the go")).toEqual(["Active"]);
    await screenshot(page, "phone-api-users");

    await users.action("bob on the go", "rotate");
    await users.confirm();
    const rotated = svc.secret(await users.keyPanel.copyKey());
    await users.keyPanel.close();
    await expect(client.models.list()).rejects.toMatchObject({ status: 410 });
    const client2 = new OpenAI({ apiKey: rotated, baseURL: `${svc.urls.post}/v1`, maxRetries: 0 });
    expect((await client2.models.list()).data.length).toBeGreaterThan(0);

    const detail = new UserDetailPage(page);
    await detail.open("bob on the go");
    await expect.poll(() => detail.recentRows().count()).toBeGreaterThan(0);
    await screenshot(page, "phone-user-detail");
    await users.goto();

    await users.action("bob on the go", "revoke");
    await users.confirm();
    await expect.poll(() => users.badges("bob on the go")).toContain("Revoked");
    await users.action("bob on the go", "delete");
    await screenshot(page, "phone-delete-confirm");
    await users.confirm("bob on the go");
    await expect.poll(() => users.row("bob on the go").count()).toBe(0);
    await expect(client2.models.list()).rejects.toMatchObject({ status: 401 });

    // Every other screen at phone width, reached through the menu.
    await page.getByRole("button", { name: "Menu" }).click();
    await screenshot(page, "phone-navigation");
    await page.getByTestId("nav-tenants").click();
    await new TenantsPage(page).goto();
    await screenshot(page, "phone-tenants");
    await new TenantPage(page).goto("default");
    await screenshot(page, "phone-tenant-page");
    await shell.navigate("usage");
    await new UsagePage(page).goto();
    await screenshot(page, "phone-usage");
    const logs = new AuditLogsPage(page);
    await shell.navigate("logs");
    await expect.poll(() => logs.rows().count()).toBeGreaterThan(0);
    await screenshot(page, "phone-audit-logs");
    await logs.openRow(0);
    await screenshot(page, "phone-audit-log-drawer");
    await logs.closeDrawer();
    await new ActivityPage(page).goto();
    await screenshot(page, "phone-activity");
    await new StatusPage(page).goto();
    await screenshot(page, "phone-status");
    for (const path of ["/api-users", "/usage", "/logs", "/activity", "/status", "/tenants"]) {
      await page.goto(path);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await expectFitsWidth(page);
    }
    expect(watch.problems).toEqual([]);
  }, 240_000);
});
