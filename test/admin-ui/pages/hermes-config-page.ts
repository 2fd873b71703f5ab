/**
 * @module Page object: a tenant's Hermes screen, its configuration panes (Accounts, Model, Upstream health,
 * Proxies) and the model edit form.
 */
import type { Locator, Page } from "playwright-core";

export type ConfigPane = "accounts" | "model" | "health" | "proxies";

export class HermesConfigPage {
  constructor(readonly page: Page) {}

  /** Opens a pane by its URL and waits until it has rendered (not loading). */
  async goto(tenant: string, pane: ConfigPane) {
    await this.page.goto(`/tenants/${tenant}/hermes/${pane}`);
    await this.ready(pane);
  }

  /** Opens a pane through the side navigation. */
  async open(pane: ConfigPane) {
    await this.page.getByTestId(`hermes-nav-${pane}`).click();
    await this.ready(pane);
  }

  async ready(pane: ConfigPane) {
    const first: Record<ConfigPane, string> = {
      accounts: "hc-active-provider",
      model: "hc-chain-card",
      health: "hc-health-pre",
      proxies: "hc-proxy-pre",
    };
    await this.page.getByTestId(first[pane]).first().waitFor();
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async text(id: string): Promise<string> {
    return ((await this.byTestId(id).first().textContent()) ?? "").trim();
  }

  /** The effective chain as "provider / model" lines. */
  async chain(): Promise<string[]> {
    const items = this.page.locator("[data-testid^='hc-chain-'][data-testid$='-name']");
    return (await items.allTextContents()).map((t) => t.trim());
  }

  /** The fallback rows of the form as "provider / model". */
  async formRows(): Promise<string[]> {
    const names = this.page.locator("[data-testid^='hc-fallback-'][data-testid$='-name']");
    return (await names.allTextContents()).map((t) => t.trim());
  }

  fallbackField(index: number, field: "provider" | "model" | "base_url" | "key_env"): Locator {
    return this.page.getByTestId(`hc-fallback-${index}-${field}`);
  }

  /** The error shown at a form field: the `.field` holding the control. */
  fieldError(control: Locator): Locator {
    return control.locator("xpath=ancestor::div[contains(@class,'field')][1]").locator(".field-error");
  }

  async save() {
    await this.page.getByTestId("hc-model-save").click();
  }
}
