/**
 * @module `npm run migrate`: applies migrations and exits. The service also migrates on start; this is for
 * operators who want to migrate before rolling out, and for tests of concurrent migration.
 */
import { ConfigError, loadConfig } from "../config/config.js";
import { errSummary, withDatabase } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import { createLogger } from "../logging/logger.js";

try {
  const config = loadConfig();
  const logger = createLogger(config.log);
  await withDatabase({ url: config.database.url, dataDir: config.dataDir, logger }, async (database) => {
    const { applied } = await migrateToLatest(database.db);
    logger.info({ applied }, applied.length > 0 ? "migrations applied" : "database already up to date");
  });
} catch (err) {
  const message =
    err instanceof ConfigError
      ? `invalid configuration: ${err.message}`
      : `migration failed: ${errSummary(err).message}`;
  process.stderr.write(`hermes-control-plane: ${message}\n`);
  process.exitCode = 1;
}
