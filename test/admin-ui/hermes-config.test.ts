/**
 * @module The Hermes configuration panes of a tenant in Chromium against the real service: a fixture Hermes home
 * (with the Codex, Claude and Gemini CLI homes next to it) is the default tenant's, a fake `hermes` executable runs
 * as the supervised pre-gateway proxy, and the post gateway points at a fake upstream. Each pane shows a real value
 * from those files or processes; the model form reorders a fallback with the keyboard and saves it (the new chain
 * shows, config.yaml changed); a change on disk between load and save gives the explained 409 and a reload; a bad
 * URL is shown at its field; both saves are in the action trail; no planted secret reaches the page; and the
 * screen fits a phone.
 */
import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD } from "../admin/admin-client.js";
import { copyFakeHermes } from "../fixtures/fake-hermes/fake-hermes.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import {
  newConsoleContext,
  PHONE,
  screenshot,
  startConsoleTarget,
  watchPage,
  type ConsoleTarget,
} from "./browser.js";
import { ActivityPage } from "./pages/activity-page.js";
import { HermesConfigPage, type ConfigPane } from "./pages/hermes-config-page.js";
import { LoginPage } from "./pages/login-page.js";
import { StatusPage } from "./pages/status-page.js";

const SLOW = { timeout: 20_000, interval: 200 };

let fx: FixtureRoot;
let fake: ReturnType<typeof copyFakeHermes>;
let target: ConsoleTarget;
let context: BrowserContext;
let page: Page;
const configPath = () => path.join(fx.home, "config.yaml");

beforeAll(async () => {
  fx = copyFixtureRoot(["complete"]);
  fake = copyFakeHermes();
  target = await startConsoleTarget((upstreamUrl) => ({
    ...fx.env,
    HERMES_BIN: fake.bin,
    HERMES_PRE_AI_PROVIDER: "nous",
    HERMES_POST_UPSTREAM_URL: upstreamUrl,
  }));
  context = await newConsoleContext(target.browser, target.svc.urls.admin);
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await target?.close();
  fake?.cleanup();
  fx?.cleanup();
});

/** A full-page picture from the top (sticky parts are drawn where they are at the current scroll). */
async function shot(p: Page, name: string) {
  await p.evaluate("window.scrollTo(0, 0)");
  await screenshot(p, name);
}

async function signIn(p: Page, next: string) {
  const login = new LoginPage(p);
  await login.goto(next);
  await login.submit("admin", ADMIN_PASSWORD);
  await p.waitForURL((u) => u.pathname === next);
}

/** Neither the HTML nor the visible text of the page gives a planted secret away. */
async function expectPageClean(p: Page, where: string) {
  expectNoPlantedSecrets(await p.content(), `${where} (HTML)`);
  expectNoPlantedSecrets(await p.locator("body").innerText(), `${where} (text)`);
}

describe("a tenant's Hermes configuration panes at 1280×800", () => {
  it("show accounts, model, health and proxies; edit the model; explain a conflicting edit", async () => {
    const watch = watchPage(page);
    const hermes = new HermesConfigPage(page);
    await signIn(page, "/tenants/default/hermes/accounts");

    // Accounts: the pools of auth.json with status, error, reset time and masked secrets; the CLI identities.
    await hermes.ready("accounts");
    expect(await hermes.text("hc-active-provider")).toBe("nous");
    expect(await hermes.text("hc-entry-openrouter-0-status")).toBe("ok");
    expect(await hermes.text("hc-entry-openrouter-1-status")).toBe("exhausted");
    expect(await hermes.text("hc-entry-openrouter-1-error")).toMatch(
      /^429 rate_limited\s*Rate limit exceeded/,
    );
    // 4102444800 s = 2100-01-01T00:00:00Z, shown in the browser's zone (Berlin, +01:00) and relative.
    expect(await hermes.text("hc-entry-openrouter-1-reset")).toMatch(
      /^in [\d,]+ days\s*2100-01-01 01:00:00 \+01:00$/,
    );
    expect(await hermes.text("hc-entry-openrouter-1-secret")).toMatch(/^sha256:0123456789abcdef/);
    expect(await hermes.text("hc-entry-anthropic-1-status")).toBe("dead");
    await page.getByTestId("hc-identity-codex-email").waitFor();
    expect(await hermes.text("hc-identity-codex-email")).toBe("coder@example.com");
    expect(await hermes.text("hc-identity-gemini-expiry")).toBe("expired");
    await expectPageClean(page, "accounts pane");
    await shot(page, "hermes-accounts");

    // Model: the primary and the effective chain (fallback_model duplicates the first entry: dropped).
    await hermes.open("model");
    expect(await hermes.text("hc-primary-model")).toBe("anthropic/claude-sonnet-4");
    const before = ["nous / Hermes-4-405B", "custom:local-vllm / qwen3-32b", "xai / grok-4"];
    expect(await hermes.chain()).toEqual(before);
    expect(await hermes.formRows()).toEqual(before);
    await expectPageClean(page, "model pane");
    await shot(page, "hermes-model");

    // Reorder with the keyboard: focus stays on the moved entry, so Enter twice brings xai to the top.
    await page.getByTestId("hc-fallback-2-up").focus();
    await page.keyboard.press("Enter");
    expect(await hermes.formRows()).toEqual([before[0], before[2], before[1]]);
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe(
      "hc-fallback-1-up",
    );
    await page.keyboard.press("Enter");
    const reordered = [before[2], before[0], before[1]];
    expect(await hermes.formRows()).toEqual(reordered);
    await hermes.save();
    await page.getByTestId("hc-model-saved").waitFor();
    await expect.poll(() => hermes.chain()).toEqual(reordered);
    const saved = parse(fs.readFileSync(configPath(), "utf8")) as {
      fallback_providers: { provider: string }[];
    };
    expect(saved.fallback_providers.map((f) => f.provider)).toEqual(["xai", "nous", "custom:local-vllm"]);

    // A bad base URL is refused (400) and shown at its field; nothing is written.
    const onDisk = fs.readFileSync(configPath(), "utf8");
    await hermes.fallbackField(0, "base_url").fill("ftp://files.example.com/v1");
    await hermes.save();
    await expect
      .poll(() => hermes.fieldError(hermes.fallbackField(0, "base_url")).textContent())
      .toMatch(/must be an http\(s\) URL/);
    expect(fs.readFileSync(configPath(), "utf8")).toBe(onDisk);
    await page.getByTestId("hc-model-discard").click();

    // Someone edits config.yaml on the host between load and save: the save is refused and explained.
    await page.getByTestId("hc-fallback-1-up").click();
    expect(await hermes.formRows()).toEqual([before[0], before[2], before[1]]);
    const hostEdit = `${onDisk}# edited on the host while the form was open\n`;
    fs.writeFileSync(configPath(), hostEdit);
    await hermes.save();
    const conflict = page.getByTestId("hc-model-conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/changed by someone else .* nothing was written\. Reload/);
    expect(fs.readFileSync(configPath(), "utf8")).toBe(hostEdit);
    expect(await page.getByTestId("hc-model-save").isDisabled()).toBe(true);
    await shot(page, "hermes-model-conflict");

    // Reload: the explanation goes, the form is rebuilt from the file as it is now (the unsaved move is gone), and
    // a save with the fresh etag goes through and keeps the host's edit.
    await page.getByTestId("hc-model-reload").click();
    await conflict.waitFor({ state: "detached" });
    expect(await hermes.formRows()).toEqual(reordered);
    expect(await hermes.chain()).toEqual(reordered);
    await page.getByTestId("hc-model-default").fill("nous/hermes-4-70b");
    await hermes.save();
    await page.getByTestId("hc-model-saved").waitFor();
    await expect.poll(() => hermes.text("hc-primary-model")).toBe("nous/hermes-4-70b");
    const final = fs.readFileSync(configPath(), "utf8");
    expect(final).toContain("# edited on the host while the form was open\n");
    expect(final).toContain("default: nous/hermes-4-70b   # primary");

    // Upstream health: the supervised proxy (pre) and the fake upstream (post), probed on demand.
    await hermes.open("health");
    await page.getByTestId("hc-probe-now").click();
    await expect.poll(() => hermes.text("hc-health-pre-state"), SLOW).toBe("up");
    await expect.poll(() => hermes.text("hc-health-post-state"), SLOW).toBe("up");
    expect(await hermes.text("hc-health-post-url")).toBe(`${target.upstream.url}`);
    const proxyUrl = await hermes.text("hc-health-pre-url");
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(await hermes.text("hc-health-pre-latency")).toMatch(/^\d[\d,]* ms$/);
    expect(await page.getByTestId("hc-health-pre-chart").locator("rect.hc-bar-up").count()).toBeGreaterThan(
      0,
    );
    await expectPageClean(page, "health pane");
    await shot(page, "hermes-health");

    // Proxies: the fake hermes child, running, with its redacted output.
    await hermes.open("proxies");
    await expect.poll(() => hermes.text("hc-proxy-pre-state"), SLOW).toBe("running");
    expect(await hermes.text("hc-proxy-pre-pid")).toMatch(/^\d+$/);
    expect(await hermes.text("hc-proxy-pre-url")).toBe(proxyUrl);
    await expect
      .poll(() => hermes.text("hc-proxy-pre-output"), SLOW)
      .toContain("auth: refreshed access_token=[redacted]");
    await expectPageClean(page, "proxies pane");
    await shot(page, "hermes-proxies");

    // The Status page shows the same proxy state.
    const status = new StatusPage(page);
    await status.goto();
    await expect.poll(() => hermes.text("status-proxy-pre-state"), SLOW).toBe("running");

    // Both saves are in the action trail (the refused ones are not).
    const activity = new ActivityPage(page);
    await activity.goto("?action=hermes.model.update");
    expect(await activity.actions()).toEqual(["hermes.model.update", "hermes.model.update"]);

    // The only console errors were the provoked 400 and 409 (watchPage already lets 409 through).
    expect(watch.problems.filter((p) => !/status of 400\b/.test(p))).toEqual([]);
  });
});

describe("the same panes at 390×844", () => {
  it("fit the phone's width", async () => {
    const phone = await newConsoleContext(target.browser, target.svc.urls.admin, PHONE);
    try {
      const p = await phone.newPage();
      const watch = watchPage(p);
      const hermes = new HermesConfigPage(p);
      await signIn(p, "/tenants/default/hermes/accounts");
      for (const pane of ["accounts", "model", "health", "proxies"] satisfies ConfigPane[]) {
        await hermes.goto("default", pane);
        const width = (await p.evaluate("document.documentElement.scrollWidth")) as number;
        expect(width, pane).toBeLessThanOrEqual(PHONE.width);
        if (pane === "accounts") await shot(p, "phone-hermes-accounts");
        if (pane === "model") await shot(p, "phone-hermes-model");
      }
      await expectPageClean(p, "phone panes");
      expect(watch.problems).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
