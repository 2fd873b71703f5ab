/**
 * @module The system status pane: the profile's gateway as Hermes records it in `gateway_state.json` (state, pid,
 * exit reason, active agents, platforms with their state and last error) and `gateway.pid`, plus the log files
 * present in `logs/` (read through the log tail). Error messages are redacted previews.
 */
import path from "node:path";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { statDirectory } from "../panes/file-range.js";
import { preview } from "../panes/pane-text.js";
import { stringList } from "../panes/profile-config.js";
import {
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

/** Log file names the tail reads: Hermes' logs and their rotations (`agent.log.1`). */
export const LOG_NAME = /^[A-Za-z0-9_-]{1,64}\.log(\.\d{1,3})?$/;

export type PlatformState = {
  platform: string;
  state: string | null;
  error_code: string | null;
  error_message: string | null;
  updated_at: string | null;
};

export type GatewayState = {
  file: FileStatus;
  kind: string | null;
  pid: number | null;
  state: string | null;
  exit_reason: string | null;
  restart_requested: boolean | null;
  active_agents: number | null;
  served_profiles: string[];
  start_time: string | null;
  updated_at: string | null;
  platforms: PlatformState[];
};

export type LogFile = { name: string; size_bytes: number; modified_at: string };

export type StatusView = ScopeFields & {
  gateway: GatewayState;
  /** The pid in `gateway.pid`, when present (the process may run in another container: not checked). */
  gateway_pid: number | null;
  logs: LogFile[];
};

export async function readGatewayState(scope: HermesScope): Promise<GatewayState> {
  const read = await readJsonFile(scope.roots, path.join(scope.dir, "gateway_state.json"), {
    maxBytes: 512 * 1024,
  });
  const v = asObject(read.status === "ok" ? read.value : null) ?? {};
  const platforms = Object.entries(asObject(v.platforms) ?? {}).map(([platform, raw]): PlatformState => {
    const p = asObject(raw) ?? {};
    return {
      platform: platform.slice(0, 64),
      state: asString(p.state),
      error_code:
        p.error_code === null || p.error_code === undefined ? null : String(p.error_code).slice(0, 100),
      error_message: preview(p.error_message, 500),
      updated_at: isoOrNull(asInstant(p.updated_at)),
    };
  });
  return {
    file: fileStatus(read),
    kind: asString(v.kind),
    pid: asNumber(v.pid),
    state: asString(v.gateway_state),
    exit_reason: preview(v.exit_reason, 500),
    restart_requested: asBoolean(v.restart_requested),
    active_agents: asNumber(v.active_agents),
    served_profiles: stringList(v.served_profiles),
    start_time: isoOrNull(asInstant(v.start_time)),
    updated_at: isoOrNull(asInstant(v.updated_at)),
    platforms,
  };
}

export async function listLogFiles(scope: HermesScope): Promise<LogFile[]> {
  return (await statDirectory(scope.roots, path.join(scope.dir, "logs")))
    .filter((e) => e.kind === "file" && LOG_NAME.test(e.name))
    .map((e) => ({ name: e.name, size_bytes: e.size, modified_at: new Date(e.mtimeMs).toISOString() }));
}

/** `gateway.pid` holds a number, or (newer Hermes) JSON with a `pid`. */
function pidOf(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  try {
    return asNumber(asObject(JSON.parse(t))?.pid) ?? NaN;
  } catch {
    return NaN;
  }
}

export async function getStatus(scope: HermesScope): Promise<StatusView> {
  const pid = await readTextFile(scope.roots, path.join(scope.dir, "gateway.pid"), { maxBytes: 1024 });
  const pidValue = pid.status === "ok" ? pidOf(pid.value) : NaN;
  return {
    ...scopeFields(scope),
    gateway: await readGatewayState(scope),
    gateway_pid: Number.isFinite(pidValue) ? pidValue : null,
    logs: await listLogFiles(scope),
  };
}
