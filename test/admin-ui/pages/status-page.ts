/**
 * @module Page object: the status screen.
 */
import type { Page } from "playwright-core";

export class StatusPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/status");
    await this.page.getByTestId("status-audit").waitFor();
  }

  card(id: "audit" | "retention" | "instances" | "tenants") {
    return this.page.getByTestId(`status-${id}`);
  }
}
