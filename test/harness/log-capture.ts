/**
 * Captures a service's pino output in memory so tests can read log lines and search them for leaked secrets.
 */
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logging/logger.js";

export type CapturedLogs = {
  logger: Logger;
  /** Every line written so far, raw. */
  text(): string;
  lines(): Record<string, unknown>[];
};

export function captureLogs(level = "debug"): CapturedLogs {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ level, format: "json" }, sink);
  return {
    logger,
    text: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
