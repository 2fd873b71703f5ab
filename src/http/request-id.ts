/**
 * @module Gives every request a server-generated id (`req_<hex>`), exposed as `c.var.requestId` and `x-request-id`.
 * Client-sent ids are not trusted: audit records are deduplicated on this id.
 */
import { randomFillSync } from "node:crypto";
import type { MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

const ID_BYTES = 12;
/** Random bytes drawn 256 ids at a time: one randomBytes call per request measured ~1.3% of gateway CPU. */
const pool = Buffer.alloc(ID_BYTES * 256);
let poolOffset = pool.length;

export function newRequestId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString("hex", poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return `req_${id}`;
}

export function requestId(): MiddlewareHandler {
  return async function assignRequestId(c, next) {
    const id = newRequestId();
    c.set("requestId", id);
    c.header("x-request-id", id);
    await next();
  };
}
