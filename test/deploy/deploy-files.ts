/**
 * @module Readers for the deployment files (Dockerfile, docker-compose.yml, .env.example, README) that the deploy
 * tests check statically, since no Docker engine runs here: a Dockerfile parser, Compose's variable interpolation
 * and the compose-only variables the README documents.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";

export const read = (p: string): string => fs.readFileSync(path.resolve(p), "utf8");

/** Variables only docker-compose.yml reads (never the service): the README and .env.example document them. */
export const COMPOSE_ONLY_VARS = [
  "POSTGRES_USER",
  "POSTGRES_PASSWORD",
  "POSTGRES_DB",
  "HERMES_CONTAINER_USER",
  "HERMES_HOST_DIR",
  "HERMES_PUBLISH_ADDRESS",
  "HERMES_ADMIN_PUBLISHED_PORT",
  "HERMES_PRE_PUBLISHED_PORT",
  "HERMES_POST_PUBLISHED_PORT",
  "PROMETHEUS_PUBLISHED_PORT",
  "GRAFANA_PUBLISHED_PORT",
  "GRAFANA_ADMIN_PASSWORD",
] as const;

// --- Dockerfile ------------------------------------------------------------------------------------------------

export type Instruction = { keyword: string; args: string; line: number };
export type Stage = { name: string | undefined; from: string; instructions: Instruction[] };
export type Dockerfile = { globalArgs: Record<string, string>; stages: Stage[] };

/** Splits a Dockerfile into instructions (joining `\` continuations, dropping comments) grouped by stage. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let buffer = "";
  let startLine = 0;
  text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (buffer === "" && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (buffer !== "" && trimmed.startsWith("#")) return; // comments inside a continued instruction
    if (buffer === "") startLine = i + 1;
    if (trimmed.endsWith("\\")) {
      buffer += trimmed.slice(0, -1).trimEnd() + " ";
      return;
    }
    buffer += trimmed;
    const match = /^(\S+)\s*(.*)$/s.exec(buffer)!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: startLine });
    buffer = "";
  });
  if (buffer !== "") throw new Error("Dockerfile ends inside a continued instruction");

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot parse FROM ${ins.args}`);
      const from = m[1]!.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a?: string, b?: string) => globalArgs[a ?? b!] ?? "",
      );
      stages.push({ name: m[2], from, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== "ARG") throw new Error(`line ${ins.line}: only ARG may precede the first FROM`);
      const [name, value = ""] = ins.args.split("=", 2) as [string, string?];
      globalArgs[name] = value;
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** The JSON array of an exec-form instruction (CMD, ENTRYPOINT, HEALTHCHECK … CMD), or null for shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith("[")) return null;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) return null;
  return parsed;
}

/** ENV of a stage, resolved in order (`${ARG}` from the stage's ARG defaults or `buildArgs`, `${ENV}` earlier). */
export function stageEnv(stage: Stage, buildArgs: Record<string, string> = {}): Record<string, string> {
  const scope: Record<string, string> = {};
  const env: Record<string, string> = {};
  const expand = (v: string) =>
    v.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => scope[a ?? b!] ?? "");
  for (const ins of stage.instructions) {
    if (ins.keyword === "ARG") {
      const [name, value = ""] = ins.args.split("=", 2) as [string, string?];
      scope[name] = buildArgs[name] ?? value;
    } else if (ins.keyword === "ENV") {
      for (const m of ins.args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
        const value = expand(m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!);
        env[m[1]!] = value;
        scope[m[1]!] = value;
      }
    }
  }
  return env;
}

/** Splits a HEALTHCHECK's arguments into its options and the exec-form command. */
export function parseHealthcheck(args: string): {
  options: Record<string, string>;
  command: string[] | null;
} {
  const options: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)=(\S+)\s+/.exec(rest); m; m = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  if (!rest.startsWith("CMD ")) return { options, command: null };
  return { options, command: execForm(rest.slice(4).trim()) };
}

// --- Compose ---------------------------------------------------------------------------------------------------

export class InterpolationError extends Error {}

/**
 * Compose's variable interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`. An unset plain `${VAR}` becomes "" as Compose does (with a warning there).
 */
export function interpolate(value: string, vars: Readonly<Record<string, string | undefined>>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === "$$") return "$";
      if (bare) return vars[bare] ?? "";
      if (arg?.includes("${"))
        throw new InterpolationError(`nested interpolation in ${whole} is not portable`);
      const v = vars[name!];
      const present = op?.startsWith(":") ? v !== undefined && v !== "" : v !== undefined;
      switch (op) {
        case undefined:
          return v ?? "";
        case ":-":
        case "-":
          return present ? v! : arg!;
        case ":?":
        case "?":
          if (!present) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
          return v!;
        default: // ":+" and "+"
          return present ? arg! : "";
      }
    },
  );
}

/** Every variable name docker-compose.yml refers to, with the ones marked required (`:?`/`?`). */
export function composeVariables(text: string): { all: Set<string>; required: Set<string> } {
  const all = new Set<string>();
  const required = new Set<string>();
  for (const m of text
    .replaceAll("$$", "")
    .matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?|\$([A-Za-z_]\w*)/g)) {
    const name = (m[1] ?? m[3])!;
    all.add(name);
    if (m[2]?.endsWith("?")) required.add(name);
  }
  return { all, required };
}

/** Parses docker-compose.yml and interpolates every string value (not keys), as `docker compose config` does. */
export function resolveCompose(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
): ComposeFile {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return interpolate(node, vars);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(parseYaml(text)) as ComposeFile;
}

export type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  pull_policy?: string;
  restart?: string;
  user?: string;
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  ports?: string[];
  environment?: Record<string, string | number | boolean | null>;
  env_file?: unknown;
  volumes?: string[];
  healthcheck?: { test: string[] | string; interval?: string; timeout?: string; retries?: number };
  profiles?: string[];
  entrypoint?: string[];
  [key: string]: unknown;
};
export type ComposeFile = {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};

/** `KEY=value` lines of a dotenv file (comments and blank lines skipped; no quoting, as .env.example uses none). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** A Compose duration ("30s", "1m30s", "500ms") in milliseconds. */
export function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = value.replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_, n: string, u: string) => {
    total += Number(n) * units[u]!;
    return "";
  });
  if (rest !== "" || value === "") throw new Error(`not a duration: ${value}`);
  return total;
}
