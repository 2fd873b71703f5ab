/**
 * @module Asks the upstream for usage in a streamed answer (`stream_options.include_usage`) on the client's behalf.
 * When the client sent no `stream_options` at all (the usual case) the member is spliced into the request text after
 * its opening brace: the rest of the client's bytes go upstream unchanged, and a large body is not serialised again
 * on the request path.
 */

const MEMBER = '"stream_options":{"include_usage":true}';

/** The request text to send upstream, given the client's text and its parsed object. */
export function withIncludeUsage(text: string, json: Record<string, unknown>): string {
  if (json.stream_options === undefined) {
    // JSON.parse accepted the text as an object, so its first non-whitespace character is this brace.
    const open = text.indexOf("{");
    let next = open + 1;
    while (next < text.length && /\s/.test(text[next]!)) next++;
    const empty = text[next] === "}";
    return `${text.slice(0, open + 1)}${MEMBER}${empty ? "" : ","}${text.slice(open + 1)}`;
  }
  // The client sent stream_options without include_usage: true; keep its other options.
  return JSON.stringify({
    ...json,
    stream_options: { ...(json.stream_options as object), include_usage: true },
  });
}
