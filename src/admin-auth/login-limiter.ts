/**
 * @module Brute-force protection for the admin login (rate-limiter-flexible): consecutive failures per username+IP
 * and total failures per IP per day. Only failures count; a success resets the username+IP pair.
 */
import { createHash } from "node:crypto";
import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";

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
  check(ip: string, username: string): Promise<LoginCheck>;
  recordFailure(ip: string, username: string): Promise<void>;
  recordSuccess(ip: string, username: string): Promise<void>;
}

/** The attempted username is hashed: it is attacker input of any length, and may even be a mistyped password. */
function pairKey(ip: string, username: string): string {
  return `${ip}|${createHash("sha256").update(username, "utf8").digest("hex").slice(0, 32)}`;
}

export function createLoginLimiter(limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  // Per instance: with several replicas an attacker gets the limit once per replica, still far from a useful rate.
  const pair: RateLimiterAbstract = new RateLimiterMemory({
    keyPrefix: "login_pair",
    points: limits.pairFailures,
    duration: DAY_SECONDS,
  });
  const perIp: RateLimiterAbstract = new RateLimiterMemory({
    keyPrefix: "login_ip",
    points: limits.ipFailuresPerDay,
    duration: DAY_SECONDS,
  });

  const blockedFor = async (limiter: RateLimiterAbstract, key: string, points: number) => {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? Math.max(1, res.msBeforeNext) : 0;
  };

  return {
    async check(ip, username) {
      const ms = Math.max(
        await blockedFor(pair, pairKey(ip, username), limits.pairFailures),
        await blockedFor(perIp, ip, limits.ipFailuresPerDay),
      );
      return ms > 0 ? { blocked: true, retryAfterMs: ms } : { blocked: false };
    },
    async recordFailure(ip, username) {
      const key = pairKey(ip, username);
      const res = await pair.penalty(key, 1);
      // The pair's block is short (the per-IP daily budget is the long stop), so a typo storm locks out briefly.
      if (res.consumedPoints >= limits.pairFailures) await pair.block(key, limits.pairBlockSeconds);
      await perIp.penalty(ip, 1);
    },
    async recordSuccess(ip, username) {
      await pair.delete(pairKey(ip, username));
    },
  };
}
