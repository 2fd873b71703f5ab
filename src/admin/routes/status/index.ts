/**
 * @module GET /api/admin/status: version, commit, uptime, database kind and health, the audit pipeline's counters
 * and stored rows, retention and body limits (for the console's privacy notice), each tenant's upstreams, and the
 * running gateway instances, this host's workers and the supervised Hermes proxies.
 */
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import { approximateAuditRows } from "../../../audit/audit-stats.repository.js";
import type { WorkerSummary } from "../../../app/cluster-ipc.js";
import type { AuditStats } from "../../../audit/audit-writer.js";
import type { ProxyStatus } from "../../../hermes/hermes-proxies.js";
import { listTenants } from "../../../tenants/tenants.service.js";
import { listInstances, type InstanceSummary } from "../../../usage/usage-instances.repository.js";
import { readPackageVersion } from "../../static-files.js";

export type StatusTenant = {
  id: string;
  name: string;
  pre_upstream_url: string | null;
  post_upstream_url: string | null;
};

export type StatusResponse = {
  version: string;
  git_commit: string | null;
  started_at: string;
  uptime_seconds: number;
  database: { kind: "postgres" | "embedded"; healthy: boolean; reason: string | null };
  /**
   * `rows_written` counts since this process started; `rows_stored` is the approximate total in the table (null
   * while the database does not answer).
   */
  audit: AuditStats & { rows_stored: number | null };
  /** HERMES_LOG_RETENTION_DAYS: how long prompts and responses are kept. */
  retention_days: number;
  /** HERMES_AUDIT_MAX_BYTES: how much of each request and response body is stored. */
  audit_max_bytes: number;
  /** Null while the database does not answer. */
  tenants: StatusTenant[] | null;
  /** Null while the database does not answer. */
  instances: InstanceSummary[] | null;
  /** This host's worker processes (HERMES_WORKERS), and which of them answered this request. */
  workers: { serving: number; list: WorkerSummary[] | null };
  /** The supervised Hermes proxies of this instance (HERMES_PRE/POST_AI_PROVIDER); output: /api/admin/hermes/proxies. */
  hermes_proxies: ProxyStatus[];
};

export function registerStatusRoutes(app: Hono, deps: Deps): void {
  const version = readPackageVersion();
  const db = deps.database.db;
  const tenantsCtx = { db, secretKey: deps.config.secrets.secretKey };
  app.get("/api/admin/status", async (c) => {
    const health = await deps.readiness();
    // Each part on its own: one failing read leaves the others on the page.
    const [rowsStored, tenants, instances] = health.ok
      ? await Promise.all([
          approximateAuditRows(db).catch(() => null),
          listTenants(tenantsCtx).catch(() => null),
          listInstances(db).catch(() => null),
        ])
      : [null, null, null];
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
      audit: { ...deps.audit.stats(), rows_stored: rowsStored },
      retention_days: deps.config.audit.retentionDays,
      audit_max_bytes: deps.config.audit.maxBytes,
      tenants:
        tenants?.map((t) => ({
          id: t.id,
          name: t.name,
          pre_upstream_url: t.preUpstreamUrl,
          post_upstream_url: t.postUpstreamUrl,
        })) ?? null,
      instances,
      workers: { serving: deps.worker?.index ?? 0, list: await deps.workers().catch(() => null) },
      hermes_proxies: deps.hermesProxies.statuses(),
    };
    return c.json(body);
  });
}
