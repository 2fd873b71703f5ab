/**
 * @module Page object: the audit log screen (filters, rows, the detail drawer, Download JSONL).
 */
import type { Download, Page } from "playwright-core";

export class AuditLogsPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/logs${query}`);
    await this.page.getByRole("heading", { name: "Audit logs", level: 1 }).waitFor();
  }

  rows() {
    return this.page.getByTestId("logs-table").getByTestId("log-row");
  }

  async filterUser(id: string) {
    await this.page.getByTestId("logs-user").fill(id);
    await this.page.waitForURL((u) => u.searchParams.get("api_user_id") === id);
  }

  drawer() {
    return this.page.getByTestId("log-drawer");
  }

  async openRow(index: number) {
    await this.rows().nth(index).click();
    await this.drawer().getByTestId("log-prompt").waitFor();
  }

  async closeDrawer() {
    await this.page.keyboard.press("Escape");
    await this.drawer().waitFor({ state: "detached" });
  }

  async download(): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByTestId("logs-download").click(),
    ]);
    return download;
  }
}
