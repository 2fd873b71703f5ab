/**
 * @module Entry point: load config, then either run the service in this process, or (HERMES_WORKERS > 1) be the
 * cluster primary that runs one worker per core, each a full service; stop gracefully on SIGTERM/SIGINT.
 */
import cluster from "node:cluster";
import { runPrimary } from "./app/cluster-primary.js";
import { startWorker } from "./app/cluster-worker.js";
import { startService } from "./app/service.js";
import { planWorkers } from "./app/workers.js";
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

function failedToStart(err: unknown): never {
  const { message, code } = errSummary(err);
  logger.fatal({ err: { message, code } }, "service: failed to start");
  logger.flush();
  fail(`failed to start: ${message}${code ? ` (${code})` : ""}`);
}

const plan = planWorkers(config);
if (cluster.isPrimary && plan.reason) logger.info({ workers: plan.count }, `workers: ${plan.reason}`);
if (cluster.isPrimary && plan.count > 1) {
  await runPrimary(config, logger, plan.count).catch(failedToStart);
} else {
  await serve();
}

async function serve(): Promise<void> {
  const service = await (cluster.isWorker ? startWorker(config, logger) : startService(config, logger)).catch(
    failedToStart,
  );
  let signalled = false;
  // A worker stops on the primary's SIGTERM; the SIGINT a terminal sends the whole process group reaches the primary
  // too, which passes it on as SIGTERM, so a worker ignores SIGINT rather than count it as a second signal.
  if (cluster.isWorker) process.on("SIGINT", () => undefined);
  for (const signal of cluster.isWorker ? (["SIGTERM"] as const) : (["SIGTERM", "SIGINT"] as const)) {
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
}
