/**
 * @module Gives every request a server-generated id (`req_<hex>`), exposed as `c.var.requestId` and `x-request-id`.
 * Client-sent ids are not trusted: audit records are deduplicated on this id.
 */
import { randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

export function newRequestId(): string {
  return `req_${randomBytes(12).toString("hex")}`;
}

export function requestId(): MiddlewareHandler {
  return async function assignRequestId(c, next) {
    const id = newRequestId();
    c.set("requestId", id);
    c.header("x-request-id", id);
    await next();
  };
}
