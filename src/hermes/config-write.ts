/**
 * @module The one way the service writes into a Hermes home: replace a file atomically (a temp file in the same
 * directory, fsync, rename, fsync of the directory), with the same mode and owner as the file it replaces, after
 * keeping that file as a timestamped backup (the last 10 are kept). Refused with 409 when the file's content is no
 * longer what the caller read (its etag), checked before writing and again just before the rename.
 */
import { createHash, randomBytes } from "node:crypto";
import { constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors/app-error.js";
import { confinePath, readConfinedFile, REFUSAL_MESSAGES } from "./hermes-paths.js";

export const BACKUPS_KEPT = 10;
/** The etag of a file that does not exist (yet). */
export const ABSENT_ETAG = "absent";

export function etagOf(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}`;
}

function changedSinceRead(name: string): AppError {
  return new AppError("conflict", `${name} changed since it was read; reload it and apply the change again.`);
}

type Current = { realPath: string; bytes: Buffer | null; mode: number; uid: number; gid: number };

async function current(roots: readonly string[], filePath: string): Promise<Current> {
  const read = await readConfinedFile(roots, filePath);
  if (read.status === "ok") {
    return { realPath: read.realPath, bytes: read.bytes, mode: read.mode, uid: read.uid, gid: read.gid };
  }
  if (read.status === "refused") {
    throw new AppError(
      "conflict",
      `${path.basename(filePath)} cannot be written: ${REFUSAL_MESSAGES[read.reason]}.`,
    );
  }
  // A new file: owned like its directory (so Hermes, running as that user, can read it), private to it.
  const dir = await confinePath(roots, path.dirname(filePath));
  if (dir.status !== "ok") throw new AppError("not_found", "The profile's directory does not exist.");
  const st = await fs.stat(dir.realPath);
  return {
    realPath: path.join(dir.realPath, path.basename(filePath)),
    bytes: null,
    mode: 0o600,
    uid: st.uid,
    gid: st.gid,
  };
}

/** Writes `content` to a new file next to `target` (O_EXCL, never following a link), with mode and owner. */
async function writeSibling(
  target: string,
  name: string,
  content: Buffer | string,
  cur: Current,
): Promise<string> {
  const file = path.join(path.dirname(target), name);
  const handle = await fs.open(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(content);
    await handle.chmod(cur.mode & 0o7777);
    if (cur.uid !== process.geteuid?.() || cur.gid !== process.getegid?.()) {
      try {
        await handle.chown(cur.uid, cur.gid);
      } catch {
        throw new AppError(
          "service_unavailable",
          `The control plane cannot give ${path.basename(target)} its owner back (uid ${cur.uid}); run it as that user or as root.`,
        );
      }
    }
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return file;
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(".", "");
}

async function pruneBackups(dir: string, base: string): Promise<void> {
  const pattern = new RegExp(`^${base.replace(/\./g, "\\.")}\\.bak-\\d{8}T\\d{9}Z(-\\d+)?$`);
  const backups = (await fs.readdir(dir)).filter((n) => pattern.test(n)).sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT))) {
    await fs.unlink(path.join(dir, old)).catch(() => undefined);
  }
}

export type WriteResult = { etag: string; backup: string | null };

/**
 * Replaces `filePath` with `content` if its content still has `expectedEtag`. The previous content is kept as
 * `<name>.bak-<UTC timestamp>` next to it.
 */
export async function replaceFileAtomically(
  roots: readonly string[],
  filePath: string,
  content: string,
  expectedEtag: string,
  now = new Date(),
): Promise<WriteResult> {
  const name = path.basename(filePath);
  const cur = await current(roots, filePath);
  const etagNow = () => (cur.bytes ? etagOf(cur.bytes) : ABSENT_ETAG);
  if (etagNow() !== expectedEtag) throw changedSinceRead(name);
  const dir = path.dirname(cur.realPath);
  const temp = await writeSibling(
    cur.realPath,
    `.${name}.hcp-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
    content,
    cur,
  );
  let backup: string | null = null;
  try {
    if (cur.bytes) {
      for (let n = 0; backup === null; n++) {
        try {
          backup = await writeSibling(
            cur.realPath,
            `${name}.bak-${stamp(now)}${n ? `-${n}` : ""}`,
            cur.bytes,
            cur,
          );
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EEXIST" || n > 100) throw err;
        }
      }
    }
    // Hermes (or an editor) may have written in the meantime: look once more right before replacing.
    const again = await readConfinedFile(roots, cur.realPath);
    const againEtag = again.status === "ok" ? etagOf(again.bytes) : ABSENT_ETAG;
    if (againEtag !== expectedEtag) throw changedSinceRead(name);
    await fs.rename(temp, cur.realPath);
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined);
    if (backup) await fs.unlink(backup).catch(() => undefined);
    throw err;
  }
  const dirHandle = await fs.open(dir, fsc.O_RDONLY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
  await pruneBackups(dir, name);
  return { etag: etagOf(content), backup };
}
