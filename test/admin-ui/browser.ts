/**
 * @module Browser tests' harness: Debian's Chromium through playwright-core, contexts at desktop (1280×800) or
 * phone (390×844) size in a fixed time zone, a watch on console errors and CSP violations, and screenshots into
 * test-results/screenshots/ (git-ignored).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ADMIN_ENV } from "../admin/admin-client.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { startTestService, type TestService } from "../harness/test-service.js";

/** Debian's Chromium, never a downloaded one (`apt-get install chromium`; .ci/run does it). */
export const CHROMIUM = "/usr/bin/chromium";
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/** Winter in Berlin is UTC+01:00: the console must show local times with that offset. */
export const TIME_ZONE = "Europe/Berlin";
export const SCREENSHOTS = path.resolve("test-results/screenshots");

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
}

export async function newConsoleContext(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    timezoneId: TIME_ZONE,
    locale: "en-US",
    acceptDownloads: true,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  return context;
}

/** Page errors, console errors other than the expected 401/409/429 answers, and CSP violations. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (/status of (401|404|409|429)\b/.test(text)) return;
    problems.push(`console: ${text}`);
  });
  return { problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Transitions (the phone menu sliding in) are finished at once, so the picture shows where things end up.
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}

export type ConsoleTarget = {
  svc: TestService;
  upstream: FakeUpstream;
  browser: Browser;
  close(): Promise<void>;
};

/** The real service (known admin password) on a fresh PostgreSQL database, a fake upstream, and Chromium. */
export async function startConsoleTarget(
  env: (upstreamUrl: string) => Record<string, string> = () => ({}),
): Promise<ConsoleTarget> {
  const upstream = await startFakeUpstream();
  const svc = await startTestService({ env: { ...ADMIN_ENV, ...env(upstream.url) } });
  const browser = await launchBrowser();
  return {
    svc,
    upstream,
    browser,
    async close() {
      await browser.close();
      await svc.close();
      await upstream.close();
    },
  };
}
