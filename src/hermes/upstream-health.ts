/**
 * @module Health of each tenant's pre and post upstream: probed on demand (results cached a few seconds, so a
 * console that refreshes does not hammer the upstream) and in the background every HERMES_HEALTH_INTERVAL_SECONDS,
 * each probe stored in hermes_upstream_probes for 24 hours (the availability chart). With several instances on one
 * database, one background round runs per interval: an instance takes a transaction-scoped advisory lock, checks
 * and stamps when the last round started (app_settings), and only then probes; the others skip that tick.
 */
import { sql, type Kysely } from "kysely";
import type { Gateway } from "../config/config.js";
import type { DB, TenantRow } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import { findTenantById, listTenants } from "../tenants/tenants.repository.js";
import { decryptUpstreamSecret } from "../tenants/upstream-secret.js";
import { PROBE_TIMEOUT_MS, probeUpstream, type ProbeResult } from "./upstream-probe.js";

export const CACHE_MS = 5_000;
export const HISTORY_HOURS = 24;
const ROUND_SETTING = "hermes.health.last_round";
const ROUND_LOCK = "hermes-health-round";
const ROUND_CONCURRENCY = 4;

export type HealthOptions = {
  db: Kysely<DB>;
  logger: Logger;
  secretKey: Buffer | undefined;
  /** The supervised-proxy override of a tenant's stored URL (src/hermes/hermes-proxies). */
  upstreamOverride: (tenantId: string, gateway: Gateway) => string | null | undefined;
  timeoutMs?: number;
};

export type ProbeView = ProbeResult & { ts: string; trigger: "background" | "manual" };

export type UpstreamHealth = {
  gateway: Gateway;
  /** The base probed: the tenant's stored URL, or its supervised Hermes proxy. Null: none configured. */
  url: string | null;
  supervised: boolean;
  latest: ProbeView | null;
  availability: { probes: number; up: number; ratio: number | null };
  /** Oldest first, the last 24 hours. */
  history: { ts: string; ok: boolean; latency_ms: number | null }[];
};

export type HealthView = { tenant_id: string; upstreams: UpstreamHealth[] };

export type LatestProbe = {
  tenant: string;
  gateway: Gateway;
  ok: boolean;
  latencyS: number | null;
  at: Date;
};

type Target = { gateway: Gateway; url: string | null; supervised: boolean };

export class UpstreamHealthService {
  private readonly cache = new Map<string, { at: number; view: ProbeView }>();
  private readonly inFlight = new Map<string, Promise<ProbeView>>();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(private readonly o: HealthOptions) {}

  private targets(row: TenantRow): Target[] {
    return (["pre", "post"] as const).map((gateway) => {
      const override = this.o.upstreamOverride(row.id, gateway);
      const stored = gateway === "pre" ? row.pre_upstream_url : row.post_upstream_url;
      return { gateway, url: override !== undefined ? override : stored, supervised: override !== undefined };
    });
  }

  private async probeOne(row: TenantRow, t: Target & { url: string }, trigger: ProbeView["trigger"]) {
    const key = `${row.id}|${t.gateway}|${t.url}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.view;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const run = (async () => {
      const credential = decryptUpstreamSecret(row.upstream_api_key, this.o.secretKey);
      const result = await probeUpstream(t.url, credential, this.o.timeoutMs ?? PROBE_TIMEOUT_MS);
      const ts = new Date();
      await this.o.db
        .insertInto("hermes_upstream_probes")
        .values({ tenant_id: row.id, gateway: t.gateway, ts, trigger, url: t.url, ...result })
        .execute();
      const view: ProbeView = { ...result, ts: ts.toISOString(), trigger };
      this.cache.set(key, { at: Date.now(), view });
      return view;
    })();
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async probeTenant(row: TenantRow, trigger: ProbeView["trigger"]): Promise<void> {
    await Promise.all(
      this.targets(row).flatMap((t) => (t.url ? [this.probeOne(row, { ...t, url: t.url }, trigger)] : [])),
    );
  }

  /** Probes a tenant's upstreams now (or answers from the few-seconds cache), then returns its health view. */
  async probeNow(tenantId: string): Promise<HealthView | null> {
    const row = await findTenantById(this.o.db, tenantId);
    if (!row) return null;
    await this.probeTenant(row, "manual");
    return this.view(tenantId);
  }

  /** The latest probe of each upstream and the last 24 hours, without probing. */
  async view(tenantId: string): Promise<HealthView | null> {
    const row = await findTenantById(this.o.db, tenantId);
    if (!row) return null;
    const since = new Date(Date.now() - HISTORY_HOURS * 3600_000);
    const rows = await this.o.db
      .selectFrom("hermes_upstream_probes")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("ts", ">=", since)
      .orderBy("ts", "asc")
      .orderBy("id", "asc")
      .execute();
    const upstreams = this.targets(row).map((t): UpstreamHealth => {
      const mine = rows.filter((r) => r.gateway === t.gateway);
      const last = mine[mine.length - 1];
      const up = mine.filter((r) => r.ok).length;
      return {
        gateway: t.gateway,
        url: t.url,
        supervised: t.supervised,
        latest: last
          ? {
              ok: last.ok,
              latency_ms: last.latency_ms,
              http_status: last.http_status,
              probe: last.probe,
              upstream: last.upstream,
              authenticated: last.authenticated,
              error: last.error,
              ts: new Date(last.ts).toISOString(),
              trigger: last.trigger,
            }
          : null,
        availability: { probes: mine.length, up, ratio: mine.length ? up / mine.length : null },
        history: mine.map((r) => ({ ts: new Date(r.ts).toISOString(), ok: r.ok, latency_ms: r.latency_ms })),
      };
    });
    return { tenant_id: tenantId, upstreams };
  }

  /** The latest probe of every tenant's upstreams within the history window (the metrics endpoint). */
  async latestProbes(): Promise<LatestProbe[]> {
    const since = new Date(Date.now() - HISTORY_HOURS * 3600_000);
    const rows = await this.o.db
      .selectFrom("hermes_upstream_probes as p")
      .innerJoin("tenants as t", "t.id", "p.tenant_id")
      .distinctOn(["p.tenant_id", "p.gateway"])
      .select(["t.name as tenant", "p.gateway", "p.ok", "p.latency_ms", "p.ts"])
      .where("p.ts", ">=", since)
      .orderBy("p.tenant_id")
      .orderBy("p.gateway")
      .orderBy("p.ts", "desc")
      .orderBy("p.id", "desc")
      .execute();
    return rows.map((r) => ({
      tenant: r.tenant,
      gateway: r.gateway,
      ok: r.ok,
      latencyS: r.latency_ms === null ? null : r.latency_ms / 1000,
      at: new Date(r.ts),
    }));
  }

  /** True for exactly one caller per interval across every instance sharing the database. */
  async claimRound(intervalMs: number): Promise<boolean> {
    return this.o.db.transaction().execute(async (tx) => {
      const lock = await sql<{
        ok: boolean;
      }>`SELECT pg_try_advisory_xact_lock(hashtext(${ROUND_LOCK})) AS ok`.execute(tx);
      if (!lock.rows[0]?.ok) return false;
      const last = await tx
        .selectFrom("app_settings")
        .select("value")
        .where("key", "=", ROUND_SETTING)
        .executeTakeFirst();
      const now = Date.now();
      // A little slack, so instances whose timers drift apart do not skip a whole interval.
      if (last && now - Number(last.value) < intervalMs * 0.8) return false;
      await tx
        .insertInto("app_settings")
        .values({ key: ROUND_SETTING, value: String(now), updated_at: new Date(now) })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(now), updated_at: new Date(now) }))
        .execute();
      return true;
    });
  }

  /** One background round: probe every tenant with an upstream, then forget probes older than 24 hours. */
  async runRound(intervalMs: number): Promise<boolean> {
    if (!(await this.claimRound(intervalMs))) return false;
    const tenants = await listTenants(this.o.db);
    const queue = [...tenants];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        await this.probeTenant(row, "background").catch((err: unknown) =>
          this.o.logger.warn({ err, tenant: row!.id }, "hermes health: probe failed"),
        );
      }
    };
    await Promise.all(Array.from({ length: ROUND_CONCURRENCY }, worker));
    await this.o.db
      .deleteFrom("hermes_upstream_probes")
      .where("ts", "<", new Date(Date.now() - HISTORY_HOURS * 3600_000))
      .execute();
    return true;
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    const ms = intervalSeconds * 1000;
    this.timer = setInterval(() => {
      if (this.round) return;
      this.round = this.runRound(ms)
        .then(() => undefined)
        .catch((err: unknown) => this.o.logger.warn({ err }, "hermes health: background round failed"))
        .finally(() => (this.round = null));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }
}
