/**
 * @module The secret values a Hermes home holds (auth.json's tokens and keys, .env's values), collected so that
 * text the service passes on from Hermes (a supervised proxy's output) can be masked by value, not only by shape.
 */
import path from "node:path";
import { readJsonFile, readTextFile } from "./read-files.js";
import { isSecretKey, looksLikeSecretValue } from "./secrets.js";

/** Shorter values are too likely to occur by chance to be masked by value. */
const MIN_LENGTH = 8;

function collect(value: unknown, underSecret: boolean, out: Set<string>, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === "string") {
    if ((underSecret || looksLikeSecretValue(value)) && value.length >= MIN_LENGTH) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, underSecret, out, depth + 1);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collect(v, underSecret || isSecretKey(k), out, depth + 1);
  }
}

/** Every secret value in `<home>/auth.json` and `<home>/.env` (missing or corrupt files give none). */
export async function homeSecrets(roots: readonly string[], home: string): Promise<string[]> {
  const out = new Set<string>();
  const auth = await readJsonFile(roots, path.join(home, "auth.json"));
  if (auth.status === "ok") collect(auth.value, false, out);
  const env = await readTextFile(roots, path.join(home, ".env"));
  if (env.status === "ok") {
    for (const line of env.value.split("\n")) {
      const m = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/.exec(line);
      const v = m?.[1]?.trim().replace(/^(["'])(.*)\1$/, "$2");
      if (v && v.length >= MIN_LENGTH) out.add(v);
    }
  }
  // Longest first, so a secret containing another is masked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function maskValues(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
  return out;
}
