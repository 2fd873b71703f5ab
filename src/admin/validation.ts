/**
 * @module Request validation for the admin API: zod schemas in, AppError `invalid_request` out, with a message that
 * names the field, so every validation failure goes through the one error renderer.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors/app-error.js";

function toAppError(error: z.ZodError, where: "body" | "query"): AppError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join(".");
  // Zod's default messages can quote the rejected input; ours never do, so a pasted secret is not echoed.
  const message = field ? `${field}: ${issue.message}` : `Invalid request ${where}: ${issue.message}`;
  return new AppError("invalid_request", message, field ? { param: field } : {});
}

/** Parses the JSON body against `schema`; malformed JSON is `invalid_json`, a schema failure `invalid_request`. */
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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw toAppError(parsed.error, "body");
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw toAppError(parsed.error, "query");
  return parsed.data;
}
