/**
 * @module Page object: the sign-in screen.
 */
import type { Page } from "playwright-core";

export class LoginPage {
  constructor(readonly page: Page) {}

  async goto(next?: string) {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
    await this.page.getByLabel("Username").waitFor();
  }

  async fill(username: string, password: string) {
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
  }

  async submit(username: string, password: string) {
    await this.fill(username, password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  error() {
    return this.page.getByTestId("login-error");
  }

  async values() {
    return {
      username: await this.page.getByLabel("Username").inputValue(),
      password: await this.page.getByLabel("Password").inputValue(),
    };
  }
}
