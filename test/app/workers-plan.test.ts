import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planWorkers, spoolDirOf, strandedSpoolDirs } from "../../src/app/workers.js";
import { AuditSpool } from "../../src/audit/audit-spool.js";

const pg = { url: "postgres://x@127.0.0.1/db", poolMax: 10 };
const embedded = { url: undefined, poolMax: 10 };

describe("how many workers (HERMES_WORKERS)", () => {
  it("auto is the available parallelism with PostgreSQL; a number is taken as it is", () => {
    expect(planWorkers({ workers: "auto", database: pg }, 8)).toEqual({ count: 8, reason: null });
    expect(planWorkers({ workers: 3, database: pg }, 8)).toEqual({ count: 3, reason: null });
  });

  it("is always 1 on the embedded database, and says why unless 1 was asked for", () => {
    const auto = planWorkers({ workers: "auto", database: embedded }, 8);
    expect(auto.count).toBe(1);
    expect(auto.reason).toMatch(/embedded database.*one process/);
    expect(planWorkers({ workers: 4, database: embedded }, 8).count).toBe(1);
    expect(planWorkers({ workers: 1, database: embedded }, 8)).toEqual({ count: 1, reason: null });
  });
});

describe("spool directories per worker", () => {
  it("worker 0 keeps the single process's directory and takes over the spools of workers past the count", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-spools-"));
    try {
      expect(spoolDirOf(dataDir, 0)).toBe(path.join(dataDir, "audit-spool"));
      for (const [index, files] of [
        [0, ["audit-000000000001.spool"]],
        [1, ["audit-000000000001.spool"]],
        [3, ["audit-000000000004.spool", "audit-000000000005.jsonl"]],
      ] as const) {
        fs.mkdirSync(spoolDirOf(dataDir, index), { recursive: true });
        for (const f of files) fs.writeFileSync(path.join(spoolDirOf(dataDir, index), f), `${index}:${f}`);
      }
      const stranded = strandedSpoolDirs(dataDir, 2);
      expect(stranded).toEqual([spoolDirOf(dataDir, 3)]);
      const spool = new AuditSpool({
        dir: spoolDirOf(dataDir, 0),
        segmentMaxBytes: 1 << 20,
        adopt: stranded,
      });
      expect(fs.readdirSync(spoolDirOf(dataDir, 0)).sort()).toEqual([
        "audit-000000000001.spool",
        "audit-000000000002.spool",
        "audit-000000000003.jsonl",
      ]);
      expect(fs.readFileSync(path.join(spoolDirOf(dataDir, 0), "audit-000000000003.jsonl"), "utf8")).toBe(
        "3:audit-000000000005.jsonl",
      );
      expect(fs.existsSync(spoolDirOf(dataDir, 3))).toBe(false);
      // Worker 1 runs in this count: its spool is its own.
      expect(fs.readdirSync(spoolDirOf(dataDir, 1))).toEqual(["audit-000000000001.spool"]);
      expect(spool.totals().files).toBe(3);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
