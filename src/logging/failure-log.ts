/**
 * @module Logging for work that retries while something it needs is down (the usage settler, heartbeats, the audit
 * writer, the LISTEN connection): one warning when a run of failures starts and one line when it ends, carrying how
 * many attempts failed and for how long, instead of a line per attempt.
 */
import type { Logger } from "./logger.js";

export class FailureLog {
  private failures = 0;
  private since = 0;

  /** `what`: the work, as the start of a log message (`usage: settlement`); `level`: of the line that a run starts. */
  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly level: "warn" | "error" = "warn",
  ) {}

  /** Whether the last attempt failed. */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Consecutive failed attempts so far (0 while it works). */
  get count(): number {
    return this.failures;
  }

  /** Notes a failed attempt; only the first of a run is logged. `fields` must carry no secret (use errSummary). */
  failed(fields: Record<string, unknown>): void {
    if (this.failures++ > 0) return;
    this.since = Date.now();
    this.logger[this.level](fields, `${this.what} failing; retrying (logged again when it recovers)`);
  }

  /** Notes a successful attempt; ends a run of failures with one line saying how long it lasted. */
  succeeded(fields: Record<string, unknown> = {}): void {
    if (this.failures === 0) return;
    this.logger.info(
      { ...fields, failures: this.failures, failingMs: Date.now() - this.since },
      `${this.what} recovered`,
    );
    this.failures = 0;
  }
}
