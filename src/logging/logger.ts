/**
 * @module The pino logger, with every secret-bearing path redacted in one place.
 */
import pino from "pino";

export type Logger = pino.Logger;

/** Paths pino censors wherever they appear in a log object. Keep in sync with what handlers might log. */
export const REDACT_PATHS = [
  "authorization",
  "cookie",
  "password",
  "token",
  "apiKey",
  "api_key",
  "key",
  "upstream_api_key",
  "*.authorization",
  "*.Authorization",
  "*.cookie",
  "*.Cookie",
  "*.set-cookie",
  "*.password",
  "*.token",
  "*.apiKey",
  "*.api_key",
  "*.upstream_api_key",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
];

export type LoggerOptions = { level: string; format: "json" | "pretty" };

/** `destination` lets tests capture output; production writes JSON lines to stdout. */
export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { service: "hermes-control-plane" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(base, destination);
  if (options.format === "pretty") {
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true } } });
  }
  // Asynchronous stdout: a synchronous write per request line cost ~10% of gateway CPU under load. pino flushes
  // this destination synchronously on process exit, so shutdown and fatal lines are not lost.
  return pino(base, pino.destination({ dest: 1, sync: false }));
}
