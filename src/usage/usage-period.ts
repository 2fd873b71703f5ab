/**
 * @module Calendar periods for usage, all in UTC: the month a cap applies to, the day a request counts for.
 */

/** `YYYY-MM-01` of the month containing `at` (UTC). */
export function monthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** `YYYY-MM-DD` (UTC). */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
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
