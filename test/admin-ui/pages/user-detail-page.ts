/**
 * @module Page object: one API user's page (limits, key, month usage with chart and outcomes, last requests,
 * admin trail).
 */
import type { Page } from "playwright-core";

export class UserDetailPage {
  constructor(readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/api-users/${encodeURIComponent(id)}`);
    await this.page.getByTestId("user-title").waitFor();
  }

  async open(name: string) {
    await this.page.getByTestId("user-link").getByText(name, { exact: true }).click();
    await this.page.getByTestId("user-title").getByText(name).waitFor();
  }

  /** The chart's numbers (its data table), day → [tokens, requests]. */
  async chartNumbers(): Promise<Map<string, [number, number]>> {
    return readChartTable(this.page, "user-usage-chart-table");
  }

  outcome(kind: "ok" | "client_errors" | "rate_limited" | "quota_exceeded" | "upstream_errors") {
    return this.page.getByTestId(`outcome-${kind}`);
  }

  recentRows() {
    return this.page.getByTestId("user-recent").getByTestId("row");
  }

  trailActions() {
    return this.page.getByTestId("user-trail").getByTestId("event-action").allTextContents();
  }
}

export async function readChartTable(page: Page, testId: string): Promise<Map<string, [number, number]>> {
  const rows = await page
    .getByTestId(testId)
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute("data-day") ?? "",
        tr.querySelector('[data-col="bars"]')?.textContent ?? "0",
        tr.querySelector('[data-col="line"]')?.textContent ?? "0",
      ]),
    );
  const num = (s: string) => Number(s.replace(/,/g, ""));
  return new Map(rows.map(([day, bars, line]) => [day!, [num(bars!), num(line!)] as [number, number]]));
}
