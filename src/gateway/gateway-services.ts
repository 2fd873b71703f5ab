/**
 * @module The long-lived parts both gateways share, built once at start: key verifier (with its change listener),
 * rate limiter, usage meter (background settlement, drained at shutdown) and the upstream HTTP client.
 */
import type { Lifecycle } from "../app/lifecycle.js";
import type { Config } from "../config/config.js";
import type { Database } from "../db/database.js";
import { createKeyVerifier, type KeyVerifier } from "../keys/key-verification.js";
import type { Logger } from "../logging/logger.js";
import { createRequestRateLimiter, type RequestRateLimiter } from "../usage/rate-limit.js";
import { UsageMeter } from "../usage/usage-meter.js";
import { createUpstreamClient, type UpstreamClient } from "./upstream/upstream-client.js";

export type GatewayServices = {
  keys: KeyVerifier;
  rateLimiter: RequestRateLimiter;
  usage: UsageMeter;
  upstream: UpstreamClient;
};

/** How often queued usage settlements are written. */
const SETTLE_EVERY_MS = 50;

export async function createGatewayServices(
  config: Config,
  logger: Logger,
  database: Database,
  lifecycle: Lifecycle,
  /** clusterWorker: the memory rate-limit store then lives in the cluster primary, shared by every worker. */
  options: { clusterWorker?: boolean } = {},
): Promise<GatewayServices> {
  const keys = createKeyVerifier({
    database,
    keyPepper: config.secrets.keyPepper,
    secretKey: config.secrets.secretKey,
    ttlMs: config.gateway.keyCacheTtlMs,
    logger,
  });
  await keys.start();

  let store = config.gateway.rateLimitStore;
  if (store === "postgres" && database.kind === "embedded") {
    // The embedded database serves one process only, so a shared store has nothing to share: memory is equivalent.
    logger.warn(
      "rate limit: HERMES_RATE_LIMIT_STORE=postgres needs DATABASE_URL; the embedded database serves one instance, using memory",
    );
    store = "memory";
  }
  const rateLimiter = await createRequestRateLimiter({
    store,
    databaseUrl: config.database.url,
    redisUrl: config.gateway.redisUrl,
    clusterWorker: options.clusterWorker ?? false,
    logger,
  });
  lifecycle.onClose("rate limiter", () => rateLimiter.close());

  const usage = new UsageMeter({
    db: database.db,
    logger,
    flushMs: SETTLE_EVERY_MS,
    leaseRequests: config.gateway.tokenLeaseRequests,
  });
  usage.start();
  lifecycle.onDrain("usage settlements", () => usage.stop());

  const upstream = createUpstreamClient({
    connectTimeoutMs: config.gateway.upstreamConnectTimeoutMs,
    responseTimeoutMs: config.gateway.upstreamTimeoutMs,
  });
  lifecycle.onClose("upstream client", () => upstream.close());
  return { keys, rateLimiter, usage, upstream };
}
