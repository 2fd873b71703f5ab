/**
 * @module The read-only Hermes panes (issue 20) in Chromium against the real service, reading fixture Hermes homes
 * with real state.db and kanban.db files (WAL, a writer holding the default profile's open): every pane opens for
 * the fixture tenant and shows one real value from its files; a session's messages open with a tool call expanded;
 * switching profile shows the other profile's data; a missing home and an empty one say "not present"; no planted
 * secret reaches any pane's text or HTML. Screenshots: test-results/screenshots/hermes-<pane>.png (desktop) and
 * phone-hermes-sessions.png.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD } from "../admin/admin-client.js";
import { startPaneService, type PaneSetup } from "../admin/hermes-pane-setup.js";
import { findPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { launchBrowser, newConsoleContext, PHONE, screenshot, watchPage } from "./browser.js";
import { LoginPage } from "./pages/login-page.js";

let s: PaneSetup;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

async function signIn(p: Page): Promise<void> {
  const login = new LoginPage(p);
  await login.goto("/tenants");
  await login.submit("admin", ADMIN_PASSWORD);
  await p.waitForURL((u) => u.pathname === "/tenants");
}

beforeAll(async () => {
  s = await startPaneService();
  // A tenant whose Hermes home is gone (not mounted any more): created while it existed, then removed.
  const gone = path.join(s.fx.root, "missing", ".hermes");
  fs.mkdirSync(gone, { recursive: true });
  const res = await s.admin.post("/api/admin/tenants", { id: "missing", name: "missing", hermes_home: gone });
  if (res.status !== 201) throw new Error(`tenant missing: ${res.status} ${res.text}`);
  fs.rmSync(path.dirname(gone), { recursive: true });
  browser = await launchBrowser();
  context = await newConsoleContext(browser, s.svc.urls.admin);
  page = await context.newPage();
  problems = watchPage(page).problems;
  await signIn(page);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await s?.close();
});

/** Opens a pane from the side navigation (or by URL), waits for it to finish loading. */
async function openPane(pane: string, opts: { tenant?: string; profile?: string } = {}): Promise<void> {
  const tenant = opts.tenant ?? "default";
  const q = opts.profile ? `?profile=${encodeURIComponent(opts.profile)}` : "";
  await page.goto(`/tenants/${tenant}/hermes/${pane}${q}`);
  await page.getByTestId(`hermes-pane-${pane}`).waitFor();
  await settled();
}

async function settled(): Promise<void> {
  await expect.poll(() => page.getByTestId("loading").count(), { timeout: 15_000 }).toBe(0);
}

/** Every pane of issue 20, by its route id. */
const PANES = [
  "sessions",
  "insights",
  "cron",
  "kanban",
  "skills",
  "bundles",
  "plugins",
  "mcp",
  "hooks",
  "tools",
  "webhooks",
  "memory",
  "storage",
  "profiles",
  "security",
  "status",
];

const pane = (id: string) => page.getByTestId(`hermes-pane-${id}`);

/** No planted secret in the pane's visible text or its HTML (collapsed <details> included). */
async function expectNoSecrets(where: string): Promise<void> {
  const text = await page.locator("body").innerText();
  const html = await page.content();
  expect(findPlantedSecrets(text, s.secrets), `${where} (text)`).toEqual([]);
  expect(findPlantedSecrets(html, s.secrets), `${where} (HTML)`).toEqual([]);
}

describe("the Hermes panes for a fixture tenant (desktop)", () => {
  it("lists sessions, opens one's messages and expands a tool call", async () => {
    await openPane("sessions");
    const row = pane("sessions").getByTestId("session-s_cli_1");
    await expect.poll(() => row.textContent()).toContain("Refactor the parser");
    expect(await row.getByTestId("session-messages").textContent()).toBe("4");
    // Cron runs are grouped under their job.
    const group = pane("sessions").getByTestId("cron-group-0123456789ab");
    await group.locator("summary").click();
    await expect.poll(() => group.textContent()).toContain("2 runs");
    await expect.poll(() => group.getByTestId("session-cron_0123456789ab_20261201_080000").count()).toBe(1);

    await row.getByTestId("session-open").click();
    const detail = page.getByTestId("session-detail");
    await detail.getByTestId("messages").waitFor();
    await settled();
    expect(await detail.getByTestId("messages-total").textContent()).toBe("4 messages");
    const call = detail.getByTestId("tool-call").first();
    expect(await call.getByTestId("tool-call-arguments").isVisible()).toBe(false);
    await call.locator("summary").click();
    await expect.poll(() => call.getByTestId("tool-call-arguments").isVisible()).toBe(true);
    expect(await call.getByTestId("tool-call-arguments").textContent()).toContain("grep -rn TODO src");
    expect(await call.locator("summary").textContent()).toContain("terminal");
    // The key pasted into the chat and into the tool's arguments is masked.
    expect(await detail.getByTestId("message-text").first().textContent()).toBe(
      "Please refactor; my key is [redacted]",
    );
    await expectNoSecrets("sessions");
    await screenshot(page, "hermes-sessions");
  });

  it("filters sessions by source", async () => {
    await openPane("sessions");
    await pane("sessions").getByTestId("filter-source").selectOption("telegram");
    await settled();
    await expect
      .poll(() =>
        pane("sessions").getByTestId("sessions-table").getByTestId("session-source").allTextContents(),
      )
      .toEqual(["telegram", "telegram"]);
    // The filter is in the URL, so the filtered list can be linked to and survives a reload.
    expect(new URL(page.url()).searchParams.get("source")).toBe("telegram");
    await page.reload();
    await settled();
    await expect
      .poll(() =>
        pane("sessions").getByTestId("sessions-table").getByTestId("session-source").allTextContents(),
      )
      .toEqual(["telegram", "telegram"]);
  });

  it("shows insights for 7/30/90 days with per-model figures, top tools, activity and the notes", async () => {
    await openPane("insights");
    const p = pane("insights");
    await expect
      .poll(() => p.getByTestId("insights-models-table").textContent())
      .toContain("anthropic/claude-sonnet-4");
    await expect.poll(() => p.getByTestId("tool-terminal").textContent()).toContain("terminal");
    expect(await p.getByTestId("insights-estimated").textContent()).toContain("not a bill");
    expect(await p.getByTestId("figure-note").count()).toBeGreaterThanOrEqual(6);
    expect(await p.getByTestId("heat-hour").locator(".hp-heat-cell").count()).toBe(24);
    const sessions30 = Number(await p.getByTestId("insights-sessions").locator(".stat-value").textContent());
    await p.getByTestId("insights-90").click();
    await settled();
    await expect.poll(() => p.getByTestId("insights-window").textContent()).toMatch(/^90 days/);
    // The old Discord session (outside 30 days) counts in 90.
    const sessions90 = Number(await p.getByTestId("insights-sessions").locator(".stat-value").textContent());
    expect(sessions90).toBeGreaterThan(sessions30);
    await p.getByTestId("insights-30").click();
    await settled();
    await expectNoSecrets("insights");
    await screenshot(page, "hermes-insights");
  });

  it("shows cron jobs with their runs, and an output's content on demand", async () => {
    await openPane("cron");
    const job = pane("cron").getByTestId("cron-job-0123456789ab");
    expect(await job.getByTestId("cron-schedule").textContent()).toContain("every day at 08:00");
    expect(await job.getByTestId("cron-state").textContent()).toBe("scheduled");
    await job.getByTestId("cron-outputs").click();
    await job.getByTestId("cron-output").first().click();
    await expect
      .poll(() => job.getByTestId("cron-output-text").textContent())
      .toBe("# Digest 2026-12-01\n\nThe feed needed token: [redacted] to load.\n");
    await expectNoSecrets("cron");
    await screenshot(page, "hermes-cron");
  });

  it("shows the kanban board's counts and a task's comments, runs and events", async () => {
    await openPane("kanban");
    const p = pane("kanban");
    await p.getByTestId("kanban-board").selectOption("ops");
    await settled();
    expect(await p.getByTestId("kanban-by-status-running").textContent()).toBe("running: 1");
    await p.getByTestId("task-t_b0002").getByTestId("task-open").click();
    const detail = p.getByTestId("task-detail");
    await expect.poll(() => detail.getByTestId("task-title").textContent()).toBe("Migrate the database");
    expect(await detail.getByTestId("task-body").textContent()).toBe(
      "Use password=[redacted] for the replica.",
    );
    expect(await detail.getByTestId("task-runs").textContent()).toContain("Copying tables");
    await expectNoSecrets("kanban");
    await screenshot(page, "hermes-kanban");
  });

  it("shows skills with provenance and a SKILL.md body on demand", async () => {
    await openPane("skills");
    const row = pane("skills").getByTestId("skill-old-notes");
    expect(await row.getByTestId("skill-enabled").textContent()).toBe("disabled");
    expect(await row.getByTestId("skill-provenance").textContent()).toBe("agent");
    await pane("skills").getByTestId("skill-deploy").getByTestId("skill-open").click();
    await expect.poll(() => page.getByTestId("skill-body-text").count()).toBe(1);
    expect((await page.getByTestId("skill-body-text").textContent())!.length).toBeGreaterThan(0);
    await expectNoSecrets("skills");
    await screenshot(page, "hermes-skills");
  });

  it("shows bundles with the skills they miss", async () => {
    await openPane("bundles");
    expect(
      await pane("bundles").getByTestId("bundle-research").getByTestId("bundle-missing").textContent(),
    ).toBe("missing-one");
    await expectNoSecrets("bundles");
    await screenshot(page, "hermes-bundles");
  });

  it("shows plugins with their opt-in state", async () => {
    await openPane("plugins");
    expect(
      await pane("plugins").getByTestId("plugin-weather").getByTestId("plugin-state").textContent(),
    ).toBe("enabled");
    expect(await pane("plugins").getByTestId("plugin-spy").getByTestId("plugin-state").textContent()).toBe(
      "disabled",
    );
    expect(await pane("plugins").getByTestId("plugins-missing").textContent()).toContain("not-installed");
    await expectNoSecrets("plugins");
    await screenshot(page, "hermes-plugins");
  });

  it("shows MCP servers with values masked and whether an OAuth token is stored", async () => {
    await openPane("mcp");
    const linear = pane("mcp").getByTestId("mcp-linear");
    expect(await linear.getByTestId("mcp-target").textContent()).toBe("https://mcp.linear.app/sse");
    expect(await linear.getByTestId("mcp-oauth").textContent()).toContain("present");
    expect(await pane("mcp").getByTestId("mcp-github").getByTestId("mcp-oauth").textContent()).toBe(
      "not present",
    );
    expect(await pane("mcp").getByTestId("mcp-github").textContent()).toContain("literal (hidden)");
    await expectNoSecrets("mcp");
    await screenshot(page, "hermes-mcp");
  });

  it("shows event hooks and shell hooks with their consent", async () => {
    await openPane("hooks");
    expect(await pane("hooks").getByTestId("event-hook-notify").textContent()).toContain("session:end");
    expect(
      await pane("hooks").getByTestId("shell-hook-0").getByTestId("shell-hook-consent").textContent(),
    ).toBe("approved");
    await expectNoSecrets("hooks");
    await screenshot(page, "hermes-hooks");
  });

  it("shows the toolsets per platform", async () => {
    await openPane("tools");
    expect(await pane("tools").getByTestId("tools-telegram").textContent()).toContain("hermes-telegram");
    expect(await pane("tools").getByTestId("tools-disabled").textContent()).toContain("browser");
    await expectNoSecrets("tools");
    await screenshot(page, "hermes-tools");
  });

  it("shows webhooks with whether a secret is set, never the secret", async () => {
    await openPane("webhooks");
    expect(
      await pane("webhooks").getByTestId("webhook-github-push").getByTestId("webhook-secret").textContent(),
    ).toBe("set");
    expect(
      await pane("webhooks").getByTestId("webhook-stripe").getByTestId("webhook-secret").textContent(),
    ).toMatch(/^not set/);
    await expectNoSecrets("webhooks");
    await screenshot(page, "hermes-webhooks");
  });

  it("shows memory against its limits, and the entries on demand", async () => {
    await openPane("memory");
    const user = pane("memory").getByTestId("memory-user");
    expect(await user.getByTestId("memory-chars").textContent()).toBe("46 / 1,375");
    const memory = pane("memory").getByTestId("memory-memory");
    expect(await memory.getByTestId("memory-entries").textContent()).toBe("3");
    await memory.getByTestId("memory-open-memory").click();
    await expect.poll(() => memory.getByTestId("memory-entry").count()).toBe(3);
    expect(await memory.getByTestId("memory-entry").nth(2).textContent()).toContain("password=[redacted]");
    await expectNoSecrets("memory");
    await screenshot(page, "hermes-memory");
  });

  it("shows storage by part and free disk", async () => {
    await openPane("storage");
    expect(await pane("storage").getByTestId("storage-logs").locator("td").nth(2).textContent()).toBe("4");
    expect(await pane("storage").getByTestId("storage-free").textContent()).toMatch(/\d/);
    await expectNoSecrets("storage");
    await screenshot(page, "hermes-storage");
  });

  it("shows every profile's model, skills and gateway state", async () => {
    await openPane("profiles");
    const work = pane("profiles").getByTestId("profile-work");
    expect(await work.getByTestId("profile-model").textContent()).toBe("nous/hermes-4-70b");
    const def = pane("profiles").getByTestId("profile-default");
    expect(await def.getByTestId("profile-skills").textContent()).toBe("5");
    expect(await def.getByTestId("profile-gateway").textContent()).toContain("running");
    await expectNoSecrets("profiles");
    await screenshot(page, "hermes-profiles");
  });

  it("shows the security posture", async () => {
    await openPane("security");
    expect(await pane("security").getByTestId("finding-no_secret_key").count()).toBe(1);
    expect(await pane("security").getByTestId("file-wide").allTextContents()).toEqual([
      expect.stringMatching(/\.env0644/),
      expect.stringMatching(/linear\.json0640/),
    ]);
    await expectNoSecrets("security");
    await screenshot(page, "hermes-security");
  });

  it("shows the gateway's platforms and a log tail with a level filter", async () => {
    await openPane("status");
    const p = pane("status");
    expect(await p.getByTestId("gateway-state").textContent()).toBe("running");
    expect(await p.getByTestId("platform-discord").getByTestId("platform-error").textContent()).toContain(
      "auth_failed",
    );
    await expect.poll(() => p.getByTestId("log-entry").count()).toBe(5);
    expect(await p.getByTestId("log-entries").textContent()).toContain("RuntimeError: exit status 1");
    await p.getByTestId("log-level").selectOption("WARNING");
    await settled();
    await expect
      .poll(() =>
        p.getByTestId("log-entry").evaluateAll((els) => els.map((e) => e.getAttribute("data-level"))),
      )
      .toEqual(["ERROR", "WARNING"]);
    expect(new URL(page.url()).searchParams.get("level")).toBe("WARNING");
    await p.getByTestId("log-level").selectOption("");
    await p.getByTestId("log-q").fill("DAILY digest");
    await expect.poll(() => p.getByTestId("log-entry").count()).toBe(1);
    expect(await p.getByTestId("log-entry").textContent()).toMatch(/daily digest/i);
    await p.getByTestId("log-q").fill("");
    await expect.poll(() => p.getByTestId("log-entry").count()).toBe(5);
    await p.getByTestId("log-level").selectOption("WARNING");
    await settled();
    await expectNoSecrets("status");
    await screenshot(page, "hermes-status");
  });

  it("switches profile with the picker and shows that profile's sessions", async () => {
    await openPane("sessions");
    await page.getByTestId("hermes-profile").selectOption("work");
    await page.waitForURL((u) => u.searchParams.get("profile") === "work");
    await settled();
    await expect.poll(() => pane("sessions").getByTestId("session-w_1").textContent()).toContain("Standup");
    expect(await pane("sessions").getByTestId("session-s_cli_1").count()).toBe(0);
  });

  it("says not present for an empty home and for a missing one, on every pane", async () => {
    await openPane("sessions", { tenant: "empty" });
    expect(await pane("sessions").getByTestId("file-note").textContent()).toContain("state.db: not present");
    await openPane("memory", { tenant: "empty" });
    expect(await pane("memory").getByTestId("file-note").first().textContent()).toContain("not present");
    await screenshot(page, "hermes-empty-home");

    await openPane("sessions", { tenant: "missing" });
    await expect.poll(() => page.getByTestId("hermes-home-status").textContent()).toContain("not present");
    await screenshot(page, "hermes-missing-home");
    // Every pane that reads files says so plainly (security is the gateway's own posture: nothing to be missing).
    for (const id of PANES.filter((p) => p !== "security")) {
      await openPane(id, { tenant: "missing" });
      expect(await page.getByTestId("error").count(), id).toBe(0);
      expect(await pane(id).innerText(), id).toMatch(/not present/i);
    }
  });

  it("raised no page error, console error or CSP violation", () => {
    expect(problems).toEqual([]);
  });
});

describe("the panes at phone width", () => {
  it("fit a 390 px screen (wide tables scroll in their own frame)", async () => {
    const phone = await newConsoleContext(browser, s.svc.urls.admin, PHONE);
    try {
      const p = await phone.newPage();
      const watch = watchPage(p);
      await signIn(p);
      await p.goto("/tenants/default/hermes/sessions");
      await p.getByTestId("session-s_cli_1").waitFor();
      expect(await p.getByTestId("session-s_cli_1").textContent()).toContain("Refactor the parser");
      await screenshot(p, "phone-hermes-sessions");
      for (const id of PANES) {
        await p.goto(`/tenants/default/hermes/${id}`);
        await p.getByTestId(`hermes-pane-${id}`).waitFor();
        await expect.poll(() => p.getByTestId("loading").count(), { timeout: 15_000 }).toBe(0);
        const width = (await p.evaluate("document.documentElement.scrollWidth")) as number;
        expect(width, id).toBeLessThanOrEqual(PHONE.width);
      }
      expect(watch.problems).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
