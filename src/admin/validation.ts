/**
 * @module Request validation for the admin API: zod schemas in, AppError `invalid_request` out, with a message that
 * names the field, so every validation failure goes through the one error renderer. Text PostgreSQL cannot store
 * (NUL, unpaired surrogates) is refused here for every JSON body, whatever its schema.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors/app-error.js";

/** A field name safe to show: a plain identifier or index, never a client's arbitrary text. */
const PLAIN_NAME = /^[\w$-]{1,32}$/;

/** A path of keys and indexes as `a.b.0`, with any key that is not a plain name shown as `*`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" || PLAIN_NAME.test(String(p)) ? String(p) : "*")).join(".");
}

function toAppError(error: z.ZodError, where: "body" | "query"): AppError {
  const issue = error.issues[0]!;
  const field = fieldPath(issue.path);
  // Zod's default messages can quote the rejected input (and unknown keys); ours never do, so a pasted secret is
  // not echoed.
  const text =
    issue.code === "unrecognized_keys"
      ? unknownFields(issue.keys)
      : field
        ? `${field}: ${issue.message}`
        : `Invalid request ${where}: ${issue.message}`;
  return new AppError("invalid_request", text, field ? { param: field } : {});
}

function unknownFields(keys: readonly string[]): string {
  const shown = keys.filter((k) => PLAIN_NAME.test(k)).slice(0, 5);
  return shown.length === keys.length
    ? `Unknown field${keys.length > 1 ? "s" : ""}: ${shown.join(", ")}.`
    : "The request has a field this API does not know.";
}

/** A NUL, or a UTF-16 surrogate without its pair (it has no UTF-8 form). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL text (and jsonb) can hold `s`. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/**
 * The path of the first string (or key) in a parsed JSON value that PostgreSQL cannot store, or null. Iterative, so
 * a body nested thousands of levels deep costs no stack.
 */
export function findUnstorableText(value: unknown): PropertyKey[] | null {
  type Node = { value: unknown; key: PropertyKey; parent: Node | null };
  // Parent links, not copied paths: a deep body would otherwise cost its depth squared.
  const pathOf = (n: Node | null): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at = n; at && at.parent; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Node[] = [{ value, key: "", parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === "string") {
      if (!isStorableText(v)) return pathOf(node);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorableText(k)) return pathOf(node);
        stack.push({ value: child, key: k, parent: node });
      }
    }
  }
  return null;
}

/**
 * Reads the JSON body and parses it against `schema`: malformed JSON is `invalid_json`; unstorable text and schema
 * failures are `invalid_request` naming the field.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError("invalid_json", "The request body is not valid JSON.");
    }
  }
  const bad = findUnstorableText(raw);
  if (bad) {
    const field = fieldPath(bad);
    throw new AppError(
      "invalid_request",
      `${field || "body"}: must not contain NUL characters or unpaired surrogates`,
      field ? { param: field } : {},
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw toAppError(parsed.error, "body");
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw toAppError(parsed.error, "query");
  return parsed.data;
}
