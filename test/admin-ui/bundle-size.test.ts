/**
 * @module The console's first load: the gzip size of the entry chunk and every chunk it imports statically (what
 * the browser must fetch before the first screen), from Vite's manifest, compressed as the admin listener serves
 * it. Screens are lazy chunks and do not count. Budget: 300 KB.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";

const BUILT = path.resolve("dist/admin-ui");
const BUDGET_BYTES = 300 * 1000;

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] };

function firstLoadJs(): { files: string[]; gzipBytes: number; rawBytes: number } {
  const manifest = JSON.parse(fs.readFileSync(path.join(BUILT, ".vite", "manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry);
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imp of manifest[key]!.imports ?? []) visit(imp);
  };
  entries.forEach(visit);
  const files = [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith(".js"));
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const f of files) {
    const body = fs.readFileSync(path.join(BUILT, f));
    rawBytes += body.length;
    gzipBytes += zlib.gzipSync(body, { level: 9 }).length;
  }
  return { files, gzipBytes, rawBytes };
}

describe("console bundle size", () => {
  it("first load transfers at most 300 KB of gzip-compressed JavaScript, and screens are split off", () => {
    const { files, gzipBytes, rawBytes } = firstLoadJs();
    console.log(
      `console first load: ${files.length} JS file(s), ${(rawBytes / 1000).toFixed(1)} KB raw, ${(gzipBytes / 1000).toFixed(1)} KB gzip`,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
    // Route-level code splitting: every screen is its own lazily loaded chunk, the chart library with them.
    const manifest = fs.readFileSync(path.join(BUILT, ".vite", "manifest.json"), "utf8");
    for (const screen of ["api-users-page", "audit-logs-page", "usage-page", "status-page", "bar-chart"])
      expect(files.some((f) => f.includes(screen))).toBe(false);
    expect(manifest).toContain("audit-logs-page");
  });
});
