/**
 * @module The built console's files, read once and kept in memory (a few hundred KB), with a gzip copy of each
 * compressible one made at first request, so the first load transfers compressed JavaScript.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};
const COMPRESSIBLE = new Set([".js", ".css", ".svg", ".json"]);
/** Vite's asset names: name-hash.ext, nothing that could climb out of assets/. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|png|woff2)$/;

export type Asset = { type: string; body: Buffer; gzip: Buffer | null };

export function createAssetStore(dir: string) {
  const cache = new Map<string, Asset | null>();
  return {
    /** index.html, re-read each time (it is small and rarely asked for), or null when the console is not built. */
    indexHtml(): string | null {
      try {
        return fs.readFileSync(path.join(dir, "index.html"), "utf8");
      } catch {
        return null;
      }
    },
    asset(name: string): Asset | null {
      if (!ASSET_NAME.test(name)) return null;
      const cached = cache.get(name);
      if (cached !== undefined) return cached;
      const ext = path.extname(name);
      let asset: Asset | null = null;
      try {
        const body = fs.readFileSync(path.join(dir, "assets", name));
        asset = {
          type: TYPES[ext] ?? "application/octet-stream",
          body,
          gzip: COMPRESSIBLE.has(ext) ? zlib.gzipSync(body, { level: 9 }) : null,
        };
      } catch {
        asset = null;
      }
      // Hashed names never change content; a missing one stays missing until the next build (and restart).
      if (asset || cache.size < 1000) cache.set(name, asset);
      return asset;
    },
  };
}
