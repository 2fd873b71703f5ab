/**
 * @module Page object: the show-once key panel after create or rotate.
 */
import type { Page } from "playwright-core";

export class KeyPanel {
  constructor(readonly page: Page) {}

  root() {
    return this.page.getByTestId("key-panel");
  }

  async maskedText() {
    return (await this.page.getByTestId("key-value").textContent()) ?? "";
  }

  /** Copies with the panel's button and reads the clipboard back, as an admin pasting it would. */
  async copyKey(): Promise<string> {
    await this.page.evaluate(`navigator.clipboard.writeText("")`);
    await this.page.getByTestId("key-copy").click();
    await this.page.getByTestId("key-copy").getByText("Copied").waitFor();
    return (await this.page.evaluate(`navigator.clipboard.readText()`)) as string;
  }

  async reveal(): Promise<string> {
    await this.page.getByTestId("key-reveal").click();
    return (await this.page.getByTestId("key-value").textContent()) ?? "";
  }

  /** Done, then the confirmation: only then does the panel go (and the list refresh). */
  async close() {
    await this.page.getByTestId("key-done").click();
    await this.page.getByTestId("key-close-confirm").waitFor();
    await this.page.getByTestId("key-close-confirmed").click();
    await this.root().waitFor({ state: "detached" });
  }
}
