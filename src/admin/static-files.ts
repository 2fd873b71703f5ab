/**
 * @module Files the admin app serves or reads from the repository root: the built console (dist/admin-ui/, made by
 * `npm run build` from admin-ui/) and the version in package.json. Found by walking up from this module, which sits at a different depth in src/ and dist/.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isOurPackage(path.join(dir, "package.json"))) return (cachedRoot = dir);
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error("admin: cannot find the repository root (package.json of hermes-control-plane)");
    dir = parent;
  }
}

function isOurPackage(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name === "hermes-control-plane";
  } catch {
    return false;
  }
}

export function readPackageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "unknown";
}

/** The console as Vite built it: index.html and hashed files under assets/. */
export function adminUiDir(): string {
  return path.join(repoRoot(), "dist", "admin-ui");
}
