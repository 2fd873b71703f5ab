/**
 * @module The hooks pane: Hermes' two hook systems. Gateway event hooks are `hooks/<name>/HOOK.yaml` (`{name,
 * description, events[]}` plus a `handler.py`). Shell hooks are `hooks:` in config.yaml (`{<event>: [{command,
 * matcher?, timeout?}]}`); Hermes runs one only after consent for its (event, command) pair, recorded in
 * `shell-hooks-allowlist.json`, or with `hooks_auto_accept: true`. Commands are line-redacted.
 */
import path from "node:path";
import { confinePath, listConfinedDirectory } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { preview } from "../panes/pane-text.js";
import { readProfileConfig, stringList } from "../panes/profile-config.js";
import {
  asArray,
  asNumber,
  asObject,
  asString,
  fileStatus,
  readJsonFile,
  readYamlFile,
  type FileStatus,
} from "../read-files.js";
import { redactLine } from "../secrets.js";

/** `VALID_HOOKS` in hermes_cli/plugins.py (plus any `transform_*`). */
export const SHELL_HOOK_EVENTS = new Set([
  "pre_tool_call",
  "post_tool_call",
  "pre_llm_call",
  "post_llm_call",
  "pre_api_request",
  "post_api_request",
  "api_request_error",
  "on_session_start",
  "on_session_end",
  "on_session_finalize",
  "on_session_reset",
  "subagent_start",
  "subagent_stop",
  "pre_gateway_dispatch",
  "pre_approval_request",
  "post_approval_response",
  "pre_verify",
  "kanban_task_claimed",
  "kanban_task_completed",
  "kanban_task_blocked",
]);
/** Sub-sections of `hooks:` that are not events. */
const RESERVED = new Set(["output_spill", "outbound"]);
const MAX_HOOKS = 500;

export type EventHook = {
  name: string;
  file: FileStatus;
  description: string | null;
  events: string[];
  has_handler: boolean;
};

export type ShellHook = {
  event: string;
  /** False: Hermes does not know this event and skips the hook. */
  known_event: boolean;
  command: string;
  matcher: string | null;
  timeout: number | null;
  /** `approved` in the allowlist, `auto_accepted` by hooks_auto_accept, or `not_approved` (Hermes skips it). */
  consent: "approved" | "auto_accepted" | "not_approved";
};

export type HooksView = ScopeFields & {
  config: FileStatus;
  allowlist: FileStatus;
  auto_accept: boolean;
  event_hooks: EventHook[];
  shell_hooks: ShellHook[];
};

async function eventHooks(scope: HermesScope): Promise<EventHook[]> {
  const dir = path.join(scope.dir, "hooks");
  const out: EventHook[] = [];
  const entries = (await listConfinedDirectory(scope.roots, dir)).filter((e) => e.isDirectory || e.isSymlink);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_HOOKS)) {
    if (e.name.startsWith(".")) continue;
    const read = await readYamlFile(scope.roots, path.join(dir, e.name, "HOOK.yaml"), {
      maxBytes: 64 * 1024,
    });
    if (read.status === "not_present") continue;
    const v = read.status === "ok" ? (asObject(read.value.value) ?? {}) : {};
    const handler = await confinePath(scope.roots, path.join(dir, e.name, "handler.py"));
    out.push({
      name: asString(v.name) ?? e.name,
      file: fileStatus(read),
      description: preview(v.description, 500),
      events: stringList(v.events),
      has_handler: handler.status === "ok",
    });
  }
  return out;
}

export async function listHooks(scope: HermesScope): Promise<HooksView> {
  const config = await readProfileConfig(scope);
  const allowRead = await readJsonFile(scope.roots, path.join(scope.dir, "shell-hooks-allowlist.json"), {
    maxBytes: 512 * 1024,
  });
  const approvals = asArray(asObject(allowRead.status === "ok" ? allowRead.value : null)?.approvals).map(
    asObject,
  );
  const approved = (event: string, command: string) =>
    approvals.some(
      (a) => a?.event === event && typeof a.command === "string" && a.command.trim() === command,
    );
  const autoAccept = config.value.hooks_auto_accept === true;
  const shell: ShellHook[] = [];
  for (const [event, entries] of Object.entries(asObject(config.value.hooks) ?? {})) {
    if (RESERVED.has(event)) continue;
    for (const raw of asArray(entries)) {
      const h = asObject(raw);
      const command = asString(h?.command)?.trim();
      if (!h || !command || shell.length >= MAX_HOOKS) continue;
      shell.push({
        event,
        known_event: SHELL_HOOK_EVENTS.has(event) || event.startsWith("transform_"),
        command: redactLine(command).slice(0, 2000),
        matcher: asString(h.matcher),
        timeout: asNumber(h.timeout),
        consent: approved(event, command) ? "approved" : autoAccept ? "auto_accepted" : "not_approved",
      });
    }
  }
  return {
    ...scopeFields(scope),
    config: config.file,
    allowlist: fileStatus(allowRead),
    auto_accept: autoAccept,
    event_hooks: await eventHooks(scope),
    shell_hooks: shell,
  };
}
