/**
 * @module Vite build of the admin console: admin-ui/ → dist/admin-ui/ (hashed assets under assets/, a manifest for
 * the bundle-size test). `npm run dev:ui` serves it with hot reload and proxies /api to a running service on :7843.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  // Everything the page needs is bundled: no public/ folder of unhashed files, no CDN.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../dist/admin-ui", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    manifest: true,
    sourcemap: false,
    // Inlined assets would become data: URLs; keep every asset a file the CSP's 'self' covers.
    assetsInlineLimit: 0,
    target: "es2022",
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:7843" },
    // The console bundles one pure module of the server (src/admin/safe-next.ts).
    fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] },
  },
});
