/**
 * @module How free text from a Hermes home leaves the service: capped (by characters, as Python counts them) and
 * passed line by line through the foundation's line redaction, so a token pasted into a chat, a log line, a skill
 * or a hook command goes out masked. Configuration values that are secrets by position (env, headers) are never
 * sent at all; this is for text an operator reads.
 */
import { redactLine } from "../secrets.js";

export type CappedText = {
  text: string;
  /** Characters (code points) of the whole text before capping. */
  chars: number;
  truncated: boolean;
};

/** Code points, as Python's `len()` counts them (Hermes' memory limits are in these). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Every line of `text` through the line redaction. */
export function redactText(text: string): string {
  return text.split("\n").map(redactLine).join("\n");
}

/**
 * The first `max` characters of `text` after redaction. Redacting before cutting keeps a token that straddles the
 * cut masked; callers that fetch a prefix from SQLite fetch a little more than `max` for the same reason, and pass
 * the full length as `totalChars`.
 */
export function cappedText(text: string, max: number, totalChars?: number): CappedText {
  const chars = totalChars ?? codePoints(text);
  const redacted = redactText(text);
  const cut = codePoints(redacted) > max ? Array.from(redacted).slice(0, max).join("") : redacted;
  return { text: cut, chars, truncated: chars > max || cut.length < redacted.length };
}

/** A short redacted one-line preview (titles, prompts, errors), or null. */
export function preview(value: unknown, max = 200): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const oneLine = redactLine(value.replace(/\s+/g, " ").trim());
  const cut =
    codePoints(oneLine) > max
      ? `${Array.from(oneLine)
          .slice(0, max - 1)
          .join("")}…`
      : oneLine;
  return cut;
}
