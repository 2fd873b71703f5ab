/**
 * @module Entry point: load config, start the service, stop gracefully on SIGTERM/SIGINT.
 */
import { startService } from "./app/service.js";
import { ConfigError, loadConfig, runtimeEnvironment, type Config } from "./config/config.js";
import { errSummary } from "./db/database.js";
import { createLogger } from "./logging/logger.js";

function fail(message: string): never {
  process.stderr.write(`hermes-control-plane: ${message}\n`);
  process.exit(1);
}

let config: Config;
let fromEnvFile: string[];
try {
  const environment = runtimeEnvironment();
  fromEnvFile = environment.fromFile;
  config = loadConfig(environment.env);
} catch (err) {
  if (err instanceof ConfigError) fail(`invalid configuration: ${err.message}`);
  throw err;
}

const logger = createLogger(config.log);
if (fromEnvFile.length > 0) logger.info({ variables: fromEnvFile }, "config: read .env");
process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled promise rejection");
  process.exit(1);
});

const service = await startService(config, logger).catch((err: unknown) => {
  const { message, code } = errSummary(err);
  logger.fatal({ err: { message, code } }, "service: failed to start");
  logger.flush();
  fail(`failed to start: ${message}${code ? ` (${code})` : ""}`);
});

let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (signalled) {
      logger.warn({ signal }, "service: second signal, exiting now");
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, "service: signal received");
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "service: shutdown failed");
        process.exit(1);
      },
    );
  });
}
