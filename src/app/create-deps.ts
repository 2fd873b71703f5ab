/**
 * @module Builds every long-lived dependency once at start (database, services, background workers) and passes
 * them explicitly to the app factories.
 */
import { startAdminAuth, type AdminAuth } from "../admin-auth/admin-auth.service.js";
import { createAuditWriter, type AuditWriter } from "../audit/audit-writer.js";
import type { Config } from "../config/config.js";
import { openDatabase, type Database } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import { createReadinessCheck } from "../db/readiness.js";
import { createGatewayServices, type GatewayServices } from "../gateway/gateway-services.js";
import { createHermesProxies, type HermesProxies } from "../hermes/hermes-proxies.js";
import { UpstreamHealthService } from "../hermes/upstream-health.js";
import type { ReadinessCheck } from "../http/create-app.js";
import type { Logger } from "../logging/logger.js";
import { ensureDefaultTenant } from "../tenants/default-tenant.js";
import { Lifecycle } from "./lifecycle.js";

export interface Deps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly readiness: ReadinessCheck;
  readonly lifecycle: Lifecycle;
  readonly startedAt: Date;
  /** The audit log writer: record() for the gateway, stats() for the admin status page. */
  readonly audit: AuditWriter;
  /** Admin login, sessions and the brute-force limiter (src/admin-auth). */
  readonly adminAuth: AdminAuth;
  /** Key verifier, rate limiter, usage meter and upstream client shared by both gateways (src/gateway). */
  readonly gateway: GatewayServices;
  /** The `hermes proxy` children run for the default tenant (HERMES_PRE/POST_AI_PROVIDER), if any. */
  readonly hermesProxies: HermesProxies;
  /** Upstream health probes, on demand and in the background (src/hermes/upstream-health). */
  readonly hermesHealth: UpstreamHealthService;
}

export async function createDeps(config: Config, logger: Logger): Promise<Deps> {
  const lifecycle = new Lifecycle(logger);
  const database = await openDatabase({
    url: config.database.url,
    poolMax: config.database.poolMax,
    dataDir: config.dataDir,
    logger,
  });
  lifecycle.onClose("database", () => database.close());
  let adminAuth: AdminAuth;
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ applied }, "database: migrations applied");
    const tenant = await ensureDefaultTenant(database.db, config.defaultTenant);
    if (tenant.created) logger.info("tenants: created the default tenant");
    if (tenant.updated.length > 0)
      logger.info(
        { fields: tenant.updated },
        "tenants: default tenant upstreams updated from the environment",
      );
    const startedAuth = await startAdminAuth(database.db, config, logger);
    lifecycle.onClose("admin session purge", startedAuth.stop);
    adminAuth = startedAuth;
  } catch (err) {
    await lifecycle.close();
    throw err;
  }
  // Drained after the listeners stop (nothing records any more) and before the database closes.
  const audit = await createAuditWriter({
    db: database.db,
    copyFrom: database.copyFrom,
    config,
    logger,
  }).catch(async (err: unknown) => {
    await lifecycle.close();
    throw err;
  });
  lifecycle.onDrain("audit", () => audit.drain(Math.max(config.shutdownGraceMs, 1_000)));
  const hermesProxies = createHermesProxies(config.hermes, logger);
  for (const g of ["pre", "post"] as const) {
    const url = g === "pre" ? config.defaultTenant.preUpstreamUrl : config.defaultTenant.postUpstreamUrl;
    if (config.hermes.proxyProviders[g] && url) {
      logger.warn(
        `hermes proxy (${g}): HERMES_${g.toUpperCase()}_AI_PROVIDER is set, so the default tenant's ${g} gateway uses the supervised Hermes proxy, not HERMES_${g.toUpperCase()}_UPSTREAM_URL`,
      );
    }
  }
  // Started before the gateways exist, stopped after they stop (close hooks run last, in reverse order).
  await hermesProxies.start();
  lifecycle.onClose("hermes proxies", () => hermesProxies.stop());
  const gateway = await createGatewayServices(config, logger, database, lifecycle).catch(
    async (err: unknown) => {
      await lifecycle.close();
      throw err;
    },
  );
  const hermesHealth = new UpstreamHealthService({
    db: database.db,
    logger,
    secretKey: config.secrets.secretKey,
    upstreamOverride: hermesProxies.upstreamOverride,
  });
  hermesHealth.start(config.hermes.healthIntervalSeconds);
  lifecycle.onDrain("hermes health probes", () => hermesHealth.stop());

  return {
    config,
    logger,
    database,
    readiness: createReadinessCheck(database),
    lifecycle,
    startedAt: new Date(),
    audit,
    adminAuth,
    gateway,
    hermesProxies,
    hermesHealth,
  };
}
