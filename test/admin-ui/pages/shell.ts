/**
 * @module Page object: the signed-in frame (navigation, who is signed in, sign out, privacy notice). On a phone
 * the navigation sits behind the menu button.
 */
import type { Page } from "playwright-core";

export type Screen = "api-users" | "tenants" | "usage" | "logs" | "activity" | "status";

export class Shell {
  constructor(readonly page: Page) {}

  async navigate(screen: Screen) {
    const toggle = this.page.getByRole("button", { name: "Menu" });
    if (await toggle.isVisible()) await toggle.click();
    await this.page.getByTestId(`nav-${screen}`).click();
    await this.page.waitForURL((u) => u.pathname === `/${screen}`);
  }

  whoami() {
    return this.page.getByTestId("whoami");
  }

  privacyNotice() {
    return this.page.getByTestId("privacy-notice");
  }

  async signOut() {
    const toggle = this.page.getByRole("button", { name: "Menu" });
    if (await toggle.isVisible()) await toggle.click();
    await this.page.getByTestId("sign-out").click();
    await this.page.waitForURL((u) => u.pathname === "/login");
  }
}
