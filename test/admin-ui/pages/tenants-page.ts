/**
 * @module Page objects: the tenants list (create, row actions) and one tenant's page (tabs, credential).
 */
import type { Page } from "playwright-core";

export type NewTenant = { id: string; name: string; pre?: string; post?: string; credential?: string };

export class TenantsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/tenants");
    await this.page.getByTestId("tenants-table").waitFor();
  }

  row(id: string) {
    return this.page.getByTestId("tenants-table").getByTestId("row").filter({ hasText: id });
  }

  /** Creates a tenant through the dialog; the console then shows its page. */
  async create(t: NewTenant) {
    await this.page.getByTestId("create-tenant").click();
    const form = this.page.getByTestId("tenant-form");
    await form.getByTestId("tenant-id").fill(t.id);
    await form.getByTestId("tenant-name").fill(t.name);
    if (t.pre) await form.getByTestId("tenant-pre").fill(t.pre);
    if (t.post) await form.getByTestId("tenant-post").fill(t.post);
    if (t.credential) await form.getByTestId("tenant-credential").fill(t.credential);
    await form.getByTestId("tenant-form-submit").click();
    await this.page.waitForURL((u) => u.pathname === `/tenants/${t.id}`);
  }

  async delete(id: string, typed = id) {
    await this.row(id).getByTestId("tenant-actions").click();
    await this.page.getByTestId("tenant-delete").click();
    const dialog = this.page.getByTestId("confirm-dialog");
    await dialog.getByTestId("confirm-input").fill(typed);
    await dialog.getByTestId("confirm-button").click();
  }
}

export class TenantPage {
  constructor(readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/tenants/${encodeURIComponent(id)}`);
    await this.page.getByTestId("tenant-title").waitFor();
  }

  credentialBadge() {
    return this.page.getByTestId("tenant-credential").getByTestId("credential-badge");
  }

  async setCredential(value: string) {
    await this.page.getByTestId("credential-set").click();
    await this.page.getByTestId("credential-input").fill(value);
    await this.page.getByTestId("credential-save").click();
    await this.page.getByTestId("credential-form").waitFor({ state: "detached" });
  }

  async tab(id: string) {
    await this.page.getByTestId(`tab-${id}`).click();
  }
}
