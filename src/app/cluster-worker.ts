/**
 * @module A cluster worker: learns its index from the primary, then runs the whole service (three listeners on the
 * ports every worker shares) as its own instance.
 */
import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { askPrimary, type WorkerIdentity, type WorkerSummary } from "./cluster-ipc.js";
import { startService, type RunningService } from "./service.js";

export async function startWorker(config: Config, baseLogger: Logger): Promise<RunningService> {
  const identity = await askPrimary<WorkerIdentity | null>("hello", undefined, 10_000);
  if (!identity) throw new Error("the cluster primary does not know this worker");
  const logger = baseLogger.child({ worker: identity.index });
  const service = await startService(config, logger, {
    worker: identity,
    listWorkers: () => askPrimary<WorkerSummary[]>("workers"),
  });
  await askPrimary("listening");
  return service;
}
