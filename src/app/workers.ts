/**
 * @module How many worker processes to run (HERMES_WORKERS), and where each keeps its local state.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Config } from "../config/config.js";

export type WorkerPlan = { count: number; reason: string | null };

/**
 * `auto` is the host's available parallelism (which follows the process's CPU affinity). The embedded database lives
 * in one process, so it always gets one: `reason` says why when that overrides the setting.
 */
export function planWorkers(
  config: Pick<Config, "workers" | "database">,
  available = os.availableParallelism(),
): WorkerPlan {
  const asked = config.workers === "auto" ? available : config.workers;
  if (!config.database.url) {
    return {
      count: 1,
      reason:
        config.workers === 1
          ? null
          : `running 1 worker process (HERMES_WORKERS=${String(config.workers)}): the embedded database (no DATABASE_URL) serves one process only`,
    };
  }
  return { count: Math.max(1, asked), reason: null };
}

/**
 * The audit spool directory of worker `index` (or of the single process, which is index 0): worker 0 keeps the
 * directory a single process uses, so changing the worker count never strands worker 0's records.
 */
export function spoolDirOf(dataDir: string, index: number): string {
  return path.resolve(dataDir, index === 0 ? "audit-spool" : `audit-spool-${index}`);
}

/** Spool directories of worker indexes at or past `count` (left by a run with more workers). */
export function strandedSpoolDirs(dataDir: string, count: number): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.resolve(dataDir));
  } catch {
    return [];
  }
  return names
    .map((name) => /^audit-spool-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= count)
    .map((m) => path.resolve(dataDir, m[0]));
}
