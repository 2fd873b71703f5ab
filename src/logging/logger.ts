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

/** Log lines are written out once this many bytes are buffered, */
const LOG_BUFFER_BYTES = 3072;
/**
 * in writes of whole lines of at most PIPE_BUF bytes: worker processes share one stdout pipe, and the kernel keeps a
 * write of up to PIPE_BUF bytes to a pipe in one piece, so their lines never interleave.
 */
const LOG_WRITE_MAX_BYTES = 4096;
/** or at least this often. */
const LOG_FLUSH_MS = 200;

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
  // Buffered asynchronous stdout. A synchronous write per request line cost ~10% of gateway CPU under load, and
  // even an asynchronous write per line costs a system call and a thread-pool wake-up (~25 µs here); lines now
  // leave in one write per 3–4 KiB, or every LOG_FLUSH_MS when traffic is light. pino flushes this destination
  // synchronously on process exit, so shutdown and fatal lines are not lost; a kill -9 loses at most the lines of
  // the last LOG_FLUSH_MS (the audit log, not the log, is the durable record of requests).
  const stdout = pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    maxWrite: LOG_WRITE_MAX_BYTES,
  });
  setInterval(() => {
    try {
      stdout.flush();
    } catch {
      // destroyed at exit: nothing left to flush
    }
  }, LOG_FLUSH_MS).unref();
  return pino(base, stdout);
}
