/**
 * @module Reading parts of files that may be large (logs, cron outputs) and listing directories with sizes, through
 * the same confinement as every other read: the real path must lie inside the roots, the file is opened with
 * O_NOFOLLOW|O_NONBLOCK and must be a regular file; directory entries are lstat'ed, never followed.
 */
import { constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { confineDirectory, confinePath, type Refusal } from "../hermes-paths.js";

export type RangeRead =
  | { status: "ok"; size: number; mtimeMs: number; mode: number; start: number; bytes: Buffer }
  | { status: "not_present" }
  | { status: "refused"; reason: Refusal };

/** Bytes [start, start + length) of a confined regular file (fewer at its end). */
export async function readRange(
  roots: readonly string[],
  filePath: string,
  start: number,
  length: number,
): Promise<RangeRead> {
  const confined = await confinePath(roots, filePath);
  if (confined.status !== "ok") return confined;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(confined.realPath, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK | fsc.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { status: "not_present" };
    if (code === "ELOOP") return { status: "refused", reason: "outside_roots" };
    if (code === "EISDIR" || code === "ENXIO") return { status: "refused", reason: "not_regular" };
    return { status: "refused", reason: "unreadable" };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { status: "refused", reason: "not_regular" };
    const from = Math.max(0, Math.min(start, st.size));
    const buf = Buffer.alloc(Math.max(0, Math.min(length, st.size - from)));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return {
      status: "ok",
      size: st.size,
      mtimeMs: st.mtimeMs,
      mode: st.mode & 0o7777,
      start: from,
      bytes: buf.subarray(0, got),
    };
  } catch {
    return { status: "refused", reason: "unreadable" };
  } finally {
    await handle.close();
  }
}

export type DirEntry = {
  name: string;
  kind: "file" | "directory" | "symlink" | "other";
  size: number;
  mtimeMs: number;
  mode: number;
};

/** The entries of a confined directory with their lstat (at most `max`); empty when missing or refused. */
export async function statDirectory(
  roots: readonly string[],
  dir: string,
  max = 10_000,
): Promise<DirEntry[]> {
  const confined = await confineDirectory(roots, dir);
  if (confined.status !== "ok") return [];
  let names: string[];
  try {
    names = (await fs.readdir(confined.realPath)).sort().slice(0, max);
  } catch {
    return [];
  }
  const out: DirEntry[] = [];
  for (const name of names) {
    try {
      const st = await fs.lstat(path.join(confined.realPath, name));
      out.push({
        name,
        kind: st.isFile()
          ? "file"
          : st.isDirectory()
            ? "directory"
            : st.isSymbolicLink()
              ? "symlink"
              : "other",
        size: st.size,
        mtimeMs: st.mtimeMs,
        mode: st.mode & 0o7777,
      });
    } catch {
      // Gone since readdir.
    }
  }
  return out;
}
