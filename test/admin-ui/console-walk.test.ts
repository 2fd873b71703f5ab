/**
 * @module The console end to end in Chromium against the real service on PostgreSQL with a fake upstream: sign in,
 * create a tenant and a user, copy the show-once key and call the gateway with it (official openai SDK, plain and
 * streamed), read both in the audit log and its drawer (an XSS prompt stays text), download the user's JSONL,
 * match the usage chart, rotate, revoke and delete, and find every step in the admin activity trail. Screenshots
 * of every screen land in test-results/screenshots/.
 */
import fs from "node:fs";
import OpenAI from "openai";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD } from "../admin/admin-client.js";
import type { FakeUpstream } from "../harness/fake-upstream.js";
import type { TestService } from "../harness/test-service.js";
import {
  newConsoleContext,
  startConsoleTarget,
  type ConsoleTarget,
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

const XSS = `<img src=x onerror="window.__xss = 1"> and <script>window.__xss = 2</script>`;

let target: ConsoleTarget;
let svc: TestService;
let upstream: FakeUpstream;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  target = await startConsoleTarget();
  ({ svc, upstream } = target);
  context = await newConsoleContext(target.browser, svc.urls.admin);
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await target?.close();
});

const gateway = (apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${svc.urls.post}/v1`, maxRetries: 0, timeout: 20_000 });

describe("the console, end to end at 1280×800", () => {
  it("walks through tenants, keys, the gateway, audit logs, usage, rotate, revoke, delete and the trail", async () => {
    const watch = watchPage(page);
    const shell = new Shell(page);
    const login = new LoginPage(page);
    const users = new ApiUsersPage(page);

    // Sign in: the console sends an anonymous visitor to /login and back to where they were going.
    await page.goto("/api-users");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/api-users");
    expect(await login.values()).toEqual({ username: "", password: "" }); // nothing prefilled
    await screenshot(page, "desktop-login");
    await login.submit("admin", ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === "/api-users");
    await users.ready();
    await expect.poll(() => shell.whoami().textContent()).toBe("Signed in as admin");
    await expect
      .poll(() => shell.privacyNotice().textContent())
      .toMatch(/stored for 90 days \(up to 64 KiB each\)/);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "hermes_session", httpOnly: true, sameSite: "Strict" });
    svc.secret(cookie!.value);
    expect(await page.evaluate("document.cookie")).toBe("");

    // A tenant pointing at the fake upstream, with a write-only credential.
    const credential = svc.secret("acme-upstream-credential-7f3a9c");
    const tenants = new TenantsPage(page);
    await shell.navigate("tenants");
    await tenants.create({
      id: "acme",
      name: "Acme Corp",
      pre: upstream.url,
      post: upstream.url,
      credential,
    });
    const tenantPage = new TenantPage(page);
    await expect.poll(() => tenantPage.credentialBadge().textContent()).toMatch(/^set · [0-9a-f]{8}$/);
    expect(await page.content()).not.toContain(credential);
    await screenshot(page, "desktop-tenant-page");

    // A user: the dialog ends on the show-once panel; the list only refreshes once the panel is closed.
    await shell.navigate("api-users");
    await users.create({ name: "alice", tenant: "acme", rpm: 60, cap: 1_000_000 });
    const masked = await users.keyPanel.maskedText();
    expect(masked).toMatch(/^hms_.{4}•{8,}$/);
    const key = svc.secret(await users.keyPanel.copyKey());
    expect(key).toMatch(/^hms_/);
    expect(masked).not.toContain(key.slice(8));
    await screenshot(page, "desktop-key-panel");
    expect(await users.row("alice").count()).toBe(0);
    await users.keyPanel.close();
    await expect.poll(() => users.row("alice").count()).toBe(1);
    expect(await users.badges("alice")).toEqual(["Never used", "Active"]);
    await expectNoSecretInBrowser(page, key);

    // The gateway with the copied key: one plain request (with a prompt that tries to inject HTML), one streamed.
    const client = gateway(key);
    const plain = await client.chat.completions.create({
      model: "hermes-agent",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: XSS },
      ],
    });
    expect(plain.choices[0]!.message.content).toBeTruthy();
    const stream = await client.chat.completions.create({
      model: "hermes-agent",
      stream: true,
      messages: [{ role: "user", content: "Stream me a haiku" }],
    });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
    expect(streamed).toBeTruthy();
    await svc.deps.audit.flush();

    // Both requests in the audit log, local times with the zone's offset, the drawer showing them readably.
    const userId = (await users.row("alice").getAttribute("data-row-id"))!;
    const logs = new AuditLogsPage(page);
    await shell.navigate("logs");
    await logs.filterUser(userId);
    await expect.poll(() => logs.rows().count()).toBe(2);
    expect(await page.getByTestId("logs-zone").textContent()).toContain("Europe/Berlin, UTC+01:00");
    expect(await logs.rows().first().locator("td").first().textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+01:00$/,
    );
    expect(await logs.rows().first().textContent()).toContain("streamed");
    await screenshot(page, "desktop-audit-logs");

    await logs.openRow(0);
    const drawer = logs.drawer();
    await expect
      .poll(() => drawer.getByTestId("log-prompt-conversation").textContent())
      .toContain("Stream me a haiku");
    expect(await drawer.getByTestId("log-response-conversation").textContent()).toContain(streamed);
    await logs.closeDrawer();

    await logs.openRow(1);
    await expect.poll(() => drawer.getByTestId("log-prompt-conversation").textContent()).toContain(XSS);
    const turns = await drawer.getByTestId("log-prompt-conversation").getByTestId("turn").allTextContents();
    expect(turns[0]).toMatch(/^system/);
    expect(await drawer.getByTestId("log-response-conversation").textContent()).toContain(
      plain.choices[0]!.message.content!,
    );
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    await screenshot(page, "desktop-audit-log-drawer");
    await drawer.getByTestId("raw-toggle").click();
    expect(await drawer.getByTestId("log-prompt-raw").textContent()).toContain('"messages"');
    await logs.closeDrawer();

    // Download JSONL for that user: a plain navigation, streamed by the server.
    const download = await logs.download();
    const lines = fs
      .readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { api_user_id: string; stream: boolean; usage: { total_tokens: number } });
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.api_user_id)).toEqual([userId, userId]);
    expect(lines.map((l) => l.stream)).toEqual([false, true]);
    const tokens = lines.reduce((n, l) => n + l.usage.total_tokens, 0);

    // The usage chart's numbers are those of the requests.
    const today = new Date().toISOString().slice(0, 10);
    const detail = new UserDetailPage(page);
    await detail.goto(userId);
    await expect.poll(async () => (await detail.chartNumbers()).get(today)).toEqual([tokens, 2]);
    await expect.poll(() => detail.outcome("ok").textContent()).toMatch(/OK: 2\b/);
    await expect.poll(() => detail.recentRows().count()).toBe(2);
    await screenshot(page, "desktop-user-detail");
    const usage = new UsagePage(page);
    await shell.navigate("usage");
    await usage.goto("?tenant_id=acme");
    await expect.poll(() => usage.total("requests")).toBe(2);
    expect(await usage.total("tokens")).toBe(tokens);
    expect((await usage.chartNumbers()).get(today)).toEqual([tokens, 2]);
    const csv = fs.readFileSync((await (await usage.exportCsv()).path())!, "utf8");
    expect(csv).toContain(`${today},2,2,0,`);
    await screenshot(page, "desktop-usage");

    // Rotate: the old key answers 410 at once, the new one works.
    await users.goto();
    await users.action("alice", "rotate");
    expect(await users.confirmDialog().textContent()).toContain("alice");
    await users.confirm();
    await users.keyPanel.root().waitFor();
    const rotated = svc.secret(await users.keyPanel.copyKey());
    expect(rotated).not.toBe(key);
    await users.keyPanel.close();
    await expect(client.models.list()).rejects.toMatchObject({ status: 410 });
    expect((await gateway(rotated).models.list()).data.length).toBeGreaterThan(0);
    await expect.poll(() => users.badges("alice")).toContain("Rotated");
    await screenshot(page, "desktop-api-users");

    // Revoke, then delete with the typed name.
    await users.action("alice", "revoke");
    expect(await users.confirmDialog().textContent()).toContain("Revoke alice?");
    await users.confirm();
    await expect.poll(() => users.badges("alice")).toContain("Revoked");
    await expect(gateway(rotated).models.list()).rejects.toMatchObject({ status: 410 });
    // A tenant that still has users cannot be deleted: the console says why (the API's 409).
    await tenants.goto();
    await tenants.delete("acme");
    await expect
      .poll(() => users.confirmDialog().getByTestId("form-error").textContent())
      .toMatch(/^Acme Corp still has 1 API user: delete them first/);
    await users.confirmDialog().getByRole("button", { name: "Cancel" }).click();
    await users.goto();
    await users.action("alice", "delete");
    await users.confirmDialog().getByTestId("confirm-input").fill("alic");
    expect(await users.confirmDialog().getByTestId("confirm-button").isDisabled()).toBe(true);
    await screenshot(page, "desktop-delete-confirm");
    await users.confirm("alice");
    await expect.poll(() => users.row("alice").count()).toBe(0);
    await expect(gateway(rotated).models.list()).rejects.toMatchObject({ status: 401 });

    // The trail has every step, including the read of the prompts and the export.
    const activity = new ActivityPage(page);
    await shell.navigate("activity");
    await activity.goto();
    const actions = await activity.actions();
    for (const a of [
      "auth.login",
      "tenant.create",
      "api_user.create",
      "audit.view",
      "audit.export",
      "api_user.rotate",
      "api_user.revoke",
      "api_user.delete",
    ])
      expect(actions, a).toContain(a);
    expect(actions.filter((a) => a === "audit.view")).toHaveLength(2);
    await screenshot(page, "desktop-activity");

    // The remaining screens, for the record.
    await new StatusPage(page).goto();
    await expect.poll(() => page.getByTestId("status-tenants").textContent()).toContain("acme");
    await screenshot(page, "desktop-status");
    await tenants.goto();
    await screenshot(page, "desktop-tenants");
    // A tenant with users cannot go; an empty one can.
    await expectNoSecretInBrowser(page, rotated);
    expect(watch.problems).toEqual([]);
  }, 240_000);
});

/** No secret in web storage, the URL or the page once the panel is closed. */
async function expectNoSecretInBrowser(p: Page, secret: string) {
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  const storage = (await p.evaluate(`({
    local: Object.keys(localStorage).length,
    session: Object.keys(sessionStorage).length,
    url: location.href,
    html: document.documentElement.outerHTML,
  })`)) as { local: number; session: number; url: string; html: string };
  expect(storage.local).toBe(0);
  expect(storage.session).toBe(0);
  expect(storage.url).not.toContain(secret);
  expect(storage.html).not.toContain(secret);
}
