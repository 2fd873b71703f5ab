/**
 * @module Token leases: tokens of a user's month that this instance has already reserved in the database (as an
 * advance on an earlier admission) and not yet handed to a request. A request whose estimate fits the lease is
 * admitted here, without a database round trip; the database still counts the lease as reserved, so the cap holds
 * across instances. Plain in-memory bookkeeping; the usage meter does the database calls and returns leases.
 */

type Lease = {
  apiUserId: string;
  month: string;
  /** The cap the lease was granted under; a changed cap voids the lease. */
  cap: number;
  /** Reserved in the database for this instance, not yet handed to a request. */
  available: number;
  /** Tokens of the month reserved nowhere, as the database said at the last grant (for the remaining header). */
  unreservedAtGrant: number;
  lastUsedAt: number;
  /** The database admission in flight for this user and month, which others wait for rather than racing it. */
  refill: Promise<void> | null;
  /** Requests waiting for that admission (the next one reserves room for them too). */
  waiting: number;
};

/** Tokens to give back to the database: released from the month's reservation, counting no request. */
export type LeaseReturn = { apiUserId: string; month: string; tokens: number };

export class TokenLeases {
  private readonly leases = new Map<string, Lease>();

  /**
   * Hands `estimate` tokens to a request from the lease if it holds enough under this `cap`; returns the tokens
   * left for the month (approximate: other instances' use since the last grant is not seen), or null. What a lease
   * holds under another cap is given back through `onReturn` first.
   */
  take(
    apiUserId: string,
    month: string,
    cap: number,
    estimate: number,
    now: number,
    onReturn: (r: LeaseReturn) => void,
  ): number | null {
    const lease = this.leases.get(keyOf(apiUserId, month));
    if (!lease) return null;
    settleCap(lease, cap, onReturn);
    if (lease.available < estimate) return null;
    lease.available -= estimate;
    lease.lastUsedAt = now;
    return lease.unreservedAtGrant + lease.available;
  }

  /** Waits for the database admission already running for this user and month, if any; null if none. */
  waitForRefill(apiUserId: string, month: string): Promise<void> | null {
    const lease = this.leases.get(keyOf(apiUserId, month));
    const refill = lease?.refill;
    if (!lease || !refill) return null;
    lease.waiting++;
    return refill.finally(() => {
      lease.waiting--;
    });
  }

  /**
   * Starts a database admission: takes what is left of the lease (to be combined with the request's need), and
   * registers `refill` for others to wait on. Returns the tokens taken and how many requests are waiting.
   */
  beginRefill(
    apiUserId: string,
    month: string,
    cap: number,
    now: number,
    refill: Promise<void>,
    onReturn: (r: LeaseReturn) => void,
  ): { taken: number; waiting: number } {
    const lease = this.leaseFor(apiUserId, month, cap, now);
    settleCap(lease, cap, onReturn);
    const taken = lease.available;
    lease.available = 0;
    lease.refill = refill;
    return { taken, waiting: lease.waiting };
  }

  /**
   * Whether the lease should be topped up ahead of need: it holds less than `lowWater`, no admission is in flight,
   * and the month had at least `minUnreserved` tokens reserved nowhere at the last grant.
   */
  wantsTopUp(apiUserId: string, month: string, lowWater: number, minUnreserved: number): boolean {
    const lease = this.leases.get(keyOf(apiUserId, month));
    return (
      !!lease &&
      lease.refill === null &&
      lease.available < lowWater &&
      lease.unreservedAtGrant >= minUnreserved
    );
  }

  /** Starts a top-up: like beginRefill, but the lease keeps what it holds and goes on serving requests. */
  beginTopUp(apiUserId: string, month: string, refill: Promise<void>): void {
    const lease = this.leases.get(keyOf(apiUserId, month));
    if (lease) lease.refill = refill;
  }

  /**
   * Ends a database admission (or top-up) made under `cap`: adds what it left over to the lease (or gives it back if the cap
   * changed meanwhile). `unreserved` is null when the database did not answer. Returns the tokens left for the month.
   */
  endRefill(
    apiUserId: string,
    month: string,
    cap: number,
    refill: Promise<void>,
    grant: { leftover: number; unreserved: number | null },
    now: number,
    onReturn: (r: LeaseReturn) => void,
  ): number {
    const lease = this.leaseFor(apiUserId, month, cap, now);
    if (lease.refill === refill) lease.refill = null;
    const unreserved = grant.unreserved ?? lease.unreservedAtGrant;
    if (lease.cap !== cap) {
      if (grant.leftover > 0) onReturn({ apiUserId, month, tokens: grant.leftover });
      return unreserved;
    }
    lease.available += grant.leftover;
    lease.unreservedAtGrant = unreserved;
    lease.lastUsedAt = now;
    return unreserved + lease.available;
  }

  /** Returns the leases unused since `idleSince` (and those of past months) through `onReturn`. */
  returnIdle(idleSince: number, onReturn: (r: LeaseReturn) => void): void {
    for (const lease of this.leases.values()) {
      if (lease.refill === null && lease.lastUsedAt < idleSince) this.void(lease, onReturn);
    }
  }

  /** Returns every lease (shutdown, or to see exact reservations). */
  returnAll(onReturn: (r: LeaseReturn) => void): void {
    for (const lease of this.leases.values()) {
      if (lease.refill === null) this.void(lease, onReturn);
      else if (lease.available > 0) {
        onReturn({ apiUserId: lease.apiUserId, month: lease.month, tokens: lease.available });
        lease.available = 0;
      }
    }
  }

  /** Tokens held in leases, all users together. */
  get held(): number {
    let sum = 0;
    for (const lease of this.leases.values()) sum += lease.available;
    return sum;
  }

  private leaseFor(apiUserId: string, month: string, cap: number, now: number): Lease {
    const k = keyOf(apiUserId, month);
    let lease = this.leases.get(k);
    if (!lease) {
      lease = {
        apiUserId,
        month,
        cap,
        available: 0,
        unreservedAtGrant: 0,
        lastUsedAt: now,
        refill: null,
        waiting: 0,
      };
      this.leases.set(k, lease);
    }
    return lease;
  }

  private void(lease: Lease, onReturn: (r: LeaseReturn) => void): void {
    this.leases.delete(keyOf(lease.apiUserId, lease.month));
    if (lease.available > 0) {
      onReturn({ apiUserId: lease.apiUserId, month: lease.month, tokens: lease.available });
    }
  }
}

/** Tokens leased under an old cap are given back: a lowered cap must hold from the next request on. */
function settleCap(lease: Lease, cap: number, onReturn: (r: LeaseReturn) => void): void {
  if (lease.cap === cap) return;
  if (lease.available > 0)
    onReturn({ apiUserId: lease.apiUserId, month: lease.month, tokens: lease.available });
  lease.available = 0;
  lease.cap = cap;
}

function keyOf(apiUserId: string, month: string): string {
  return `${apiUserId}\u0000${month}`;
}
