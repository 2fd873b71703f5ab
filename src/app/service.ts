/**
 * @module Starts and stops the whole service: dependencies, then three listeners (admin, pre, post gateways).
 * main.ts and the test harness both use it.
 */
import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { createAdminApp } from "../admin/admin-app.js";
import { createGatewayApp } from "../gateway/gateway-app.js";
import { createDeps, type Deps, type ProcessRole } from "./create-deps.js";
import { closeGracefully, listen, type RunningListener } from "./listeners.js";

export type RunningService = {
  deps: Deps;
  ports: { admin: number; pre: number; post: number };
  /** Graceful stop: listeners, then drain queues, then close the database. Safe to call twice. */
  stop(): Promise<void>;
};

export async function startService(
  config: Config,
  logger: Logger,
  role?: ProcessRole,
): Promise<RunningService> {
  const deps = await createDeps(config, logger, role);
  const host = config.http.bindHost;
  const listeners: RunningListener[] = [];
  try {
    listeners.push(await listen("admin", createAdminApp(deps), host, config.http.adminPort));
    listeners.push(
      await listen("pre", createGatewayApp(deps, { gateway: "pre" }), host, config.http.prePort),
    );
    listeners.push(
      await listen("post", createGatewayApp(deps, { gateway: "post" }), host, config.http.postPort),
    );
  } catch (err) {
    await Promise.all(listeners.map((l) => closeGracefully(l.server, 0)));
    await deps.lifecycle.close();
    throw err;
  }
  const portOf = (name: string) => listeners.find((l) => l.name === name)!.port;
  const ports = { admin: portOf("admin"), pre: portOf("pre"), post: portOf("post") };
  logger.info(
    { host, ...ports, database: deps.database.kind, ...(deps.worker && { worker: deps.worker.index }) },
    "service: listening",
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({ graceMs: config.shutdownGraceMs }, "service: shutting down");
      await Promise.all(listeners.map((l) => closeGracefully(l.server, config.shutdownGraceMs)));
      await deps.lifecycle.drain();
      await deps.lifecycle.close();
      logger.info("service: stopped");
    })());

  return { deps, ports, stop };
}
