/**
 * @module The `.env` file of a local run: read when present, parsed by Node's own dotenv parser (`util.parseEnv`:
 * comments, quotes, `export` prefixes). Never written into the process environment: the caller merges it under the
 * real environment and hands the result to loadConfig.
 */
import fs from "node:fs";
import { parseEnv } from "node:util";

/** The variables `file` defines, or null when there is no such file. Other read errors are thrown. */
export function readEnvFile(file: string): Record<string, string> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = parseEnv(text);
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}
