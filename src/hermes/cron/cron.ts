/**
 * @module The cron pane: `cron/jobs.json` (`{jobs:[…]}`) of the profile with each job's schedule, state, model,
 * last and next run, last status and error, delivery; its outputs in `cron/output/<job>/` (counted here, listed
 * and read on demand); and its runs, which Hermes keeps in state.db as sessions `cron_<job>_<time>`. Prompts and
 * errors are redacted one-line previews.
 */
import path from "node:path";
import { AppError } from "../../errors/app-error.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { cappedText, preview, type CappedText } from "../panes/pane-text.js";
import { readRange, statDirectory } from "../panes/file-range.js";
import { stringList } from "../panes/profile-config.js";
import {
  asArray,
  asBoolean,
  asInstant,
  asNumber,
  asObject,
  asString,
  fileStatus,
  isoOrNull,
  readJsonFile,
  readTextFile,
  type FileStatus,
} from "../read-files.js";
import { cronIdRange, epochIso, num, openStateDb, str } from "../sessions/session-rows.js";
import { readPane, type DbSource, type HermesDb } from "../sqlite/hermes-db.js";

export const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const OUTPUT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const OUTPUT_CHARS = 256 * 1024;
const MAX_JOBS = 200;
const LATEST_RUNS = 5;

export type CronRun = {
  session_id: string;
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  message_count: number | null;
  estimated_cost_usd: number | null;
};

export type CronJob = {
  id: string;
  name: string | null;
  schedule: {
    kind: string | null;
    display: string | null;
    expr: string | null;
    minutes: number | null;
    run_at: string | null;
  };
  state: string | null;
  enabled: boolean;
  paused_reason: string | null;
  model: string | null;
  provider: string | null;
  skills: string[];
  deliver: string | null;
  repeat: { times: number | null; completed: number | null } | null;
  created_at: string | null;
  last_run_at: string | null;
  next_run_at: string | null;
  last_status: string | null;
  last_error: string | null;
  last_delivery_error: string | null;
  prompt: string | null;
  has_script: boolean;
  outputs: { count: number; bytes: number; latest: string | null };
  /** Null when state.db cannot be read. */
  runs: { total: number; latest: CronRun[] } | null;
};

export type CronView = ScopeFields & {
  file: FileStatus;
  state_db: DbSource;
  ticker: { heartbeat_at: string | null; last_success_at: string | null };
  data: CronJob[];
  /** Output directories of jobs that are no longer in jobs.json. */
  orphan_outputs: string[];
};

export type CronOutput = { name: string; size_bytes: number; modified_at: string };
export type CronOutputsView = ScopeFields & {
  job_id: string;
  total: number;
  data: CronOutput[];
  next_cursor: string | null;
};
export type CronOutputView = ScopeFields & { job_id: string; output: CronOutput; content: CappedText };

function outputDir(scope: HermesScope, job: string): string {
  return path.join(scope.dir, "cron", "output", job);
}

async function outputFiles(scope: HermesScope, job: string) {
  return (await statDirectory(scope.roots, outputDir(scope, job))).filter(
    (e) => e.kind === "file" && OUTPUT_NAME.test(e.name),
  );
}

async function runsOf(db: HermesDb, jobs: string[]): Promise<Map<string, CronJob["runs"]>> {
  const statements = jobs.flatMap((job) => {
    const [lo, hi] = cronIdRange(job);
    return [
      { sql: "SELECT count(*) AS n FROM sessions WHERE id >= ? AND id < ?", params: [lo, hi] },
      {
        sql: `SELECT s.id, s.started_at, ${db.col("sessions", "s", "ended_at")} AS ended_at,
                ${db.col("sessions", "s", "end_reason")} AS end_reason,
                ${db.col("sessions", "s", "message_count")} AS message_count,
                ${db.col("sessions", "s", "estimated_cost_usd")} AS estimated_cost_usd
              FROM sessions s WHERE s.id >= ? AND s.id < ? ORDER BY s.started_at DESC LIMIT ${LATEST_RUNS}`,
        params: [lo, hi],
      },
    ];
  });
  const rows = statements.length ? await db.read(statements) : [];
  return new Map(
    jobs.map((job, i) => [
      job,
      {
        total: num(rows[i * 2]![0]?.n) ?? 0,
        latest: rows[i * 2 + 1]!.map((r) => ({
          session_id: String(r.id),
          started_at: epochIso(r.started_at),
          ended_at: epochIso(r.ended_at),
          end_reason: str(r.end_reason),
          message_count: num(r.message_count),
          estimated_cost_usd: num(r.estimated_cost_usd),
        })),
      },
    ]),
  );
}

async function heartbeat(scope: HermesScope, name: string): Promise<string | null> {
  const read = await readTextFile(scope.roots, path.join(scope.dir, "cron", name), { maxBytes: 1024 });
  if (read.status !== "ok") return null;
  return isoOrNull(asInstant(read.value.trim())) ?? new Date(read.mtimeMs).toISOString();
}

export async function listCronJobs(ctx: PaneContext, scope: HermesScope): Promise<CronView> {
  const read = await readJsonFile(scope.roots, path.join(scope.dir, "cron", "jobs.json"));
  const raw = asArray(asObject(read.status === "ok" ? read.value : null)?.jobs).slice(0, MAX_JOBS);
  const jobs = raw.map((j) => asObject(j) ?? {}).filter((j) => typeof j.id === "string" && JOB_ID.test(j.id));
  const ids = jobs.map((j) => j.id as string);
  const opened = await openStateDb(ctx, scope);
  const runs = await readPane(opened, "state.db", new Map<string, CronJob["runs"]>(), (db) =>
    db.has("sessions", "started_at") ? runsOf(db, ids) : Promise.resolve(new Map()),
  );
  const data: CronJob[] = [];
  for (const j of jobs) {
    const id = j.id as string;
    const schedule = asObject(j.schedule) ?? {};
    const repeat = asObject(j.repeat);
    const files = await outputFiles(scope, id);
    data.push({
      id,
      name: preview(j.name, 200),
      schedule: {
        kind: asString(schedule.kind),
        display: preview(schedule.display ?? j.schedule_display, 200),
        expr: asString(schedule.expr),
        minutes: asNumber(schedule.minutes),
        run_at: isoOrNull(asInstant(schedule.run_at)),
      },
      state: asString(j.state),
      enabled: asBoolean(j.enabled) ?? true,
      paused_reason: preview(j.paused_reason, 500),
      model: asString(j.model),
      provider: asString(j.provider),
      skills: [...stringList(j.skills), ...stringList(j.skill)],
      deliver: typeof j.deliver === "string" ? j.deliver : j.deliver ? "configured" : null,
      repeat: repeat ? { times: asNumber(repeat.times), completed: asNumber(repeat.completed) } : null,
      created_at: isoOrNull(asInstant(j.created_at)),
      last_run_at: isoOrNull(asInstant(j.last_run_at)),
      next_run_at: isoOrNull(asInstant(j.next_run_at)),
      last_status: asString(j.last_status),
      last_error: preview(j.last_error, 1000),
      last_delivery_error: preview(j.last_delivery_error, 1000),
      prompt: preview(j.prompt, 300),
      has_script: typeof j.script === "string" && j.script !== "",
      outputs: {
        count: files.length,
        bytes: files.reduce((n, f) => n + f.size, 0),
        latest: files.at(-1)?.name ?? null,
      },
      runs: runs.source.status === "ok" ? (runs.value.get(id) ?? null) : null,
    });
  }
  const outputDirs = await statDirectory(scope.roots, path.join(scope.dir, "cron", "output"));
  return {
    ...scopeFields(scope),
    file: fileStatus(read),
    state_db: runs.source,
    ticker: {
      heartbeat_at: await heartbeat(scope, "ticker_heartbeat"),
      last_success_at: await heartbeat(scope, "ticker_last_success"),
    },
    data,
    orphan_outputs: outputDirs
      .filter((d) => d.kind === "directory" && !ids.includes(d.name))
      .map((d) => d.name),
  };
}

function toOutput(f: { name: string; size: number; mtimeMs: number }): CronOutput {
  return { name: f.name, size_bytes: f.size, modified_at: new Date(f.mtimeMs).toISOString() };
}

/** A job's outputs, newest first (names are their timestamps), paged by the last name seen. */
export async function listCronOutputs(
  scope: HermesScope,
  job: string,
  page: { limit: number; before?: string },
): Promise<CronOutputsView> {
  const files = (await outputFiles(scope, job)).reverse();
  const start = page.before ? files.findIndex((f) => f.name < page.before!) : 0;
  const slice = start < 0 ? [] : files.slice(start, start + page.limit);
  const more = start >= 0 && start + page.limit < files.length;
  return {
    ...scopeFields(scope),
    job_id: job,
    total: files.length,
    data: slice.map(toOutput),
    next_cursor: more ? slice.at(-1)!.name : null,
  };
}

export async function getCronOutput(scope: HermesScope, job: string, name: string): Promise<CronOutputView> {
  const file = (await outputFiles(scope, job)).find((f) => f.name === name);
  if (!file) throw new AppError("not_found", "No such output for this cron job.");
  // A little more than the cap, so a token cut at the cap is still masked by its shape.
  const read = await readRange(
    scope.roots,
    path.join(outputDir(scope, job), name),
    0,
    OUTPUT_CHARS * 4 + 2048,
  );
  if (read.status !== "ok") throw new AppError("not_found", "That output can no longer be read.");
  const text = read.bytes.toString("utf8");
  const capped = cappedText(text, OUTPUT_CHARS);
  return {
    ...scopeFields(scope),
    job_id: job,
    output: toOutput(file),
    content: read.size > read.bytes.length ? { ...capped, chars: capped.chars, truncated: true } : capped,
  };
}
