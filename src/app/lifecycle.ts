/**
 * @module Ordered shutdown hooks: what later parts queue (audit records, usage settlements) is flushed here,
 * after the listeners stop and before the database closes.
 */
import type { Logger } from "../logging/logger.js";

type Hook = { name: string; run: () => Promise<void> };

export class Lifecycle {
  private readonly drainHooks: Hook[] = [];
  private readonly closeHooks: Hook[] = [];

  constructor(private readonly logger: Logger) {}

  /** Runs once the listeners have stopped: flush queues while the database is still open. */
  onDrain(name: string, run: () => Promise<void>): void {
    this.drainHooks.push({ name, run });
  }

  /** Runs last, in reverse registration order: close connections and handles. */
  onClose(name: string, run: () => Promise<void>): void {
    this.closeHooks.push({ name, run });
  }

  async drain(): Promise<void> {
    await this.runAll(this.drainHooks);
  }

  async close(): Promise<void> {
    await this.runAll([...this.closeHooks].reverse());
  }

  private async runAll(hooks: Hook[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook.run();
      } catch (err) {
        this.logger.error({ err, hook: hook.name }, "shutdown: hook failed");
      }
    }
  }
}
