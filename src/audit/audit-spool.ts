/**
 * @module The audit spool: a write-ahead journal of numbered segment files under <dataDir>/audit-spool, one frame
 * per record (audit-row.ts; `.jsonl` segments of earlier versions, one JSON line per record, are still replayed).
 * Every record is appended (one write(2), no fsync) before record() returns, so a killed process loses nothing
 * that was recorded; a segment is deleted only once every row in it is known to be in the database.
 */
import fs from "node:fs";
import path from "node:path";
import type { NewAuditLogRow } from "../db/schema.js";
import { spoolFramesToRows, spoolLineToRow } from "./audit-row.js";

const SEGMENT_FILE = /^audit-(\d{12})\.(spool|jsonl)$/;

export type Segment = {
  readonly seq: number;
  readonly file: string;
  fd: number | null;
  bytes: number;
  /** Rows of this segment queued in memory and not yet confirmed written. */
  pending: number;
  /** Some rows live only in the file: the segment must be replayed from disk before it can go. */
  spilled: boolean;
  /** Serialises fdatasync and close on this fd. */
  io: Promise<void>;
};

export type SpoolOptions = {
  dir: string;
  /**
   * Spool directories of instances that no longer run (worker indexes past the current count): their segments are
   * moved into `dir`, numbered after its own, and replayed with them.
   */
  adopt?: readonly string[];
  /** Rotate the active segment once it grows past this. */
  segmentMaxBytes: number;
};

export class AuditSpool {
  private active: Segment | null = null;
  /** Closed segments not yet deleted, oldest first. */
  readonly closed: Segment[] = [];
  private nextSeq: number;
  private dirty = false;

  constructor(private readonly options: SpoolOptions) {
    fs.mkdirSync(options.dir, { recursive: true });
    adoptSegments(options.dir, options.adopt ?? []);
    let maxSeq = 0;
    // Whatever a previous run left (crash, or a drain that could not reach the database) is replayed.
    for (const name of fs.readdirSync(options.dir).sort()) {
      const m = SEGMENT_FILE.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      maxSeq = Math.max(maxSeq, seq);
      const file = path.join(options.dir, name);
      this.closed.push({
        seq,
        file,
        fd: null,
        bytes: fs.statSync(file).size,
        pending: 0,
        spilled: true,
        io: Promise.resolve(),
      });
    }
    this.nextSeq = maxSeq + 1;
  }

  /** Appends one frame to the active segment (opening or rotating it) and returns that segment. Throws on I/O errors. */
  append(frame: Buffer): Segment {
    let seg = this.active;
    if (!seg || seg.bytes >= this.options.segmentMaxBytes) seg = this.rotate();
    let off = 0;
    try {
      while (off < frame.length) off += fs.writeSync(seg.fd!, frame, off);
    } catch (err) {
      // A part-written frame must stay the last bytes of its segment, where a reader counts it as torn.
      if (off > 0) {
        seg.bytes += off;
        this.closeActive();
      }
      throw err;
    }
    seg.bytes += frame.length;
    this.dirty = true;
    return seg;
  }

  /** Closes the active segment (if any) and opens a new one; returns the new one. */
  rotate(): Segment {
    this.closeActive();
    const seq = this.nextSeq++;
    const file = path.join(this.options.dir, `audit-${String(seq).padStart(12, "0")}.spool`);
    const fd = fs.openSync(file, "a");
    this.active = { seq, file, fd, bytes: 0, pending: 0, spilled: false, io: Promise.resolve() };
    return this.active;
  }

  /** Moves the active segment to the closed list (its fd is synced, then closed). */
  closeActive(): void {
    const seg = this.active;
    if (!seg) return;
    this.active = null;
    this.closed.push(seg);
    const fd = seg.fd;
    seg.fd = null;
    if (fd !== null) seg.io = seg.io.then(() => syncAndClose(fd));
  }

  activeSegment(): Segment | null {
    return this.active;
  }

  /** fdatasync of the active segment if anything was appended since the last call. */
  async sync(): Promise<void> {
    const seg = this.active;
    if (!seg || !this.dirty || seg.fd === null) return;
    this.dirty = false;
    const fd = seg.fd;
    seg.io = seg.io.then(() => new Promise<void>((resolve) => fs.fdatasync(fd, () => resolve())));
    await seg.io;
  }

  /** Deletes closed segments that hold nothing unwritten; returns how many went. */
  async collect(): Promise<number> {
    let removed = 0;
    for (const seg of [...this.closed]) {
      if (seg.spilled || seg.pending > 0) continue;
      await this.remove(seg);
      removed++;
    }
    return removed;
  }

  /** Deletes one closed segment after its fd is closed. */
  async remove(seg: Segment): Promise<void> {
    const i = this.closed.indexOf(seg);
    if (i >= 0) this.closed.splice(i, 1);
    await seg.io;
    await fs.promises.rm(seg.file, { force: true });
  }

  /** The oldest closed segment that must be replayed from disk. */
  nextSpilled(): Segment | undefined {
    return this.closed.find((s) => s.spilled);
  }

  totals(): { files: number; bytes: number } {
    const all = this.active ? [...this.closed, this.active] : this.closed;
    return { files: all.length, bytes: all.reduce((n, s) => n + s.bytes, 0) };
  }
}

/** The sequence numbers and names of a directory's segment files, oldest first. */
function segmentsIn(dir: string): { seq: number; name: string; ext: string }[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const m = SEGMENT_FILE.exec(name);
      return m ? [{ seq: Number(m[1]), name, ext: m[2]! }] : [];
    });
}

/** Renames (atomic, same file system) every segment of `from` into `dir` after dir's own, then removes `from`. */
function adoptSegments(dir: string, from: readonly string[]): void {
  let seq = segmentsIn(dir).reduce((max, s) => Math.max(max, s.seq), 0);
  for (const other of from) {
    for (const s of segmentsIn(other)) {
      seq++;
      fs.renameSync(
        path.join(other, s.name),
        path.join(dir, `audit-${String(seq).padStart(12, "0")}.${s.ext}`),
      );
    }
    fs.rmSync(other, { recursive: true, force: true });
  }
}

function syncAndClose(fd: number): Promise<void> {
  return new Promise((resolve) => fs.fdatasync(fd, () => fs.close(fd, () => resolve())));
}

/**
 * Reads a closed segment's rows, with how many records could not be read (a torn end after a crash). Segments are
 * bounded, so one read is fine.
 */
export async function readSegmentRows(seg: Segment): Promise<{ rows: NewAuditLogRow[]; torn: number }> {
  await seg.io;
  const data = await fs.promises.readFile(seg.file);
  if (!seg.file.endsWith(".jsonl")) return spoolFramesToRows(data);
  const rows: NewAuditLogRow[] = [];
  let torn = 0;
  for (const line of data.toString("utf8").split("\n")) {
    if (line === "") continue;
    const row = spoolLineToRow(line);
    if (row) rows.push(row);
    else torn++;
  }
  return { rows, torn };
}
