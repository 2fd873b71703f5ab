/**
 * @module The base Hono app every listener starts from: request id, request log, health routes, and one error
 * renderer installed with onError/notFound.
 */
import { Hono } from "hono";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { renderAdminError, renderGatewayError, toAppError } from "./render-error.js";
import { requestId } from "./request-id.js";
import { requestLogger } from "./request-logger.js";

export type Envelope = "openai" | "admin";

export interface ReadinessCheck {
  /** Resolves ok, or a short reason safe to show (no secrets, no connection strings). */
  (): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export type BaseAppOptions = {
  listener: string;
  envelope: Envelope;
  logger: Logger;
  readiness: ReadinessCheck;
};

export function createBaseApp(options: BaseAppOptions): Hono {
  const { logger, envelope } = options;
  const render = envelope === "openai" ? renderGatewayError : renderAdminError;
  const app = new Hono();
  app.use(requestId());
  app.use(requestLogger(logger, options.listener));

  app.onError((err, c) => {
    const appErr = toAppError(err);
    if (appErr.code === "internal") {
      logger.error({ err, requestId: c.get("requestId") }, "unhandled error");
    }
    return render(appErr, { "x-request-id": c.get("requestId") });
  });
  app.notFound((c) => {
    const message = envelope === "openai" ? `Invalid URL (${c.req.method} ${c.req.path})` : "Not found.";
    return render(new AppError("not_found", message), { "x-request-id": c.get("requestId") });
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const result = await options.readiness();
    return result.ok
      ? c.json({ status: "ready" })
      : c.json({ status: "not_ready", reason: result.reason }, 503);
  });
  return app;
}
