/**
 * @module Field schemas shared by the admin resources, each with a message that names what is expected (the
 * validation helper prefixes the field name). Messages never quote the rejected value.
 */
import { z } from "zod";

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One line of text for people to read: no control characters (a newline or an escape sequence in a list). */
export const displayName = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .refine((v) => !CONTROL.test(v), "must not contain control characters");

/** http(s) only, no embedded credentials (they would be shown back in every response). */
export const upstreamUrl = z
  .string({ error: "must be a string" })
  .max(2048, "must be at most 2048 characters")
  .superRefine((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
      ctx.addIssue({ code: "custom", message: "must be an http:// or https:// URL" });
    } else if (url.username !== "" || url.password !== "") {
      ctx.addIssue({ code: "custom", message: "must not contain credentials; set upstream_api_key instead" });
    } else if (url.search !== "" || url.hash !== "") {
      ctx.addIssue({ code: "custom", message: "must not contain a query or fragment" });
    }
  });

/** Sent as `Authorization: Bearer <key>`: only what an HTTP header can carry unchanged. */
export const upstreamApiKey = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty (use null to remove it)")
  .max(4096, "must be at most 4096 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** The form of a tenant's Hermes home; the service then checks it exists inside HERMES_STATE_ROOTS. */
export const hermesHomePath = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty (use null to remove it)")
  .max(4096, "must be at most 4096 characters")
  .refine((v) => v.startsWith("/") && !v.includes("\0"), "must be an absolute path");
