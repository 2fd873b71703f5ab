/**
 * @module Query and path fields the Hermes pane routes share. Messages name what is expected and never quote the
 * value; names that select a file (a job, a log, a board) are checked against a strict pattern here and then looked
 * up among what the pane lists, so no request can name a path.
 */
import { z } from "zod";
import { AppError } from "../../../errors/app-error.js";

export const isoDate = z
  .string({ error: "must be a string" })
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
    "must be an ISO 8601 date or time",
  )
  .transform((v) => new Date(v));

export function pageLimit(max: number, fallback: number) {
  return z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback);
}

export const cursor = z.string({ error: "must be a string" }).max(512, "is too long");

export const bool = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((v) => v === "true");

/** A path parameter that must match `pattern`; 400 naming the parameter otherwise. */
export function pathParam(
  value: string | undefined,
  name: string,
  pattern: RegExp,
  expected: string,
): string {
  if (value === undefined || !pattern.test(value)) {
    throw new AppError("invalid_request", `${name}: must be ${expected}`, { param: name });
  }
  return value;
}

/** Hermes' own ids and names: letters, digits, `-`, `_`, `.`, `:` (no `/`, no `..` on its own). */
export const ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.:@-]{1,256}$/;
