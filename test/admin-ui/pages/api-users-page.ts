/**
 * @module Page object: the API users screen (table, search, filters, create dialog, row actions and their
 * confirmations).
 */
import type { Page } from "playwright-core";
import { KeyPanel } from "./key-panel.js";

export type NewUser = {
  name: string;
  tenant: string;
  gateways?: ("pre" | "post")[];
  rpm?: number | null;
  cap?: number | null;
};

export class ApiUsersPage {
  readonly keyPanel: KeyPanel;
  constructor(readonly page: Page) {
    this.keyPanel = new KeyPanel(page);
  }

  async goto(query = "") {
    await this.page.goto(`/api-users${query}`);
    await this.ready();
  }

  async ready() {
    await this.page.getByRole("heading", { name: "API users", level: 1 }).waitFor();
    await this.page.getByTestId("loading").waitFor({ state: "detached" });
  }

  rows() {
    return this.page.getByTestId("users-table").getByTestId("row");
  }

  row(name: string) {
    return this.rows().filter({ has: this.page.getByTestId("user-link").getByText(name, { exact: true }) });
  }

  async badges(name: string): Promise<string[]> {
    // One set of badges is shown per layout (a column on a desktop, under the name on a phone).
    return this.row(name).locator(`[data-testid="status-badges"]:visible .badge`).allTextContents();
  }

  async search(q: string) {
    await this.page.getByTestId("users-search").fill(q);
    await this.page.waitForURL((u) => (u.searchParams.get("q") ?? "") === q);
  }

  async filterStatus(status: string) {
    await this.page.getByTestId("users-status").selectOption(status);
  }

  /** Fills and submits the create dialog; the show-once panel is open afterwards. */
  async create(user: NewUser) {
    await this.page.getByTestId("create-user").click();
    const form = this.page.getByTestId("user-form");
    await form.getByTestId("user-name").fill(user.name);
    await form.getByTestId("user-tenant").selectOption(user.tenant);
    const gateways = user.gateways ?? ["pre", "post"];
    for (const g of ["pre", "post"] as const)
      await form.getByTestId(`user-gateway-${g}`).setChecked(gateways.includes(g));
    await this.setLimit("user-rpm", user.rpm === undefined ? 60 : user.rpm);
    await this.setLimit("user-cap", user.cap === undefined ? 1_000_000 : user.cap);
    await form.getByTestId("user-form-submit").click();
    await this.keyPanel.root().waitFor();
  }

  async setLimit(testId: string, value: number | null) {
    const form = this.page.getByTestId("user-form");
    await form.getByTestId(`${testId}-unlimited`).setChecked(value === null);
    if (value !== null) await form.getByTestId(testId).fill(String(value));
  }

  async action(name: string, action: "edit" | "rotate" | "revoke" | "delete") {
    await this.row(name).getByTestId("row-actions").click();
    await this.page.getByTestId(`action-${action}`).click();
  }

  confirmDialog() {
    return this.page.getByTestId("confirm-dialog");
  }

  async confirm(typed?: string) {
    const dialog = this.confirmDialog();
    if (typed !== undefined) await dialog.getByTestId("confirm-input").fill(typed);
    await dialog.getByTestId("confirm-button").click();
  }
}
