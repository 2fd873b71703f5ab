/**
 * @module Bench data: a Hermes `state.db` of a busy profile, in the current schema and WAL mode, built with the test
 * fixtures' DDL. Sessions are spread over the last 90 days across sources (cli, telegram, discord, api_server, cron
 * runs `cron_<job>_<time>`, subagents) and models; each has `messagesPerSession` messages in turns of user →
 * assistant with tool calls → tool result → assistant answer, and one or two `session_model_usage` rows.
 * Deterministic (a fixed-seed PRNG) apart from `now`.
 */
import { createStateDb } from "../test/fixtures/hermes/hermes-dbs.js";

export type StateDataOptions = { sessions: number; messagesPerSession: number; now?: number };

const SOURCES = [
  "cli",
  "cli",
  "cli",
  "cli",
  "telegram",
  "telegram",
  "discord",
  "api_server",
  "cron",
  "subagent",
];
const MODELS = [
  "anthropic/claude-sonnet-4",
  "openai/gpt-5",
  "nous/hermes-4-405b",
  "google/gemini-2.5-pro",
  "qwen/qwen3-32b",
];
const TOOLS = [
  "terminal",
  "read_file",
  "write_file",
  "search_files",
  "web_search",
  "web_extract",
  "browser_navigate",
  "memory",
  "skill_view",
  "todo",
  "delegate_task",
  "cronjob",
];
const CRON_JOBS = ["0123456789ab", "fedcba987654", "a1b2c3d4e5f6"];
const WORDS = "the agent read a file ran a command and summarised what it found for the operator".split(" ");

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(rand: () => number, chars: number): string {
  let out = "";
  while (out.length < chars) out += WORDS[Math.floor(rand() * WORDS.length)] + " ";
  return out.slice(0, chars);
}

function stamp(t: number): string {
  return new Date(t * 1000).toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
}

/** Builds the database at `file` and returns the number of sessions and messages written. */
export function buildStateDb(
  file: string,
  options: StateDataOptions,
): { sessions: number; messages: number } {
  const rand = prng(20261203);
  const now = options.now ?? Date.now() / 1000;
  const db = createStateDb(file, "current");
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, source, model, started_at, ended_at, end_reason, message_count, tool_call_count,
       api_call_count, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
       billing_provider, estimated_cost_usd, actual_cost_usd, cost_status, title, last_activity_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertUsage = db.prepare(
    `INSERT INTO session_model_usage (session_id, model, billing_provider, task, api_call_count, input_tokens,
       output_tokens, cache_read_tokens, estimated_cost_usd, actual_cost_usd, first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, tool_name, timestamp, token_count,
       finish_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let messages = 0;
  const turns = Math.max(1, Math.floor(options.messagesPerSession / 4));
  const batch = 250;
  for (let first = 0; first < options.sessions; first += batch) {
    db.transaction(() => {
      for (let i = first; i < Math.min(options.sessions, first + batch); i++) {
        const started = now - (i / options.sessions) * 90 * 86400 - rand() * 3600;
        const source = SOURCES[Math.floor(rand() * SOURCES.length)]!;
        const model = MODELS[Math.floor(rand() * MODELS.length)]!;
        const id =
          source === "cron"
            ? `cron_${CRON_JOBS[i % CRON_JOBS.length]}_${stamp(started)}_${i}`
            : `${stamp(started)}_${i.toString(16).padStart(6, "0")}`;
        const input = 2000 + Math.floor(rand() * 50_000);
        const output = 200 + Math.floor(rand() * 5_000);
        const estimated = (input * 3 + output * 15) / 1e6;
        const actual = model.startsWith("openai") ? estimated * 1.02 : 0;
        const ended = started + turns * 20;
        insertSession.run(
          id,
          source,
          model,
          started,
          ended,
          "user_exit",
          turns * 4,
          turns,
          turns * 2,
          input,
          output,
          Math.floor(input / 3),
          Math.floor(input / 20),
          Math.floor(output / 4),
          "openrouter",
          estimated,
          actual,
          actual > 0 ? "actual" : "estimated",
          text(rand, 40),
          ended,
        );
        insertUsage.run(
          id,
          model,
          "openrouter",
          "",
          turns * 2,
          input,
          output,
          Math.floor(input / 3),
          estimated,
          actual,
          started,
          ended,
        );
        if (i % 4 === 0)
          insertUsage.run(id, MODELS[4]!, "openrouter", "title", 1, 300, 20, 0, 0.0001, 0, started, started);
        for (let t = 0; t < turns; t++) {
          const ts = started + t * 20;
          const calls = 1 + Math.floor(rand() * 2);
          const callList = Array.from({ length: calls }, (_, k) => ({
            id: `call_${t}_${k}`,
            type: "function",
            function: {
              name: TOOLS[Math.floor(rand() * TOOLS.length)]!,
              arguments: JSON.stringify({ path: `/work/src/file${k}.ts`, query: text(rand, 30) }),
            },
          }));
          insertMessage.run(id, "user", text(rand, 120), null, null, null, ts, 30, null);
          insertMessage.run(
            id,
            "assistant",
            text(rand, 80),
            null,
            JSON.stringify(callList),
            null,
            ts + 2,
            60,
            "tool_calls",
          );
          insertMessage.run(
            id,
            "tool",
            text(rand, 600),
            "call_0",
            null,
            callList[0]!.function.name,
            ts + 5,
            150,
            null,
          );
          insertMessage.run(id, "assistant", text(rand, 300), null, null, null, ts + 9, 80, "stop");
          messages += 4;
        }
      }
    })();
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { sessions: options.sessions, messages };
}
