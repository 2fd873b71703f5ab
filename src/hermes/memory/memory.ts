/**
 * @module The memory pane: the built-in memory files `memories/MEMORY.md` (the agent's notes) and `USER.md` (about
 * the user). Entries are separated by the full delimiter "\n§\n" (never a bare §); Hermes limits the characters of
 * the joined text (code points, as Python counts them), by default 2200 and 1375, configurable under `memory:`.
 * The listing gives counts and usage; the entries' text comes on demand, line-redacted.
 */
import path from "node:path";
import { AppError } from "../../errors/app-error.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { cappedText, codePoints, type CappedText } from "../panes/pane-text.js";
import { readProfileConfig, section } from "../panes/profile-config.js";
import { asNumber, asString, fileStatus, readTextFile, type FileStatus } from "../read-files.js";

export const ENTRY_DELIMITER = "\n§\n";
export const MEMORY_FILES = {
  memory: { file: "MEMORY.md", limitKey: "memory_char_limit", defaultLimit: 2200 },
  user: { file: "USER.md", limitKey: "user_char_limit", defaultLimit: 1375 },
} as const;
export type MemoryFileKey = keyof typeof MEMORY_FILES;
const ENTRY_CHARS = 16 * 1024;

export type MemoryFile = {
  key: MemoryFileKey;
  file: FileStatus;
  entries: number;
  /** Characters of the joined text, which is what Hermes limits. */
  chars: number;
  limit: number;
  /** chars / limit, in percent. */
  used_percent: number;
  over_limit: boolean;
};

export type MemoryView = ScopeFields & {
  config: FileStatus;
  /** `memory.provider`: another provider (a plugin) may hold memory elsewhere. */
  provider: string;
  files: MemoryFile[];
};

export type MemoryContentView = ScopeFields & { memory: MemoryFile; entries: CappedText[] };

/** The entries of a memory file: split on the full delimiter, trimmed, empty ones dropped (as Hermes does). */
export function splitEntries(text: string): string[] {
  return text
    .split(ENTRY_DELIMITER)
    .map((e) => e.trim())
    .filter((e) => e !== "");
}

async function readMemory(scope: HermesScope, key: MemoryFileKey, config: Record<string, unknown>) {
  const spec = MEMORY_FILES[key];
  const read = await readTextFile(scope.roots, path.join(scope.dir, "memories", spec.file), {
    maxBytes: 1024 * 1024,
  });
  const entries = read.status === "ok" ? splitEntries(read.value) : [];
  const chars = codePoints(entries.join(ENTRY_DELIMITER));
  const limit = asNumber(config[spec.limitKey]) ?? spec.defaultLimit;
  const memory: MemoryFile = {
    key,
    file: fileStatus(read),
    entries: entries.length,
    chars,
    limit,
    used_percent: limit > 0 ? Math.round((chars / limit) * 1000) / 10 : 0,
    over_limit: chars > limit,
  };
  return { memory, entries };
}

export async function getMemory(scope: HermesScope): Promise<MemoryView> {
  const config = await readProfileConfig(scope);
  const memoryCfg = section(config.value, "memory");
  const files: MemoryFile[] = [];
  for (const key of Object.keys(MEMORY_FILES) as MemoryFileKey[])
    files.push((await readMemory(scope, key, memoryCfg)).memory);
  return {
    ...scopeFields(scope),
    config: config.file,
    provider: asString(memoryCfg.provider) ?? "builtin",
    files,
  };
}

export async function getMemoryContent(scope: HermesScope, key: string): Promise<MemoryContentView> {
  if (!(key in MEMORY_FILES)) {
    throw new AppError("invalid_request", "file: must be memory or user", { param: "file" });
  }
  const config = await readProfileConfig(scope);
  const { memory, entries } = await readMemory(scope, key as MemoryFileKey, section(config.value, "memory"));
  return { ...scopeFields(scope), memory, entries: entries.map((e) => cappedText(e, ENTRY_CHARS)) };
}
