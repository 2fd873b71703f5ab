/**
 * @module Brute-force protection for the admin login (rate-limiter-flexible): consecutive failures per username+IP
 * and total failures per IP per day. Only failures count; a success resets the username+IP pair.
 */
import { createHash } from "node:crypto";
import { RateLimiterCluster, RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";

export type LoginLimits = {
  /** Consecutive failures allowed per username+IP before a block. */
  pairFailures: number;
  pairBlockSeconds: number;
  /** Failures allowed per IP per day, whatever the username. */
  ipFailuresPerDay: number;
};

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pairFailures: 10,
  pairBlockSeconds: 15 * 60,
  ipFailuresPerDay: 100,
};

const DAY_SECONDS = 24 * 60 * 60;

export type LoginCheck = { blocked: false } | { blocked: true; retryAfterMs: number };

export interface LoginLimiter {
  /**
   * Call before verifying a password. Counts the attempt as a failure up front, so parallel guesses cannot all
   * slip in before the first of them fails; answers blocked when the budget is spent.
   */
  begin(ip: string, username: string): Promise<LoginCheck>;
  /** The attempt failed: a pair that reached its limit is blocked for the block time. */
  failed(ip: string, username: string): Promise<void>;
  /** The attempt succeeded: the pair starts over and the IP gets its point back. */
  succeeded(ip: string, username: string): Promise<void>;
}

/** The attempted username is hashed: it is attacker input of any length, and may even be a mistyped password. */
function pairKey(ip: string, username: string): string {
  return `${ip}|${createHash("sha256").update(username, "utf8").digest("hex").slice(0, 32)}`;
}

export function createLoginLimiter(
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  options: { clusterWorker?: boolean } = {},
): LoginLimiter {
  // Per host: the workers of one host count in the cluster primary's memory (rate-limiter-flexible's cluster store);
  // with several replicas an attacker gets the limit once per replica, still far from a useful rate.
  const Limiter = options.clusterWorker ? RateLimiterCluster : RateLimiterMemory;
  const pair: RateLimiterAbstract = new Limiter({
    keyPrefix: "login_pair",
    points: limits.pairFailures,
    duration: DAY_SECONDS,
  });
  const perIp: RateLimiterAbstract = new Limiter({
    keyPrefix: "login_ip",
    points: limits.ipFailuresPerDay,
    duration: DAY_SECONDS,
  });

  /** Milliseconds until the key may try again once `consumed` passed `allowed`; 0 while it may. */
  const waitMs = (consumed: number, allowed: number, msBeforeNext: number) =>
    consumed > allowed ? Math.max(1, msBeforeNext) : 0;

  return {
    async begin(ip, username) {
      const key = pairKey(ip, username);
      const [p, i] = await Promise.all([pair.get(key), perIp.get(ip)]);
      // Already over: refuse without counting more, so a block does not keep extending itself.
      const already = Math.max(
        p && p.consumedPoints >= limits.pairFailures ? Math.max(1, p.msBeforeNext) : 0,
        i && i.consumedPoints >= limits.ipFailuresPerDay ? Math.max(1, i.msBeforeNext) : 0,
      );
      if (already > 0) return { blocked: true, retryAfterMs: already };
      const [pr, ir] = await Promise.all([pair.penalty(key, 1), perIp.penalty(ip, 1)]);
      const ms = Math.max(
        waitMs(pr.consumedPoints, limits.pairFailures, pr.msBeforeNext),
        waitMs(ir.consumedPoints, limits.ipFailuresPerDay, ir.msBeforeNext),
      );
      return ms > 0 ? { blocked: true, retryAfterMs: ms } : { blocked: false };
    },
    async failed(ip, username) {
      const key = pairKey(ip, username);
      const res = await pair.get(key);
      // The pair's block is short (the per-IP daily budget is the long stop), so a typo storm locks out briefly.
      if (res && res.consumedPoints >= limits.pairFailures) await pair.block(key, limits.pairBlockSeconds);
    },
    async succeeded(ip, username) {
      await pair.delete(pairKey(ip, username));
      await perIp.reward(ip, 1);
    },
  };
}
