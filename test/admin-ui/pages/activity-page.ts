/**
 * @module Page object: the admin activity screen (the action trail and its filters).
 */
import type { Page } from "playwright-core";

export class ActivityPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/activity${query}`);
    await this.page.getByTestId("events-table").waitFor();
  }

  actions() {
    return this.page.getByTestId("events-table").getByTestId("event-action").allTextContents();
  }

  rows() {
    return this.page.getByTestId("events-table").getByTestId("event-row");
  }
}
