/**
 * @module Requests per minute per API user, with rate-limiter-flexible: in memory (one instance), or shared through
 * PostgreSQL (`rate_limits` table) or Redis so the limit holds across replicas. A shared store that fails falls back
 * to per-instance memory counting (logged) rather than failing requests. The memory store of a worker process counts
 * in the cluster primary's memory (rate-limiter-flexible's cluster store, over IPC), so the limit holds across the
 * workers of one host.
 */
import { Redis } from "ioredis";
import pg from "pg";
import {
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { FailureLog } from "../logging/failure-log.js";
import type { Logger } from "../logging/logger.js";

export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetMs: number };

export interface RequestRateLimiter {
  /** "cluster": the memory store of a worker, kept in the cluster primary. */
  readonly store: "memory" | "postgres" | "redis" | "cluster";
  consume(apiUserId: string, rpm: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export type RateLimiterOptions = {
  store: "memory" | "postgres" | "redis";
  /** Needed for the postgres store. */
  databaseUrl?: string | undefined;
  /** Needed for the redis store. */
  redisUrl?: string | undefined;
  /** This is a cluster worker: the memory store lives in the primary (which runs RateLimiterClusterMaster). */
  clusterWorker?: boolean;
  logger: Logger;
};

/** How long a worker waits for the primary's count before letting the request through (logged). */
const CLUSTER_TIMEOUT_MS = 1_000;

const WINDOW_SECONDS = 60;
// One key prefix for every limit value, so a changed limit keeps counting the same window in shared stores.
const KEY_PREFIX = "rpm";

export async function createRequestRateLimiter(options: RateLimiterOptions): Promise<RequestRateLimiter> {
  const { logger } = options;
  const store = options.store === "memory" && options.clusterWorker ? "cluster" : options.store;
  let pool: pg.Pool | null = null;
  let redis: Redis | null = null;
  if (store === "postgres") {
    if (!options.databaseUrl) throw new Error("the postgres rate-limit store needs DATABASE_URL");
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 4,
      application_name: "hermes-rate-limit",
    });
    pool.on("error", (err) =>
      logger.warn({ err: { message: err.message } }, "rate limit: idle connection error"),
    );
  } else if (store === "redis") {
    if (!options.redisUrl) throw new Error("the redis rate-limit store needs REDIS_URL");
    redis = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    // ioredis reports every failed reconnect: one line when Redis goes away, one when it is back.
    const redisLog = new FailureLog(logger, "rate limit: redis");
    redis.on("error", (err: Error) => redisLog.failed({ err: { message: err.message } }));
    redis.on("ready", () => redisLog.succeeded());
    await redis.connect().catch((err: unknown) => {
      logger.warn({ err: { message: (err as Error).message } }, "rate limit: redis unreachable at start");
    });
  }

  const limiters = new Map<number, RateLimiterAbstract>();
  const limiterFor = (rpm: number): RateLimiterAbstract => {
    let l = limiters.get(rpm);
    if (l) return l;
    const base = { points: rpm, duration: WINDOW_SECONDS, keyPrefix: KEY_PREFIX };
    const insurance = new RateLimiterMemory(base);
    if (pool) {
      l = new RateLimiterPostgres({
        ...base,
        storeClient: pool,
        storeType: "pool",
        tableName: "rate_limits",
        tableCreated: true,
        clearExpiredByTimeout: false,
        insuranceLimiter: insurance,
      });
    } else if (store === "cluster") {
      // One limiter per limit value in the primary, as the memory store keeps one per value here.
      l = new RateLimiterCluster({
        ...base,
        keyPrefix: `${KEY_PREFIX}:${rpm}`,
        timeoutMs: CLUSTER_TIMEOUT_MS,
      });
    } else if (redis) {
      l = new RateLimiterRedis({
        ...base,
        storeClient: redis,
        insuranceLimiter: insurance,
        rejectIfRedisNotReady: true,
      });
    } else {
      l = insurance;
    }
    limiters.set(rpm, l);
    return l;
  };

  return {
    store,
    async consume(apiUserId, rpm) {
      try {
        const res = await limiterFor(rpm).consume(apiUserId, 1);
        return { allowed: true, limit: rpm, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, limit: rpm, remaining: 0, resetMs: Math.max(1, rejection.msBeforeNext) };
        }
        // Only reachable if the insurance limiter itself failed; do not turn an accounting fault into an outage.
        logger.warn(
          { err: { message: (rejection as Error).message } },
          "rate limit: store failed, request allowed",
        );
        return { allowed: true, limit: rpm, remaining: rpm, resetMs: WINDOW_SECONDS * 1000 };
      }
    },
    async close() {
      await pool?.end().catch(() => undefined);
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
