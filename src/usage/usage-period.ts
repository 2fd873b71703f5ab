/**
 * @module Calendar periods for usage, all in UTC: the month a cap applies to, the day a request counts for.
 */

const DAY_MS = 86_400_000;
/** The last day asked for, with its month: every settlement asks (toISOString per request showed in profiles). */
let cached = { from: 0, until: 0, day: "", month: "" };

function periodOf(at: Date): typeof cached {
  const t = at.getTime();
  if (t < cached.from || t >= cached.until) {
    const from = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
    cached = {
      from,
      until: from + DAY_MS,
      day: at.toISOString().slice(0, 10),
      month: `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`,
    };
  }
  return cached;
}

/** `YYYY-MM-01` of the month containing `at` (UTC). */
export function monthOf(at: Date): string {
  return periodOf(at).month;
}

/** `YYYY-MM-DD` (UTC). */
export function dayOf(at: Date): string {
  return periodOf(at).day;
}

/** The instant the monthly budget of `at`'s month resets: the first moment of the next month, UTC. */
export function monthResetAt(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/**
 * The UTC days (`YYYY-MM-DD`) from `first` up to, not including, `next`, and no later than the day of `until`.
 */
export function daysBetween(first: string, next: string, until: Date): string[] {
  const days: string[] = [];
  const last = Math.min(Date.parse(`${next}T00:00:00Z`), until.getTime() + 1);
  for (let t = Date.parse(`${first}T00:00:00Z`); t < last; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
