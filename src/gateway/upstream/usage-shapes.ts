/**
 * @module Reads token usage out of each OpenAI response shape: chat/completions (`prompt_tokens`,
 * `completion_tokens`), embeddings (`prompt_tokens` only) and responses (`input_tokens`, `output_tokens`).
 */
import type { AuditUsage } from "../../audit/audit-record.js";
import { roughTokenCount } from "../../usage/token-estimate.js";

/** Largest count stored (the audit columns are 32-bit): an upstream's absurd figure must not fail the write. */
const MAX_TOKENS = 2_147_483_647;

/** A token count as a whole number within range, or null when it is not a count at all. */
const num = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.min(Math.ceil(v), MAX_TOKENS) : null;

/** Provider-reported usage from a `usage` object of any supported shape, or null when it has none. */
export function readUsage(usage: unknown): AuditUsage | null {
  if (!usage || typeof usage !== "object") return null;
  const u = usage as Record<string, unknown>;
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completion = num(u.completion_tokens) ?? num(u.output_tokens) ?? 0;
  const total = num(u.total_tokens);
  if (prompt === null && total === null) return null;
  const p = prompt ?? Math.max(0, (total ?? 0) - completion);
  return {
    promptTokens: p,
    completionTokens: completion,
    totalTokens: Math.min(total ?? p + completion, MAX_TOKENS),
    source: "provider",
  };
}

/** A usage figure for an answer without one: rough counts of what was sent and what came back. */
export function estimateUsage(requestText: string, completionText: string): AuditUsage {
  const p = roughTokenCount(requestText);
  const c = roughTokenCount(completionText);
  return { promptTokens: p, completionTokens: c, totalTokens: p + c, source: "estimated" };
}
