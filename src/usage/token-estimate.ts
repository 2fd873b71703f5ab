/**
 * @module Token estimates: a conservative upper bound for admission (never below what an upstream can bill for a
 * request that honours max_tokens) and a rough figure for answers whose usage the upstream did not report.
 */

/**
 * Tokens reserved against a monthly cap before the call. Every BPE token covers at least one byte, and the JSON body
 * is longer than the text the model sees (per-message template tokens are fewer than the JSON punctuation around each
 * message), so the body size bounds the prompt tokens from above.
 */
export function admissionEstimate(bodyBytes: number, maxCompletionTokens: number): number {
  return saturateTokens(bodyBytes + maxCompletionTokens);
}

/**
 * The largest token count the gateway computes with. A client may name any budget (`max_tokens: 1e308`); past this
 * it is inadmissible under any cap (caps are at most this), and the sums and products of the admission arithmetic
 * stay exact and within PostgreSQL's bigint.
 */
export const MAX_TOKEN_COUNT = Number.MAX_SAFE_INTEGER;

/** A token count as a whole number in 0..MAX_TOKEN_COUNT (NaN counts as 0). */
export function saturateTokens(n: number): number {
  return n > 0 ? Math.min(Math.ceil(n), MAX_TOKEN_COUNT) : 0;
}

/** Roughly four characters per token on English text; used only when the upstream reports no usage. */
export function roughTokenCount(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** The completion budget a request names (`max_completion_tokens`, `max_tokens`, `max_output_tokens`), if any. */
export function requestedMaxTokens(body: Record<string, unknown>): number | null {
  for (const field of ["max_completion_tokens", "max_tokens", "max_output_tokens"]) {
    const v = body[field];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return saturateTokens(v);
  }
  return null;
}
