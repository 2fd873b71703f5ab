/**
 * @module Path confinement for everything the service reads from or writes to a Hermes home. Every path is resolved
 * to its real path (symlinks followed) and refused unless it lies inside one of HERMES_STATE_ROOTS; files must be
 * regular and under a size cap. Every reader in src/hermes goes through readConfinedFile, so `../`, absolute paths
 * elsewhere, a symlink out of the roots, a FIFO or a device, and a huge file are refused in one place.
 */
import { constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

/** Hermes' JSON and YAML files are a few KiB; anything near this is not one of them. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export type Refusal =
  /** Not an absolute path, or a NUL byte in it. */
  | "invalid_path"
  /** Its real path is outside every allowed root. */
  | "outside_roots"
  /** A FIFO, socket, device or directory where a file was expected (or a file where a directory was). */
  | "not_regular"
  | "too_large"
  /** Permission denied or another I/O error. */
  | "unreadable";

export const REFUSAL_MESSAGES: Readonly<Record<Refusal, string>> = {
  invalid_path: "not an absolute path",
  outside_roots: "outside HERMES_STATE_ROOTS",
  not_regular: "not a regular file or directory as expected",
  too_large: "larger than the size cap",
  unreadable: "not readable by the service",
};

export type Confined =
  { status: "ok"; realPath: string } | { status: "not_present" } | { status: "refused"; reason: Refusal };

export type FileMeta = { size: number; mtimeMs: number; mode: number; uid: number; gid: number };

export type ConfinedFile =
  | ({ status: "ok"; realPath: string; bytes: Buffer } & FileMeta)
  | { status: "not_present" }
  | { status: "refused"; reason: Refusal };

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/** The real paths of the roots that exist (a root that does not exist confines nothing). */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    try {
      out.push(await fs.realpath(root));
    } catch {
      // A missing root simply allows nothing.
    }
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/**
 * Resolves `candidate` to its real path and checks it lies inside a root. A path that does not exist is
 * `not_present` when its nearest existing ancestor is inside a root, so a missing file never reveals anything
 * about places outside the roots.
 */
export async function confinePath(roots: readonly string[], candidate: string): Promise<Confined> {
  if (!path.isAbsolute(candidate) || candidate.includes("\0"))
    return { status: "refused", reason: "invalid_path" };
  const allowed = await realRoots(roots);
  const inside = (real: string) => allowed.some((root) => isInside(real, root));
  try {
    const real = await fs.realpath(candidate);
    return inside(real) ? { status: "ok", realPath: real } : { status: "refused", reason: "outside_roots" };
  } catch (err) {
    const code = errorCode(err);
    if (code === "EACCES") return { status: "refused", reason: "unreadable" };
    if (code !== "ENOENT" && code !== "ENOTDIR") return { status: "refused", reason: "unreadable" };
  }
  // Missing (or a dangling link). Below a root that does not exist yet (not created or not mounted), nothing exists.
  const resolved = path.resolve(candidate);
  for (const root of roots) {
    if (isInside(resolved, path.resolve(root)) && !(await exists(root))) return { status: "not_present" };
  }
  // Otherwise judge by the nearest ancestor that exists.
  let dir = path.dirname(resolved);
  for (;;) {
    try {
      const real = await fs.realpath(dir);
      return inside(real) ? { status: "not_present" } : { status: "refused", reason: "outside_roots" };
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return { status: "refused", reason: "outside_roots" };
      dir = up;
    }
  }
}

/**
 * Reads a whole file after confinement. Opened with O_NOFOLLOW (the real path's last component cannot have been
 * swapped for a link since) and O_NONBLOCK (opening a FIFO returns at once instead of waiting for a writer); the
 * open descriptor must be a regular file of at most `maxBytes`, and reading stops there even if it grows.
 */
export async function readConfinedFile(
  roots: readonly string[],
  filePath: string,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
): Promise<ConfinedFile> {
  const confined = await confinePath(roots, filePath);
  if (confined.status !== "ok") return confined;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(confined.realPath, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK | fsc.O_NOCTTY);
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOENT") return { status: "not_present" };
    if (code === "ELOOP") return { status: "refused", reason: "outside_roots" };
    if (code === "EISDIR" || code === "ENXIO") return { status: "refused", reason: "not_regular" };
    return { status: "refused", reason: "unreadable" };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { status: "refused", reason: "not_regular" };
    if (st.size > maxBytes) return { status: "refused", reason: "too_large" };
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { status: "refused", reason: "too_large" };
    return {
      status: "ok",
      realPath: confined.realPath,
      bytes: buf.subarray(0, length),
      size: length,
      mtimeMs: st.mtimeMs,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
    };
  } catch {
    return { status: "refused", reason: "unreadable" };
  } finally {
    await handle.close();
  }
}

/** A directory after confinement: its real path, or why not. */
export async function confineDirectory(roots: readonly string[], dirPath: string): Promise<Confined> {
  const confined = await confinePath(roots, dirPath);
  if (confined.status !== "ok") return confined;
  try {
    const st = await fs.stat(confined.realPath);
    return st.isDirectory() ? confined : { status: "refused", reason: "not_regular" };
  } catch {
    return { status: "refused", reason: "unreadable" };
  }
}

/** Names of the entries of a confined directory (empty when it is missing or refused); never follows them. */
export async function listConfinedDirectory(
  roots: readonly string[],
  dirPath: string,
): Promise<{ name: string; isDirectory: boolean; isSymlink: boolean }[]> {
  const confined = await confineDirectory(roots, dirPath);
  if (confined.status !== "ok") return [];
  try {
    const entries = await fs.readdir(confined.realPath, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory(),
      isSymlink: e.isSymbolicLink(),
    }));
  } catch {
    return [];
  }
}
