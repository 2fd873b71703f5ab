/**
 * @module Page object: the usage screen (range, tenant, totals, chart numbers, CSV export).
 */
import type { Download, Page } from "playwright-core";
import { readChartTable } from "./user-detail-page.js";

export class UsagePage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/usage${query}`);
    await this.page.getByTestId("usage-totals").waitFor();
  }

  async total(id: "requests" | "errors" | "prompt" | "completion" | "tokens"): Promise<number> {
    const text = await this.page.getByTestId(`total-${id}`).locator(".stat-value").textContent();
    return Number((text ?? "").replace(/,/g, ""));
  }

  chartNumbers() {
    return readChartTable(this.page, "usage-chart-table");
  }

  async exportCsv(): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByTestId("usage-csv").click(),
    ]);
    return download;
  }
}
