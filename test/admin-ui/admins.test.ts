/**
 * @module Roles in the console, in Chromium: the owner adds an admin (initial password shown once), changes the
 * role, disables, enables and deletes it; an auditor opens a prompt and has the JSONL download but no change
 * buttons; a viewer gets the record without bodies and no download; the rotate dialog offers the grace periods.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { ADMIN_PASSWORD, AdminClient, signedInClient } from "../admin/admin-client.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import {
  startConsoleTarget,
  newConsoleContext,
  screenshot,
  watchPage,
  type ConsoleTarget,
} from "./browser.js";
import { LoginPage } from "./pages/login-page.js";

let target: ConsoleTarget;
let browser: Browser;
beforeAll(async () => {
  target = await startConsoleTarget();
  browser = target.browser;
});
afterAll(async () => {
  await target?.close();
});

async function signIn(username: string, password: string) {
  const context = await newConsoleContext(browser, target.svc.urls.admin);
  const page = await context.newPage();
  const watch = watchPage(page);
  const login = new LoginPage(page);
  await login.goto();
  await login.submit(username, password);
  await page.waitForURL((u) => u.pathname === "/api-users");
  const cookie = (await context.cookies()).find((c) => c.name === "hermes_session");
  target.svc.secret(cookie!.value);
  return { context, page, watch };
}

describe("roles in the console", () => {
  it("lets the owner add an admin, change its role, disable, enable and delete it", async () => {
    const { context, page, watch } = await signIn("admin", ADMIN_PASSWORD);
    await page.getByTestId("nav-admins").click();
    await page.waitForURL((u) => u.pathname === "/admins");
    await page.getByTestId("add-admin").click();
    await page.getByTestId("admin-username").fill("dana");
    await page.getByTestId("admin-role").selectOption("auditor");
    await page.getByTestId("create-admin-submit").click();
    const initial = target.svc.secret((await page.getByTestId("initial-password").textContent())!);
    expect(initial.length).toBeGreaterThanOrEqual(16);
    await screenshot(page, "desktop-admin-created");
    await page.getByTestId("admin-created-done").click();
    const row = page.getByTestId("admin-row-dana");
    await row.waitFor();
    expect(await page.content()).not.toContain(initial);
    // The initial password works, for an auditor.
    const dana = new AdminClient(target.svc.urls.admin);
    expect((await dana.login("dana", initial)).status).toBe(200);
    target.svc.secret(dana.cookie!.split("=")[1]!);
    expect((await dana.get<{ role: string }>("/api/auth/me")).body.role).toBe("auditor");

    await row.getByTestId("admin-role-select").selectOption("viewer");
    await expect
      .poll(async () => (await dana.get<{ role: string }>("/api/auth/me")).body.role)
      .toBe("viewer");
    await row.getByTestId("admin-toggle").click();
    await expect.poll(() => row.getByTestId("admin-toggle").textContent()).toBe("Enable");
    expect((await dana.get("/api/auth/me")).status).toBe(401);
    await row.getByTestId("admin-toggle").click();
    await expect.poll(() => row.getByTestId("admin-toggle").textContent()).toBe("Disable");
    // The environment owner's role cannot be changed here.
    expect(await page.getByTestId("admin-row-admin").getByTestId("admin-role-select").isDisabled()).toBe(
      true,
    );
    await screenshot(page, "desktop-admins");
    await row.getByTestId("admin-delete").click();
    await page.getByRole("textbox").last().fill("dana");
    await page.getByRole("button", { name: "Delete admin" }).click();
    await expect.poll(() => page.getByTestId("admin-row-dana").count()).toBe(0);
    const trail = await target.svc.db
      .selectFrom("admin_events")
      .select(["actor", "action"])
      .where("action", "like", "admin.%")
      .execute();
    expect(trail.map((e) => `${e.actor} ${e.action}`)).toEqual(
      expect.arrayContaining([
        "admin admin.create",
        "admin admin.role_change",
        "admin admin.update",
        "admin admin.delete",
      ]),
    );
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it("shows an auditor the prompt and the download, a viewer neither; neither gets change buttons", async () => {
    const owner = await signedInClient(target.svc);
    target.svc.secret(owner.cookie!.split("=")[1]!);
    const passwords: Record<string, string> = {};
    for (const [username, role] of [
      ["audrey", "auditor"],
      ["vic", "viewer"],
    ] as const) {
      const res = await owner.post<{ initial_password: string }>("/api/admin/admins", { username, role });
      passwords[username] = target.svc.secret(res.body.initial_password);
    }
    const tenant = await createTenant(target.svc, { preUpstreamUrl: target.upstream.url });
    const { apiKey } = await createApiUser(target.svc, { tenantId: tenant.id });
    await new OpenAI({ apiKey, baseURL: `${target.svc.urls.pre}/v1`, maxRetries: 0 }).chat.completions.create(
      {
        model: "m",
        messages: [{ role: "user", content: "only auditors read this" }],
      },
    );
    await target.svc.deps.audit.flush();
    const id = (await owner.get<{ data: { id: number }[] }>(`/api/admin/logs?tenant_id=${tenant.id}`)).body
      .data[0]!.id;

    const auditor = await signIn("audrey", passwords.audrey!);
    expect(await auditor.page.getByTestId("create-user").count()).toBe(0);
    expect(await auditor.page.getByTestId("row-actions").count()).toBe(0);
    await auditor.page.goto(`/logs?id=${id}`);
    await expect
      .poll(() => auditor.page.getByTestId("log-prompt").textContent())
      .toContain("only auditors read this");
    expect(await auditor.page.getByTestId("logs-download").count()).toBe(1);
    await screenshot(auditor.page, "desktop-auditor-log");
    expect(auditor.watch.problems).toEqual([]);
    await auditor.context.close();

    const viewer = await signIn("vic", passwords.vic!);
    await viewer.page.goto(`/logs?id=${id}`);
    await viewer.page.getByTestId("bodies-withheld").waitFor();
    expect(await viewer.page.content()).not.toContain("only auditors read this");
    expect(await viewer.page.getByTestId("logs-download").count()).toBe(0);
    await viewer.page.goto("/tenants");
    await viewer.page.getByRole("heading", { name: "Tenants" }).waitFor();
    expect(await viewer.page.getByTestId("create-tenant").count()).toBe(0);
    // The tenant's Hermes configuration: readable, but neither the model form nor "Probe now" is offered.
    await viewer.page.goto("/tenants/default/hermes/model");
    await viewer.page.getByTestId("hc-model-readonly").waitFor();
    expect(await viewer.page.getByTestId("hc-model-form").count()).toBe(0);
    await viewer.page.goto("/tenants/default/hermes/health");
    await viewer.page.getByText("Probed in the background").waitFor();
    expect(await viewer.page.getByTestId("hc-probe-now").count()).toBe(0);
    await screenshot(viewer.page, "desktop-viewer-log");
    await viewer.context.close();
  });

  it("offers the grace periods in the rotate dialog and shows until when the old key works", async () => {
    const tenant = await createTenant(target.svc, { preUpstreamUrl: target.upstream.url });
    const { apiUser } = await createApiUser(target.svc, { tenantId: tenant.id, name: "graceful" });
    const { context, page } = await signIn("admin", ADMIN_PASSWORD);
    await page.goto(`/api-users/${apiUser.id}`);
    await page.getByTestId("detail-rotate").click();
    const grace = page.getByTestId("rotate-grace");
    expect(await grace.locator("option").allTextContents()).toEqual([
      "None: stops at once",
      "15 minutes",
      "1 hour",
      "24 hours",
    ]);
    await grace.selectOption(String(3600));
    await page.getByRole("button", { name: "Rotate key" }).last().click();
    await expect.poll(() => page.getByTestId("key-warning").textContent()).toMatch(/keeps working until/);
    target.svc.secret((await page.getByTestId("key-value").textContent()) ?? "");
    const retired = await target.svc.db
      .selectFrom("retired_keys")
      .select("grace_until")
      .where("api_user_id", "=", apiUser.id)
      .executeTakeFirstOrThrow();
    expect(retired.grace_until!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    await screenshot(page, "desktop-rotate-grace");
    await context.close();
  });
});
