/**
 * @module Reading the admin action trail: filtered pages, newest first, with an opaque cursor for the next page.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { listAdminEvents, type AdminEvent, type AdminEventFilter } from "./admin-events.repository.js";

export const MAX_PAGE_SIZE = 500;

export type AdminEventPage = { data: AdminEvent[]; nextCursor: string | null };

export function encodeCursor(id: number): string {
  return Buffer.from(`e:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^e:(\d{1,18})$/.exec(text);
  if (!match)
    throw new AppError("invalid_request", "cursor: is not a cursor this API returned", { param: "cursor" });
  return Number(match[1]);
}

export async function pageAdminEvents(
  db: Kysely<DB>,
  filter: Omit<AdminEventFilter, "beforeId">,
  options: { limit: number; cursor?: string },
): Promise<AdminEventPage> {
  const limit = Math.min(Math.max(1, options.limit), MAX_PAGE_SIZE);
  const beforeId = options.cursor ? decodeCursor(options.cursor) : undefined;
  // One extra row tells whether another page exists without a count query.
  const rows = await listAdminEvents(
    db,
    { ...filter, ...(beforeId !== undefined ? { beforeId } : {}) },
    limit + 1,
  );
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor(data.at(-1)!.id) : null };
}
