/**
 * @module The YAML front matter of a SKILL.md (`---` … `---` at the top), read the way Hermes reads it: a file
 * without front matter is all body; front matter that is not valid YAML is reported, never quoted.
 */
import { asObject, parseYaml, type JsonObject } from "../read-files.js";

export type FrontMatter = { ok: true; meta: JsonObject; body: string } | { ok: false; reason: string };

const OPEN = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/m;

export function parseFrontMatter(text: string): FrontMatter {
  const open = OPEN.exec(text);
  if (!open) return { ok: true, meta: {}, body: text };
  const rest = text.slice(open[0].length);
  const close = CLOSE.exec(rest);
  if (!close) return { ok: false, reason: "front matter is not closed with ---" };
  const parsed = parseYaml(rest.slice(0, close.index));
  if (!parsed.ok) return { ok: false, reason: `front matter is ${parsed.reason}` };
  const body = rest.slice(close.index + close[0].length).replace(/^\r?\n/, "");
  return { ok: true, meta: asObject(parsed.value) ?? {}, body };
}
