/**
 * @module A profile's `config.yaml` as the panes read it: once per request, tolerant of any shape, with the file's
 * status for the response. Panes pick their keys with the shape guards; nothing here returns a value.
 */
import path from "node:path";
import type { HermesScope } from "../hermes-scope.js";
import { asObject, fileStatus, readYamlFile, type FileStatus, type JsonObject } from "../read-files.js";

export type ProfileConfig = { file: FileStatus; value: JsonObject };

export async function readProfileConfig(scope: HermesScope): Promise<ProfileConfig> {
  const read = await readYamlFile(scope.roots, path.join(scope.dir, "config.yaml"));
  return {
    file: fileStatus(read),
    value: read.status === "ok" ? (asObject(read.value.value) ?? {}) : {},
  };
}

/** `config.a.b.c` as an object, or an empty one. */
export function section(config: JsonObject, ...keys: string[]): JsonObject {
  let at: JsonObject = config;
  for (const k of keys) at = asObject(at[k]) ?? {};
  return at;
}

/** A list of non-empty strings from a YAML value that may be a list, a single string or absent. */
export function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return items.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

/** Names from a list of strings or of objects with a `name` (Hermes accepts both for env-var lists). */
export function nameList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return items
    .map((v) => (typeof v === "string" ? v : (asObject(v)?.name as unknown)))
    .filter((v): v is string => typeof v === "string" && v.trim() !== "")
    .map((v) => v.trim().slice(0, 128));
}
