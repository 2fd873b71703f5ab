/**
 * @module Authenticates the bearer key and checks its gateway scope: 401 missing/invalid, 410 rotated/revoked,
 * 403 wrong gateway. Verification is a cached, usually synchronous lookup.
 */
import type { MiddlewareHandler } from "hono";
import type { Gateway } from "../../config/config.js";
import { AppError } from "../../errors/app-error.js";
import type { KeyRejection, KeyVerifier } from "../../keys/key-verification.js";
import { endStep } from "../../observability/tracing.js";
import { headerOf } from "../node-request.js";

const MESSAGES: Record<KeyRejection, string> = {
  missing_api_key:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  invalid_api_key: "Incorrect API key provided.",
  key_revoked: "This API key has been revoked.",
  key_rotated: "This API key has been rotated; use the new key.",
  gateway_not_allowed: "This API key is not allowed on this gateway.",
};

export function authenticateKey(keys: KeyVerifier, gateway: Gateway): MiddlewareHandler {
  return async function checkKey(c, next) {
    const ex = c.get("exchange");
    const span = ex.trace?.step("key check");
    const pending = keys.verify(headerOf(ex.client.headers, "authorization"), gateway);
    const result = pending instanceof Promise ? await pending : pending;
    if (span) endStep(span, result.valid ? null : result.reason);
    if (!result.valid) {
      ex.key = result.key;
      throw new AppError(result.reason, MESSAGES[result.reason]);
    }
    ex.key = result.key;
    ex.tenant = result.tenant;
    await next();
  };
}
