/**
 * @module Monthly token caps and usage accounting. Admission is one conditional upsert (only for keys with a cap);
 * everything else (settling reservations, request counts, daily totals, last use) is queued in memory, aggregated
 * per user and period, and written in the background every `flushMs`, and once more on shutdown.
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { FailureLog } from "../logging/failure-log.js";
import type { Logger } from "../logging/logger.js";
import { errSummary } from "../db/database.js";
import { saturateTokens } from "./token-estimate.js";
import { TokenLeases, type LeaseReturn } from "./token-leases.js";
import { dayOf, monthOf } from "./usage-period.js";
import {
  heartbeatInstance,
  isInstanceUnregistered,
  leaveInstance,
  reclaimStaleInstances,
  registerInstance,
} from "./usage-instances.repository.js";
import {
  applySettlements,
  reserveMonthlyTokens,
  type DailySettlement,
  type LastUse,
  type MonthlySettlement,
} from "./usage.repository.js";

/** Tokens held against a month's cap until the request ends, in the ledger of the instance that reserved them. */
export type Reservation = { instanceId: string; apiUserId: string; month: string; tokens: number };

export type Admission =
  { admitted: true; reservation: Reservation; remaining: number } | { admitted: false; remaining: number };

export type Settlement = {
  apiUserId: string;
  /** The reservation to release, or null for keys without a cap. */
  reservation: Reservation | null;
  /** Tokens the request actually used (0 when it failed before the upstream answered). */
  tokens: number;
  at: Date;
};

export type UsageMeterOptions = {
  db: Kysely<DB>;
  logger: Logger;
  flushMs: number;
  /** Requests' worth of tokens reserved ahead with each database admission; 0 reserves per request. */
  leaseRequests: number;
  /** A lease unused this long is given back (default 2 s). */
  leaseIdleMs?: number;
  /** How often this instance proves it is alive and looks for dead ones (default 10 s). */
  heartbeatMs?: number;
  /** An instance silent this long is taken for dead and its reservations given back (default 2 min). */
  staleAfterMs?: number;
};

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 120_000;
/** The longest wait between two settlement attempts while they fail. */
const MAX_SETTLE_BACKOFF_MS = 5_000;

function newInstanceId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export class UsageMeter {
  private monthly = new Map<string, MonthlySettlement>();
  private readonly leases = new TokenLeases();
  /** Background lease top-ups in flight (awaited before leases are given back). */
  private readonly topUps = new Set<Promise<void>>();
  private daily = new Map<string, DailySettlement>();
  private lastUse = new Map<string, LastUse>();
  private timer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** This instance's id in usage_instances, registered before its first reservation. */
  private instanceId = newInstanceId();
  private registered: Promise<void> | null = null;
  /** Whether the last heartbeat reached the database. */
  private databaseReached = false;
  private readonly settleLog: FailureLog;
  private readonly heartbeatLog: FailureLog;
  private readonly topUpLog: FailureLog;
  /** While settlements fail, the timer does not try again before this (exponential backoff). */
  private settleRetryAt = 0;

  constructor(private readonly options: UsageMeterOptions) {
    this.settleLog = new FailureLog(options.logger, "usage: settlement");
    this.heartbeatLog = new FailureLog(options.logger, "usage: instance heartbeat");
    this.topUpLog = new FailureLog(options.logger, "usage: lease top-up");
  }

  private admitted(apiUserId: string, month: string, tokens: number, remaining: number): Admission {
    return {
      admitted: true,
      reservation: { instanceId: this.instanceId, apiUserId, month, tokens },
      remaining,
    };
  }

  private register(): Promise<void> {
    const id = this.instanceId;
    this.registered ??= registerInstance(this.options.db, id).catch((err: unknown) => {
      this.registered = null;
      throw err;
    });
    return this.registered;
  }

  /**
   * Another instance took this one for dead (no heartbeat for staleAfterMs: a long freeze, a lost database) and
   * gave back everything it held. What the leases still hold is no longer reserved: drop it, and start again under
   * a new id. Settlements of requests in flight release nothing from the new id's ledger.
   */
  private rejoin(): void {
    this.options.logger.warn(
      { instanceId: this.instanceId },
      "usage: this instance was taken for dead and its reservations given back; registering again",
    );
    this.leases.returnAll(() => undefined);
    this.instanceId = newInstanceId();
    this.registered = null;
  }

  /** One admission call under this instance's id, registering first; rejoins when the database no longer knows it. */
  private async reserve(input: {
    apiUserId: string;
    month: string;
    need: number;
    advance: number;
    cap: number;
  }) {
    await this.register();
    const instanceId = this.instanceId;
    try {
      return await reserveMonthlyTokens(this.options.db, { instanceId, ...input });
    } catch (err) {
      if (isInstanceUnregistered(err) && this.instanceId === instanceId) this.rejoin();
      throw err;
    }
  }

  /**
   * Reserves `estimate` tokens against `cap` for this month, atomically. Served from this instance's lease when it
   * holds enough (no database call); otherwise one database call reserves the estimate plus an advance for the
   * next requests. Requests arriving while that call runs wait for it instead of making their own.
   */
  async admit(apiUserId: string, cap: number, estimate: number, now: Date): Promise<Admission> {
    // Bounded here, where the numbers meet the database's bigint: a huge estimate is simply inadmissible.
    estimate = saturateTokens(estimate);
    try {
      return await this.admitOnce(apiUserId, cap, estimate, now);
    } catch (err) {
      // Taken for dead and registered again meanwhile: once more, from scratch, under the new id.
      if (!isInstanceUnregistered(err)) throw err;
      return await this.admitOnce(apiUserId, cap, estimate, now);
    }
  }

  private async admitOnce(apiUserId: string, cap: number, estimate: number, now: Date): Promise<Admission> {
    const month = monthOf(now);
    if (this.options.leaseRequests === 0) return this.admitExactly(apiUserId, month, cap, estimate);
    const at = now.getTime();
    const giveBack = this.giveBack;
    // One database admission per user and month at a time on this instance, so a refusal is exact here: it saw all
    // this instance holds. The others wait for it and are then served from the advance it brought.
    for (;;) {
      const remaining = this.leases.take(apiUserId, month, cap, estimate, at, giveBack);
      if (remaining !== null) {
        this.topUpIfLow(apiUserId, month, cap, estimate);
        return this.admitted(apiUserId, month, estimate, remaining);
      }
      const refill = this.leases.waitForRefill(apiUserId, month);
      if (refill === null) break;
      await refill;
    }
    let release!: () => void;
    const refill = new Promise<void>((resolve) => (release = resolve));
    const instanceId = this.instanceId;
    const { taken, waiting } = this.leases.beginRefill(apiUserId, month, cap, at, refill, giveBack);
    const need = Math.max(0, estimate - taken);
    try {
      const grant = await this.reserve({
        apiUserId,
        month,
        need,
        // Room for the next few requests, and for those already waiting.
        advance: saturateTokens((this.options.leaseRequests + waiting) * estimate),
        cap,
      });
      const fits = grant.admitted;
      const leftover = fits ? taken + grant.granted - estimate : taken;
      const unreserved = Math.max(0, cap - grant.tokensUsed - grant.tokensReserved);
      const remaining = this.leases.endRefill(
        apiUserId,
        month,
        cap,
        refill,
        { leftover, unreserved },
        Date.now(),
        giveBack,
      );
      return fits ? this.admitted(apiUserId, month, estimate, remaining) : { admitted: false, remaining };
    } catch (err) {
      this.leases.endRefill(
        apiUserId,
        month,
        cap,
        refill,
        // After a rejoin what was taken from the lease is reserved nowhere any more.
        { leftover: this.instanceId === instanceId ? taken : 0, unreserved: null },
        at,
        giveBack,
      );
      throw err;
    } finally {
      release();
    }
  }

  /**
   * Refills a lease in the background when it runs below half an advance, so a busy key's requests do not queue
   * behind a database admission each time it runs dry (measured: cap path 77% -> ~90% of a bare proxy at c=50).
   * Only far from the cap (where the quarter-of-headroom bound does not bite): near it, admissions stay on demand,
   * so what one instance holds ahead cannot make another refuse.
   */
  private topUpIfLow(apiUserId: string, month: string, cap: number, estimate: number): void {
    const advance = saturateTokens(this.options.leaseRequests * estimate);
    if (!this.leases.wantsTopUp(apiUserId, month, advance / 2, 4 * advance)) return;
    let release!: () => void;
    const refill = new Promise<void>((resolve) => (release = resolve));
    this.leases.beginTopUp(apiUserId, month, refill);
    const end = (grant: { leftover: number; unreserved: number | null }) =>
      this.leases.endRefill(apiUserId, month, cap, refill, grant, Date.now(), this.giveBack);
    const done: Promise<void> = this.reserve({
      apiUserId,
      month,
      need: 0,
      advance,
      cap,
    })
      .then(
        (grant) => {
          this.topUpLog.succeeded();
          end({
            leftover: grant.granted,
            unreserved: Math.max(0, cap - grant.tokensUsed - grant.tokensReserved),
          });
        },
        (err: unknown) => {
          this.topUpLog.failed({ err: errSummary(err) });
          end({ leftover: 0, unreserved: null });
        },
      )
      .finally(() => {
        release();
        this.topUps.delete(done);
      });
    this.topUps.add(done);
  }

  /** Without leases: every admission is its own conditional reservation. */
  private async admitExactly(apiUserId: string, month: string, cap: number, estimate: number) {
    const grant = await this.reserve({
      apiUserId,
      month,
      need: estimate,
      advance: 0,
      cap,
    });
    const remaining = Math.max(0, cap - grant.tokensUsed - grant.tokensReserved);
    return grant.admitted
      ? this.admitted(apiUserId, month, estimate, remaining)
      : { admitted: false as const, remaining };
  }

  /** Gives unused lease tokens back to the database with the next settlement batch. */
  private readonly giveBack = (r: LeaseReturn): void => {
    this.addMonthly({
      instanceId: this.instanceId,
      apiUserId: r.apiUserId,
      month: r.month,
      used: 0,
      released: r.tokens,
      requests: 0,
    });
  };

  /** Gives back every lease now, after any top-up in flight (at shutdown; tests use it to see exact reservations). */
  async returnLeases(): Promise<void> {
    while (this.topUps.size > 0) await Promise.all([...this.topUps]);
    this.leases.returnAll(this.giveBack);
  }

  /** Queues the end of a request; never blocks and never throws. */
  settle(s: Settlement): void {
    const month = s.reservation?.month ?? monthOf(s.at);
    this.addMonthly({
      instanceId: s.reservation?.instanceId ?? this.instanceId,
      apiUserId: s.apiUserId,
      month,
      used: s.tokens,
      released: s.reservation?.tokens ?? 0,
      requests: 1,
    });
    const day = dayOf(s.at);
    const dk = `${s.apiUserId}\u0000${day}`;
    const d = this.daily.get(dk);
    if (d) {
      d.tokens += s.tokens;
      d.requests += 1;
    } else {
      this.daily.set(dk, { apiUserId: s.apiUserId, day, tokens: s.tokens, requests: 1 });
    }
    const last = this.lastUse.get(s.apiUserId);
    if (!last || last.at < s.at) this.lastUse.set(s.apiUserId, { apiUserId: s.apiUserId, at: s.at });
  }

  /** Tokens this process holds in monthly-cap leases (the metrics endpoint). */
  get leasedTokens(): number {
    return this.leases.held;
  }

  /** Settlements queued and not yet written. */
  get pending(): number {
    return this.monthly.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.leases.returnIdle(Date.now() - (this.options.leaseIdleMs ?? 2_000), this.giveBack);
      if (Date.now() >= this.settleRetryAt) void this.flush();
    }, this.options.flushMs);
    this.timer.unref();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    // Registered from the start, so the admin status lists every running instance (the first admission would
    // register it anyway).
    void this.register()
      .catch((err: unknown) =>
        this.options.logger.warn({ err: errSummary(err) }, "usage: registering the instance failed"),
      )
      .then(() => this.heartbeat());
  }

  /**
   * Proves this instance alive (rejoining if it was taken for dead) and, if the previous heartbeat reached the
   * database too, gives back what instances silent for staleAfterMs held.
   */
  async heartbeat(): Promise<void> {
    const reachedBefore = this.databaseReached;
    this.databaseReached = false;
    try {
      if (this.registered) {
        await this.registered;
        const id = this.instanceId;
        if (!(await heartbeatInstance(this.options.db, id)) && this.instanceId === id) this.rejoin();
      }
      this.databaseReached = true;
      this.heartbeatLog.succeeded();
      // Right after the database comes back every instance's heartbeat looks stale: give the others one interval
      // to refresh theirs before taking anyone for dead.
      if (!reachedBefore) return;
      const reclaimed = await reclaimStaleInstances(
        this.options.db,
        this.options.staleAfterMs ?? STALE_AFTER_MS,
      );
      if (reclaimed.instances.length > 0)
        this.options.logger.warn(
          reclaimed,
          "usage: gave back the reservations of instances that stopped without a shutdown",
        );
    } catch (err) {
      this.heartbeatLog.failed({ err: errSummary(err) });
    }
  }

  /** Writes everything queued so far; concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.monthly.size === 0 && this.lastUse.size === 0) return Promise.resolve();
    const batch = {
      monthly: [...this.monthly.values()].sort((a, b) => cmp(a.apiUserId, b.apiUserId)),
      daily: [...this.daily.values()].sort((a, b) => cmp(a.apiUserId, b.apiUserId)),
      lastUse: [...this.lastUse.values()].sort((a, b) => cmp(a.apiUserId, b.apiUserId)),
    };
    this.monthly = new Map();
    this.daily = new Map();
    this.lastUse = new Map();
    this.flushing = applySettlements(this.options.db, batch)
      .then(
        () => {
          this.settleRetryAt = 0;
          this.settleLog.succeeded();
        },
        (err: unknown) => {
          // Keep the batch: reservations stay held (safe side) until a later flush succeeds.
          this.settleLog.failed({ err: errSummary(err), users: batch.monthly.length });
          this.settleRetryAt =
            Date.now() + Math.min(this.options.flushMs * 2 ** this.settleLog.count, MAX_SETTLE_BACKOFF_MS);
          this.requeue(batch);
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Stops the timer and writes what is left (run at shutdown, before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.timer = this.heartbeatTimer = null;
    await this.returnLeases();
    await this.flush();
    if (this.pending > 0) {
      this.options.logger.error({ users: this.pending }, "usage: settlements lost at shutdown");
      return;
    }
    // Still holding something (a settlement failed): stay registered, so another instance gives it back later.
    if (this.registered)
      await leaveInstance(this.options.db, this.instanceId).catch((err: unknown) =>
        this.options.logger.warn({ err: errSummary(err) }, "usage: leaving the instance registry failed"),
      );
  }

  private addMonthly(m: MonthlySettlement): void {
    const k = `${m.instanceId}\u0000${m.apiUserId}\u0000${m.month}`;
    const cur = this.monthly.get(k);
    if (cur) {
      cur.used += m.used;
      cur.released += m.released;
      cur.requests += m.requests;
    } else this.monthly.set(k, { ...m });
  }

  private requeue(batch: {
    monthly: MonthlySettlement[];
    daily: DailySettlement[];
    lastUse: LastUse[];
  }): void {
    for (const m of batch.monthly) this.addMonthly(m);
    for (const d of batch.daily) {
      const k = `${d.apiUserId}\u0000${d.day}`;
      const cur = this.daily.get(k);
      if (cur) {
        cur.tokens += d.tokens;
        cur.requests += d.requests;
      } else this.daily.set(k, d);
    }
    for (const l of batch.lastUse) {
      const cur = this.lastUse.get(l.apiUserId);
      if (!cur || cur.at < l.at) this.lastUse.set(l.apiUserId, l);
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
