/**
 * @module Readiness: the database answers within a deadline and carries the newest migration.
 */
import type { Database } from "./database.js";
import { isMigrated } from "./migrate.js";

const READINESS_TIMEOUT_MS = 2_000;

export function createReadinessCheck(database: Database) {
  return async function checkReadiness(): Promise<{ ok: true } | { ok: false; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), READINESS_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([isMigrated(database.db), timeout]);
      if (result === "timeout") return { ok: false, reason: "database did not answer in time" };
      return result ? { ok: true } : { ok: false, reason: "database migrations not applied" };
    } catch {
      return { ok: false, reason: "database unreachable" };
    } finally {
      clearTimeout(timer);
    }
  };
}
