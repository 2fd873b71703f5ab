/**
 * @module Edits to a YAML file that leave every byte outside the edited nodes as it was. The `yaml` package's
 * Document API locates each node (its source range); the edit is then spliced into the original text, so comments,
 * key order, quoting, blank lines and odd spacing elsewhere survive exactly (re-stringifying the whole document
 * would normalise them). A scalar is replaced in place (a trailing comment stays), a key is inserted after its
 * map's last key at the same indentation or removed with its line, and a block sequence is rebuilt from the
 * original text of the items it keeps (each with the comments above it) plus new items. The text is parsed again
 * after every operation, so operations compose.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  stringify,
  type Document,
  type Node,
  type Pair,
} from "yaml";
import { YAML_OPTIONS } from "./read-files.js";

export type YamlPath = readonly (string | number)[];

export type YamlOp =
  /** Sets the value at `path` (a key of a map is created if missing; its parent must exist). */
  | { op: "set"; path: YamlPath; value: unknown }
  /** Removes a key from a map (nothing happens if it is absent). */
  | { op: "delete"; path: YamlPath }
  /** Rebuilds the sequence at `path`: keep original items by index, in the new order, or insert new values. */
  | { op: "rebuild"; path: YamlPath; items: readonly ({ keep: number } | { value: unknown })[] };

/** The edit cannot be made without rewriting more than the edited node (the caller refuses the write). */
export class YamlEditError extends Error {
  override name = "YamlEditError";
}

type Range = [number, number, number];

function parse(text: string): Document {
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length > 0) throw new YamlEditError("the file is not valid YAML");
  return doc;
}

function rangeOf(node: Node | null | undefined): Range {
  const r = node?.range;
  if (!r) throw new YamlEditError("a node without a source position");
  return r as Range;
}

const lineStart = (text: string, pos: number) => text.lastIndexOf("\n", pos - 1) + 1;

/** The position just after the line holding `pos` (after its newline), or the end of the text. */
function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === "\n") return pos;
  const nl = text.indexOf("\n", pos);
  return nl === -1 ? text.length : nl + 1;
}

function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function splice(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}

const PLAIN_IN_FLOW = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const YAML11_SPECIAL = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** One scalar as YAML source: quoted when YAML 1.1 (PyYAML, which Hermes uses) would read it as anything else. */
export function renderScalar(value: unknown, inFlow: boolean): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string")
    throw new YamlEditError("only strings, numbers and booleans are written as scalars");
  if (inFlow) return PLAIN_IN_FLOW.test(value) && !YAML11_SPECIAL.test(value) ? value : JSON.stringify(value);
  return stringify(value, { version: "1.1", lineWidth: 0 }).trimEnd();
}

/** A collection as block YAML, every line indented by `indent` spaces, without a final newline. */
function renderBlock(value: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  return stringify(value, { version: "1.1", indent: 2, lineWidth: 0 })
    .trimEnd()
    .split("\n")
    .map((line) => pad + line)
    .join("\n");
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function findPair(map: Node, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) throw new YamlEditError("the parent of a key is not a mapping");
  return (map.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** The node at `path`, or undefined when its last step is missing. */
function nodeAt(doc: Document, path: YamlPath): Node | null | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  for (const step of path) {
    if (node == null) return undefined;
    if (isAlias(node)) throw new YamlEditError("the path goes through an alias");
    if (typeof step === "number") {
      if (!isSeq(node)) throw new YamlEditError("an index into something that is not a sequence");
      node = node.items[step] as Node | undefined;
    } else {
      node = findPair(node, step)?.value;
    }
  }
  return node;
}

function parentAndKey(doc: Document, path: YamlPath) {
  const key = path[path.length - 1];
  if (typeof key !== "string") throw new YamlEditError("only keys of mappings can be set or deleted");
  const parent = nodeAt(doc, path.slice(0, -1));
  if (!parent || !isMap(parent)) throw new YamlEditError("the parent of the key is not a mapping");
  return { parent, key };
}

/** A flow collection is re-rendered whole: it sits on one line, with nothing to keep between its items. */
function rewriteFlowMap(text: string, map: Node, change: (obj: Record<string, unknown>) => void): string {
  const [start, end] = rangeOf(map);
  const obj = (map as unknown as { toJSON(): unknown }).toJSON() as Record<string, unknown>;
  change(obj);
  const parts = Object.entries(obj).map(([k, v]) => `${renderScalar(k, true)}: ${renderFlowValue(v)}`);
  return splice(text, start, end, `{${parts.join(", ")}}`);
}

function renderFlowValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(renderFlowValue).join(", ")}]`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${renderScalar(k, true)}: ${renderFlowValue(x)}`)
      .join(", ")}}`;
  }
  return v === null ? "null" : renderScalar(v, true);
}

/**
 * Replaces a key's value. A scalar is replaced where it stands (its trailing comment stays); anything else is
 * rewritten from just after the key's colon to the end of the old value.
 */
function replaceValue(
  text: string,
  value: Node | null,
  keyStart: number,
  colonEnd: number,
  inFlow: boolean,
  next: unknown,
): string {
  const r = value ? rangeOf(value) : ([colonEnd, colonEnd, colonEnd] as Range);
  const keepNewline = text.slice(r[0], r[1]).endsWith("\n") ? "\n" : "";
  const oldIsCollection = value !== null && (isMap(value) || isSeq(value));
  if (inFlow || isEmptyCollection(next) || !(isPlainObject(next) || Array.isArray(next))) {
    const rendered =
      isPlainObject(next) || Array.isArray(next) ? renderFlowValue(next) : renderScalar(next, inFlow);
    if (value && !oldIsCollection && r[1] > r[0]) return splice(text, r[0], r[1], rendered + keepNewline);
    return splice(text, colonEnd, r[1], ` ${rendered}${keepNewline}`);
  }
  // Nested block content keeps the old content's indentation, or goes two columns in from its key.
  const indent =
    oldIsCollection && !(value as { flow?: boolean }).flow
      ? columnOf(text, r[0])
      : columnOf(text, keyStart) + 2;
  return splice(text, colonEnd, r[1], `\n${renderBlock(next, indent)}${keepNewline}`);
}

function colonAfter(text: string, keyNode: Node): number {
  const keyEnd = rangeOf(keyNode)[1];
  const colon = text.indexOf(":", keyEnd);
  if (colon === -1) throw new YamlEditError("a key without its colon");
  return colon + 1;
}

function setValue(text: string, path: YamlPath, next: unknown): string {
  const doc = parse(text);
  if (path.length === 0) throw new YamlEditError("the document itself cannot be replaced");
  if (path.length === 1 && doc.contents == null && typeof path[0] === "string") {
    // An empty file (or only comments): the key starts the document's mapping.
    return insertKey(text, doc, null, path[0], next);
  }
  const { parent, key } = parentAndKey(doc, path);
  const inFlow = Boolean((parent as { flow?: boolean }).flow);
  const pair = findPair(parent, key);
  if (pair) {
    if (pair.value && isAlias(pair.value)) throw new YamlEditError("the value is an alias");
    return replaceValue(text, pair.value, rangeOf(pair.key)[0], colonAfter(text, pair.key), inFlow, next);
  }
  if (inFlow) return rewriteFlowMap(text, parent, (obj) => (obj[key] = next));
  return insertKey(text, doc, parent, key, next);
}

function insertKey(text: string, doc: Document, map: Node | null, key: string, next: unknown): string {
  const items = map ? (map as unknown as { items: Pair<Node, Node | null>[] }).items : [];
  const isRoot = map === null || map === doc.contents;
  let at: number;
  let indent: number;
  if (items.length === 0) {
    if (!isRoot) throw new YamlEditError("cannot add a key to an empty nested mapping");
    at = text.length;
    indent = 0;
  } else {
    const first = rangeOf(items[0]!.key)[0];
    indent = columnOf(text, first);
    const last = items[items.length - 1]!;
    const end = last.value ? rangeOf(last.value)[2] : rangeOf(last.key)[2];
    // At the root, add at the very end (after trailing comments); in a nested map, right after its last key.
    at = isRoot ? text.length : afterLine(text, end);
  }
  const prefix = at > 0 && text[at - 1] !== "\n" ? "\n" : "";
  const pad = " ".repeat(indent);
  const k = renderScalar(key, false);
  const body =
    isPlainObject(next) || Array.isArray(next)
      ? isEmptyCollection(next)
        ? `${pad}${k}: ${renderFlowValue(next)}\n`
        : `${pad}${k}:\n${renderBlock(next, indent + 2)}\n`
      : `${pad}${k}: ${renderScalar(next, false)}\n`;
  return splice(text, at, at, prefix + body);
}

function deleteKey(text: string, path: YamlPath): string {
  const doc = parse(text);
  const { parent, key } = parentAndKey(doc, path);
  const pair = findPair(parent, key);
  if (!pair) return text;
  if ((parent as { flow?: boolean }).flow) return rewriteFlowMap(text, parent, (obj) => delete obj[key]);
  const items = (parent as unknown as { items: Pair<Node, Node | null>[] }).items;
  const keyStart = rangeOf(pair.key)[0];
  const end = afterLine(text, pair.value ? rangeOf(pair.value)[2] : rangeOf(pair.key)[2]);
  const ls = lineStart(text, keyStart);
  if (text.slice(ls, keyStart).trim() === "") return splice(text, ls, end, "");
  // The key shares its line with a "- " (first key of a sequence item): pull the next key up onto that line.
  const next = items[items.indexOf(pair) + 1];
  if (!next) throw new YamlEditError("cannot remove the only key of a sequence item");
  return splice(text, keyStart, rangeOf(next.key)[0], "");
}

function rebuildSequence(
  text: string,
  path: YamlPath,
  plan: readonly ({ keep: number } | { value: unknown })[],
): string {
  const doc = parse(text);
  const seq = nodeAt(doc, path);
  const original = seq && isSeq(seq) ? (seq.items as Node[]) : [];
  if (!seq || !isSeq(seq) || (seq as { flow?: boolean }).flow || original.length === 0) {
    // Nothing of the old list to keep byte for byte: write the new list as a whole value.
    const values = plan.map((p) =>
      "keep" in p ? (original[p.keep] as unknown as { toJSON(): unknown } | undefined)?.toJSON() : p.value,
    );
    if (values.some((v) => v === undefined)) throw new YamlEditError("an item to keep does not exist");
    return setValue(text, path, values);
  }
  const starts = original.map((item, i) =>
    i === 0 ? lineStart(text, rangeOf(item)[0]) : afterLine(text, rangeOf(original[i - 1]!)[2]),
  );
  const ends = original.map((item) => afterLine(text, rangeOf(item)[2]));
  const regionStart = starts[0]!;
  const regionEnd = ends[ends.length - 1]!;
  // A block sequence's range starts at its first dash.
  const dash = columnOf(text, rangeOf(seq)[0]);
  const chunks = plan.map((p) => {
    if ("keep" in p) {
      const i = p.keep;
      if (i < 0 || i >= original.length) throw new YamlEditError("an item to keep does not exist");
      const chunk = text.slice(starts[i], ends[i]);
      return chunk.endsWith("\n") ? chunk : `${chunk}\n`;
    }
    return `${renderBlock([p.value], dash)}\n`;
  });
  if (chunks.length === 0) return setValue(text, path, []);
  let joined = chunks.join("");
  if (!text.slice(regionStart, regionEnd).endsWith("\n")) joined = joined.slice(0, -1);
  return splice(text, regionStart, regionEnd, joined);
}

/** Applies the operations in order; throws YamlEditError when one cannot be made in place. */
export function editYaml(text: string, ops: readonly YamlOp[]): string {
  let out = text;
  for (const op of ops) {
    if (op.op === "set") out = setValue(out, op.path, op.value);
    else if (op.op === "delete") out = deleteKey(out, op.path);
    else out = rebuildSequence(out, op.path, op.items);
    parse(out);
  }
  return out;
}
