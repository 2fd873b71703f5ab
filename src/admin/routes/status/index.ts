/**
 * @module GET /api/admin/status: version, commit, uptime, database kind and health, the audit pipeline's counters,
 * the running gateway instances and the supervised Hermes proxies.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import type { WorkerSummary } from "../../../app/cluster-ipc.js";
import type { AuditStats } from "../../../audit/audit-writer.js";
import type { ProxyStatus } from "../../../hermes/hermes-proxies.js";
import { listInstances, type InstanceSummary } from "../../../usage/usage-instances.repository.js";
import { readPackageVersion } from "../../static-files.js";

export type StatusResponse = {
  version: string;
  git_commit: string | null;
  started_at: string;
  uptime_seconds: number;
  database: { kind: "postgres" | "embedded"; healthy: boolean; reason: string | null };
  audit: AuditStats;
  /** Null while the database does not answer. */
  instances: InstanceSummary[] | null;
  /** This host's worker processes (HERMES_WORKERS), and which of them answered this request. */
  workers: { serving: number; list: WorkerSummary[] | null };
  /** The supervised Hermes proxies of this instance (HERMES_PRE/POST_AI_PROVIDER); output: /api/admin/hermes/proxies. */
  hermes_proxies: ProxyStatus[];
};

export function registerStatusRoutes(app: Hono, deps: Deps): void {
  const version = readPackageVersion();
  app.get("/api/admin/status", async (c) => {
    const health = await deps.readiness();
    const body: StatusResponse = {
      version,
      git_commit: deps.config.gitCommit ?? null,
      started_at: deps.startedAt.toISOString(),
      uptime_seconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000),
      database: {
        kind: deps.database.kind,
        healthy: health.ok,
        reason: health.ok ? null : health.reason,
      },
      audit: deps.audit.stats(),
      instances: health.ok ? await listInstances(deps.database.db).catch(() => null) : null,
      workers: { serving: deps.worker?.index ?? 0, list: await deps.workers().catch(() => null) },
      hermes_proxies: deps.hermesProxies.statuses(),
    };
    return c.json(body);
  });
}
