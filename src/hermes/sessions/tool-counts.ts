/**
 * @module Top tools for the insights view, counted incrementally. Counting the tool calls in assistant messages
 * means reading every message row of the window and parsing its `tool_calls` JSON: at a million messages that is
 * 1–2 s of SQLite work, far too slow for a view. Hermes only ever appends messages (AUTOINCREMENT ids), so each
 * database gets per-day counts kept in memory: built once in the background, in chunks of message ids (other reads
 * interleave between chunks), then brought up to date on each view by reading only the messages added since.
 *
 * What it leaves out: messages deleted in Hermes after they were counted stay counted until the hourly rebuild;
 * `tool_calls` that is not valid JSON is not counted. Days are the UTC day of the message's own timestamp.
 */
import type { Logger } from "../../logging/logger.js";
import type { HermesDb } from "../sqlite/hermes-db.js";

/** Counted history: the longest window (90 days) plus a margin. */
const HORIZON_DAYS = 95;
const CHUNK_IDS = 20_000;
/** A gap this small is counted inline before answering; a larger one continues in the background. */
const INLINE_IDS = 20_000;
const REBUILD_MS = 60 * 60 * 1000;
const MAX_DATABASES = 16;
const MAX_TOOLS_PER_DAY = 500;

export type ToolCount = { tool: string; calls: number };

export type TopTools = {
  /** `ok`: counted up to the newest message; `partial`: still counting in the background (figures so far). */
  status: "ok" | "partial" | "unavailable";
  data: ToolCount[];
  /** Message ids left to count, while partial. */
  pending_messages: number;
};

export type ToolCounts = {
  top(db: HermesDb, identity: string, sinceDay: string, limit: number): Promise<TopTools>;
  stop(): void;
};

type Entry = {
  db: HermesDb;
  days: Map<string, Map<string, number>>;
  /** Highest message id counted; the next chunk starts after it. */
  counted: number;
  builtAt: number;
  usedAt: number;
  running: Promise<void> | null;
  /** A fresh rebuild in progress replaces this entry when done. */
  next: Entry | null;
};

const CHUNK_SQL = `
SELECT date(m.timestamp, 'unixepoch') AS day,
       coalesce(json_extract(t.value, '$.function.name'), json_extract(t.value, '$.name'), '(unnamed)') AS tool,
       count(*) AS calls
FROM messages m, json_each(CASE WHEN json_valid(m.tool_calls) THEN m.tool_calls ELSE '[]' END) t
WHERE m.id > ? AND m.id <= ? AND m.role = 'assistant' AND m.tool_calls IS NOT NULL AND t.type = 'object'
GROUP BY day, tool`;

function usable(db: HermesDb): boolean {
  return ["id", "role", "tool_calls", "timestamp"].every((c) => db.has("messages", c));
}

async function maxId(db: HermesDb): Promise<number> {
  const [rows] = await db.read([{ sql: "SELECT coalesce(max(id), 0) AS n FROM messages" }]);
  return Number(rows![0]!.n);
}

/** The first message id at or after `since` (epoch s), by binary search on the append-only id order. */
async function firstIdSince(db: HermesDb, since: number, hi: number): Promise<number> {
  let lo = 0;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [rows] = await db.read([
      { sql: "SELECT id, timestamp FROM messages WHERE id > ? ORDER BY id LIMIT 1", params: [mid] },
    ]);
    const row = rows![0];
    if (!row || Number(row.timestamp) >= since) hi = mid;
    else lo = Number(row.id);
  }
  return lo;
}

function newEntry(db: HermesDb): Entry {
  return {
    db,
    days: new Map(),
    counted: -1,
    builtAt: Date.now(),
    usedAt: Date.now(),
    running: null,
    next: null,
  };
}

export function createToolCounts(logger: Logger): ToolCounts {
  const entries = new Map<string, Entry>();
  let stopped = false;

  const countChunk = async (e: Entry, to: number) => {
    const from = e.counted;
    const [rows] = await e.db.read([{ sql: CHUNK_SQL, params: [from, to] }]);
    for (const row of rows!) {
      const day = String(row.day);
      let tools = e.days.get(day);
      if (!tools) e.days.set(day, (tools = new Map()));
      const tool = String(row.tool).slice(0, 128);
      const key = tools.has(tool) || tools.size < MAX_TOOLS_PER_DAY ? tool : "(other)";
      tools.set(key, (tools.get(key) ?? 0) + Number(row.calls));
    }
    e.counted = to;
  };

  /** Counts up to `target` in chunks; when `e` is a rebuild, it replaces `current` at the end. */
  const build = async (e: Entry, target: number, identity: string) => {
    if (e.counted < 0) e.counted = await firstIdSince(e.db, Date.now() / 1000 - HORIZON_DAYS * 86400, target);
    while (!stopped && e.counted < target) await countChunk(e, Math.min(target, e.counted + CHUNK_IDS));
    const current = entries.get(identity);
    if (current && current.next === e) {
      e.usedAt = current.usedAt;
      entries.set(identity, e);
    }
  };

  const startBuild = (e: Entry, target: number, identity: string) => {
    e.running = build(e, target, identity)
      .catch((err: unknown) => {
        logger.warn(
          { kind: (err as { kind?: string }).kind ?? "error" },
          "hermes: counting tool calls failed",
        );
        const current = entries.get(identity);
        if (current === e) entries.delete(identity);
        else if (current?.next === e) current.next = null;
      })
      .finally(() => {
        e.running = null;
      });
  };

  const prune = (e: Entry) => {
    const oldest = new Date(Date.now() - HORIZON_DAYS * 86400_000).toISOString().slice(0, 10);
    for (const day of e.days.keys()) if (day < oldest) e.days.delete(day);
  };

  const evict = () => {
    while (entries.size > MAX_DATABASES) {
      const [oldest] = [...entries].sort((a, b) => a[1].usedAt - b[1].usedAt)[0]!;
      entries.delete(oldest);
    }
  };

  return {
    async top(db, identity, sinceDay, limit) {
      if (!usable(db)) return { status: "unavailable", data: [], pending_messages: 0 };
      const newest = await maxId(db);
      let e = entries.get(identity);
      // A database with fewer messages than counted was replaced or reset: count again.
      if (e && newest < e.counted) e = undefined;
      if (!e) {
        e = newEntry(db);
        entries.set(identity, e);
        evict();
      }
      e.db = db;
      e.usedAt = Date.now();
      if (!e.running && !e.next && Date.now() - e.builtAt > REBUILD_MS) {
        e.next = newEntry(db);
        startBuild(e.next, newest, identity);
      }
      // A small gap (or a small database) is counted before answering, and errors then reach the pane as usual;
      // a larger one is counted in the background while the view answers with what is counted so far.
      const small = newest - Math.max(e.counted, 0) <= INLINE_IDS;
      if (e.running) {
        if (small) await e.running;
      } else if (small) {
        const entry = e;
        entry.running = build(entry, newest, identity).finally(() => {
          entry.running = null;
        });
        await entry.running;
      } else startBuild(e, newest, identity);
      prune(e);
      const totals = new Map<string, number>();
      for (const [day, tools] of e.days) {
        if (day < sinceDay) continue;
        for (const [tool, n] of tools) totals.set(tool, (totals.get(tool) ?? 0) + n);
      }
      const data = [...totals]
        .map(([tool, calls]) => ({ tool, calls }))
        .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool))
        .slice(0, limit);
      const pending = Math.max(0, newest - Math.max(e.counted, 0));
      return { status: pending === 0 ? "ok" : "partial", data, pending_messages: pending };
    },
    stop() {
      stopped = true;
      entries.clear();
    },
  };
}
