/**
 * @module Builds every long-lived dependency once at start (database, services, background workers) and passes
 * them explicitly to the app factories.
 */
import { startAdminAuth, type AdminAuth } from "../admin-auth/admin-auth.service.js";
import { ensureAdminCredentials } from "../admin-auth/admin-credentials.js";
import { createAuditWriter, type AuditWriter } from "../audit/audit-writer.js";
import type { Config } from "../config/config.js";
import { openDatabase, type Database } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import { createReadinessCheck } from "../db/readiness.js";
import { createGatewayServices, type GatewayServices } from "../gateway/gateway-services.js";
import {
  createHermesProxies,
  warnOverriddenUpstreams,
  type HermesProxies,
} from "../hermes/hermes-proxies.js";
import { UpstreamHealthService } from "../hermes/upstream-health.js";
import type { ReadinessCheck } from "../http/create-app.js";
import type { Logger } from "../logging/logger.js";
import { CLUSTER_METRICS_KIND } from "../observability/cluster-metrics.js";
import { createObservability, type Observability } from "../observability/observability.js";
import { ensureDefaultTenant } from "../tenants/default-tenant.js";
import { mirrorProxiesInWorker } from "./cluster-hermes-proxies.js";
import { askPrimary, type WorkerIdentity, type WorkerSummary } from "./cluster-ipc.js";
import { Lifecycle } from "./lifecycle.js";
import { spoolDirOf, strandedSpoolDirs } from "./workers.js";

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
  /** This process as a cluster worker, or null when it is the only process. */
  readonly worker: WorkerIdentity | null;
  /** Every worker process of this host (the admin status lists them); this process alone when it is the only one. */
  workers(): Promise<WorkerSummary[]>;
  /**
   * The `hermes proxy` children run for the default tenant (HERMES_PRE/POST_AI_PROVIDER), if any: this process's
   * own, or in a cluster worker the primary's, seen through IPC.
   */
  readonly hermesProxies: HermesProxies;
  /** Upstream health probes, on demand and in the background (src/hermes/upstream-health). */
  readonly hermesHealth: UpstreamHealthService;
  /** Prometheus metrics and OpenTelemetry traces (src/observability). */
  readonly observability: Observability;
}

export type ProcessRole = {
  /** Set in a cluster worker: the primary ran the migrations and stored the admin credentials already. */
  worker: WorkerIdentity | null;
  /** A worker asks the primary for the list of workers. */
  listWorkers?: () => Promise<WorkerSummary[]>;
};

/**
 * What runs once per start, before any listener: migrations, the default tenant, the admin credentials. A single
 * process runs it in createDeps; the cluster primary runs it before it starts its workers.
 */
export async function bootstrapDatabase(database: Database, config: Config, logger: Logger): Promise<void> {
  const { applied } = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ applied }, "database: migrations applied");
  const tenant = await ensureDefaultTenant(database.db, config.defaultTenant);
  if (tenant.created) logger.info("tenants: created the default tenant");
  if (tenant.updated.length > 0)
    logger.info({ fields: tenant.updated }, "tenants: default tenant upstreams updated from the environment");
  await ensureAdminCredentials(database.db, config.admin, logger);
}

export async function createDeps(
  config: Config,
  logger: Logger,
  role: ProcessRole = { worker: null },
): Promise<Deps> {
  const worker = role.worker;
  const lifecycle = new Lifecycle(logger);
  const startedAt = new Date();
  const database = await openDatabase({
    url: config.database.url,
    poolMax: config.database.poolMax,
    dataDir: config.dataDir,
    logger,
  });
  lifecycle.onClose("database", () => database.close());
  let adminAuth: AdminAuth;
  try {
    if (!worker) await bootstrapDatabase(database, config, logger);
    // Credentials were stored by bootstrapDatabase (here, or in the cluster primary).
    const startedAuth = await startAdminAuth(database.db, config, logger, {
      credentialsStored: true,
      clusterWorker: worker !== null,
    });
    lifecycle.onClose("admin session purge", startedAuth.stop);
    adminAuth = startedAuth;
  } catch (err) {
    await lifecycle.close();
    throw err;
  }
  // Drained after the listeners stop (nothing records any more) and before the database closes.
  const index = worker?.index ?? 0;
  const audit = await createAuditWriter({
    db: database.db,
    copyFrom: database.copyFrom,
    config,
    logger,
    spoolDir: spoolDirOf(config.dataDir, index),
    // Worker 0 (or the only process) takes over the spools of workers a previous run had and this one has not.
    adoptSpoolDirs: index === 0 ? strandedSpoolDirs(config.dataDir, worker?.count ?? 1) : [],
    // Partitions ahead and retention once per host, not once per worker.
    maintenance: index === 0,
  }).catch(async (err: unknown) => {
    await lifecycle.close();
    throw err;
  });
  lifecycle.onDrain("audit", () => audit.drain(Math.max(config.shutdownGraceMs, 1_000)));
  // One set of proxies per host: a cluster worker uses the primary's (it runs them), the only process its own.
  const hermesProxies = worker ? mirrorProxiesInWorker() : createHermesProxies(config.hermes, logger);
  if (!worker) warnOverriddenUpstreams(config, logger);
  // Started before the gateways exist, stopped after they stop (close hooks run last, in reverse order).
  await hermesProxies.start().catch(async (err: unknown) => {
    await lifecycle.close();
    throw err;
  });
  lifecycle.onClose("hermes proxies", () => hermesProxies.stop());
  const gateway = await createGatewayServices(config, logger, database, lifecycle, {
    clusterWorker: worker !== null,
  }).catch(async (err: unknown) => {
    await lifecycle.close();
    throw err;
  });
  const hermesHealth = new UpstreamHealthService({
    db: database.db,
    logger,
    secretKey: config.secrets.secretKey,
    upstreamOverride: hermesProxies.upstreamOverride,
  });
  hermesHealth.start(config.hermes.healthIntervalSeconds);
  lifecycle.onDrain("hermes health probes", () => hermesHealth.stop());
  const observability = createObservability(
    config.observability,
    // prom-client gives up on a worker after 5 s; the question outlasts that so its failure comes back as null.
    worker ? () => askPrimary<string | null>(CLUSTER_METRICS_KIND, undefined, 8_000) : null,
  );
  observability.metrics.attach({
    audit: () => audit.stats(),
    pool: () => database.poolStats(),
    leasedTokens: () => gateway.usage.leasedTokens,
    keyCache: () => gateway.keys.cacheStats(),
    upstreamHealth: () => hermesHealth.latestProbes(),
  });
  const tracing = observability.tracing;
  // Spans of the last requests are sent once the gateways have drained.
  if (tracing) lifecycle.onClose("tracing", () => tracing.shutdown());

  return {
    config,
    logger,
    database,
    readiness: createReadinessCheck(database),
    lifecycle,
    startedAt,
    audit,
    adminAuth,
    gateway,
    worker,
    workers:
      role.listWorkers ??
      (async () => [{ index: 0, pid: process.pid, started_at: startedAt.toISOString(), restarts: 0 }]),
    hermesProxies,
    hermesHealth,
    observability,
  };
}
