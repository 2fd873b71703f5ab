/**
 * @module Requests per minute per API user (keys without a limit skip the store entirely). Over the limit: 429
 * rate_limit_exceeded with retry-after / retry-after-ms.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../errors/app-error.js";
import { endStep } from "../../observability/tracing.js";
import type { RequestRateLimiter } from "../../usage/rate-limit.js";

export function limitRequestRate(limiter: RequestRateLimiter): MiddlewareHandler {
  return async function checkRate(c, next) {
    const ex = c.get("exchange");
    const key = ex.key!;
    if (key.rpmLimit !== null) {
      const span = ex.trace?.step("rate limit");
      let decision;
      try {
        decision = await limiter.consume(key.apiUserId, key.rpmLimit);
      } finally {
        if (span) endStep(span, decision ? (decision.allowed ? null : "rate_limit_exceeded") : "failed");
      }
      ex.rate = decision;
      if (!decision.allowed) {
        throw new AppError(
          "rate_limit_exceeded",
          `Rate limit reached: ${decision.limit} requests per minute for this API key.`,
          { retryAfterMs: decision.resetMs },
        );
      }
    }
    await next();
  };
}
