/**
 * @module The storage pane: how much disk the profile's Hermes home takes, by its main parts (state.db with its
 * WAL and shared-memory files, logs, cron output, skills, sessions, memories; for the default profile also the
 * other profiles, the shared kanban and the Hermes installation), and the free space on its filesystem. The walk
 * never follows links (lstat), stops after 200,000 entries or 3 s and then says so; it reads no file content.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { DEFAULT_PROFILE } from "../hermes-home.js";
import { confineDirectory } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";

const MAX_ENTRIES = 200_000;
const MAX_MS = 3_000;

export type StoragePart = { name: string; paths: string[]; bytes: number; files: number };

export type StorageView = ScopeFields & {
  status: "ok" | "not_present" | "refused";
  total_bytes: number;
  files: number;
  parts: StoragePart[];
  /** Everything not in a part. */
  other_bytes: number;
  /** The walk stopped early: sizes are at least these. */
  truncated: boolean;
  disk: { total_bytes: number; free_bytes: number; available_bytes: number } | null;
};

type Budget = { entries: number; deadline: number; truncated: boolean };
type Size = { bytes: number; files: number };

async function sizeOf(p: string, budget: Budget): Promise<Size> {
  if (budget.entries-- <= 0 || Date.now() > budget.deadline) {
    budget.truncated = true;
    return { bytes: 0, files: 0 };
  }
  let st;
  try {
    st = await fs.lstat(p);
  } catch {
    return { bytes: 0, files: 0 };
  }
  if (!st.isDirectory()) return { bytes: st.isFile() ? st.size : 0, files: st.isFile() ? 1 : 0 };
  const total = { bytes: 0, files: 0 };
  let names: string[] = [];
  try {
    names = await fs.readdir(p);
  } catch {
    return total;
  }
  for (const name of names) {
    const s = await sizeOf(path.join(p, name), budget);
    total.bytes += s.bytes;
    total.files += s.files;
  }
  return total;
}

/** Parts by top-level entry of the profile directory (`cron/output` is measured on its own). */
const PARTS: [name: string, match: (entry: string) => boolean][] = [
  ["state.db", (e) => /^state\.db(-wal|-shm)?$/.test(e)],
  ["logs", (e) => e === "logs"],
  ["skills", (e) => e === "skills"],
  ["sessions", (e) => e === "sessions"],
  ["memories", (e) => e === "memories"],
  ["profiles", (e) => e === "profiles"],
  ["kanban", (e) => e === "kanban" || /^kanban\.db(-wal|-shm)?$/.test(e)],
  ["hermes-agent (installation)", (e) => e === "hermes-agent"],
];

export async function getStorage(scope: HermesScope): Promise<StorageView> {
  const confined = await confineDirectory(scope.roots, scope.dir);
  const base = {
    ...scopeFields(scope),
    total_bytes: 0,
    files: 0,
    parts: [],
    other_bytes: 0,
    truncated: false,
    disk: null,
  };
  if (confined.status !== "ok") return { ...base, status: confined.status };
  const root = confined.realPath;
  const budget: Budget = { entries: MAX_ENTRIES, deadline: Date.now() + MAX_MS, truncated: false };
  const parts = new Map<string, StoragePart>();
  let other = 0;
  let total = { bytes: 0, files: 0 };
  for (const entry of (await fs.readdir(root).catch(() => [] as string[])).sort()) {
    const size = await sizeOf(path.join(root, entry), budget);
    total = { bytes: total.bytes + size.bytes, files: total.files + size.files };
    // Other profiles live inside the default profile's directory; for a named profile they are not its own.
    const part = PARTS.find(
      ([name, match]) =>
        match(entry) &&
        (scope.profile === DEFAULT_PROFILE ||
          !["profiles", "kanban", "hermes-agent (installation)"].includes(name)),
    );
    if (!part) {
      other += size.bytes;
      continue;
    }
    const p = parts.get(part[0]) ?? { name: part[0], paths: [], bytes: 0, files: 0 };
    p.paths.push(path.join(scope.dir, entry));
    p.bytes += size.bytes;
    p.files += size.files;
    parts.set(part[0], p);
  }
  const cronOutput = await sizeOf(path.join(root, "cron", "output"), budget);
  if (cronOutput.files > 0) {
    parts.set("cron output", {
      name: "cron output",
      paths: [path.join(scope.dir, "cron", "output")],
      ...cronOutput,
    });
    other -= cronOutput.bytes;
  }
  let disk: StorageView["disk"] = null;
  try {
    const s = await fs.statfs(root);
    disk = {
      total_bytes: s.blocks * s.bsize,
      free_bytes: s.bfree * s.bsize,
      available_bytes: s.bavail * s.bsize,
    };
  } catch {
    disk = null;
  }
  return {
    ...base,
    status: "ok",
    total_bytes: total.bytes,
    files: total.files,
    parts: [...parts.values()],
    other_bytes: Math.max(0, other),
    truncated: budget.truncated,
    disk,
  };
}
