/**
 * @module Expiry of a login or token as the console shows it, and JWT claims decoded without verification (we only
 * display them; nothing is trusted or authorised on the strength of a claim).
 */
import { asObject, type JsonObject } from "./read-files.js";

/** "Expiring" means within this window. */
export const EXPIRING_WITHIN_MS = 24 * 60 * 60 * 1000;

export type ExpiryState = "expired" | "expiring" | "valid" | "unknown";

export function expiryState(expiresAt: Date | null, now: Date): ExpiryState {
  if (!expiresAt) return "unknown";
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  return left <= EXPIRING_WITHIN_MS ? "expiring" : "valid";
}

/** The payload of a JWT (`header.payload.signature`), or null when the value is not one. Never verified. */
export function decodeJwtClaims(token: unknown): JsonObject | null {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length < 2 || parts[1] === "" || !/^[A-Za-z0-9_-]+={0,2}$/.test(parts[1]!)) return null;
  try {
    return asObject(JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")));
  } catch {
    return null;
  }
}

/** A JWT's `exp` claim as a date (seconds since the epoch), or null. */
export function jwtExpiry(claims: JsonObject | null): Date | null {
  const exp = claims?.exp;
  return typeof exp === "number" && Number.isFinite(exp) && exp > 0 ? new Date(exp * 1000) : null;
}
