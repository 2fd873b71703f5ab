/**
 * @module Follows a streamed answer: picks up usage (OpenAI's usage-only chunk, or Hermes' usage in the last choice
 * chunk) and in-stream errors, decides which events reach the client (the usage-only chunk is hidden when the client
 * did not ask for it), and assembles content, tool calls and finish reasons into one JSON for the audit log. The relay
 * (sse-tap.ts) shows `inspect` only the rare event that may be the usage-only chunk, on the request path, and feeds
 * every event to `absorb` in batches, for usage, errors and the assembled answer.
 */
import type { AuditUsage } from "../../audit/audit-record.js";
import { readUsage } from "./usage-shapes.js";

export type StreamKind = "chat" | "completions" | "responses";

type Json = Record<string, unknown>;
type ToolCall = { id?: string; type?: string; function: { name: string; arguments: string } };
type Choice = { content: string; role: string; finish: string | null; tools: Map<number, ToolCall> };

export class SseAssembler {
  usage: AuditUsage | null = null;
  /** The upstream's in-stream error code, if it sent one. */
  errorCode: string | null = null;
  private id: unknown = null;
  private model: unknown = null;
  private readonly choices = new Map<number, Choice>();
  private finalResponse: Json | null = null;

  constructor(
    private readonly kind: StreamKind,
    readonly hideUsageChunk: boolean,
  ) {}

  /**
   * An event that may be the usage-only chunk (without its blank-line terminator): records usage and errors; true
   * when the event should be passed to the client. Nothing is assembled here: `absorb` sees the event too.
   */
  inspect(block: string): boolean {
    const json = parseEvent(block);
    if (!json) return true;
    if (this.noteError(json)) return true;
    const usage = readUsage(json.usage) ?? readUsage((json.response as Json | undefined)?.usage);
    if (!usage) return true;
    this.usage = usage;
    if (this.kind === "responses") return true;
    const choices = Array.isArray(json.choices) ? json.choices : [];
    // The chunk we asked for on the client's behalf: only usage, no choices.
    return !(this.hideUsageChunk && choices.length === 0);
  }

  /** One relayed event, for the assembled answer (and usage, errors: the same as `inspect` found, if it ran). */
  absorb(block: string): void {
    this.feed(block);
  }

  /** Takes one event block (without its blank-line terminator); true when it should be passed to the client. */
  feed(block: string): boolean {
    const json = parseEvent(block);
    if (!json) return true;
    if (this.noteError(json)) return true;
    if (this.kind === "responses") return this.feedResponses(json);
    this.id ??= json.id;
    this.model ??= json.model;
    const usage = readUsage(json.usage);
    if (usage) this.usage = usage;
    const choices = Array.isArray(json.choices) ? (json.choices as Json[]) : [];
    for (const c of choices) this.feedChoice(c);
    // The chunk we asked for on the client's behalf: only usage, no choices.
    return !(this.hideUsageChunk && usage !== null && choices.length === 0);
  }

  /** Everything the model produced, as text, for a usage estimate when the upstream reported none. */
  completionText(): string {
    let text = "";
    for (const c of this.choices.values()) {
      text += c.content;
      for (const t of c.tools.values()) text += t.function.name + t.function.arguments;
    }
    return text;
  }

  /** The answer as one JSON document, the shape a non-streamed call would have returned. */
  assembled(): string {
    if (this.kind === "responses") {
      return JSON.stringify(this.finalResponse ?? { object: "response", output_text: this.completionText() });
    }
    const choices = [...this.choices.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, c]) =>
        this.kind === "chat"
          ? {
              index,
              message: {
                role: c.role,
                content: c.content,
                ...(c.tools.size > 0 ? { tool_calls: [...c.tools.values()] } : {}),
              },
              finish_reason: c.finish,
            }
          : { index, text: c.content, finish_reason: c.finish },
      );
    return JSON.stringify({
      id: this.id,
      object: this.kind === "chat" ? "chat.completion" : "text_completion",
      model: this.model,
      choices,
      usage: this.usage
        ? {
            prompt_tokens: this.usage.promptTokens,
            completion_tokens: this.usage.completionTokens,
            total_tokens: this.usage.totalTokens,
          }
        : null,
    });
  }

  /** True (and the code noted) for an in-stream error event. */
  private noteError(json: Json): boolean {
    if (!json.error || typeof json.error !== "object") return false;
    const code = (json.error as Json).code;
    this.errorCode = typeof code === "string" ? code : "upstream_error";
    return true;
  }

  private feedChoice(c: Json): void {
    const index = typeof c.index === "number" ? c.index : 0;
    let choice = this.choices.get(index);
    if (!choice)
      this.choices.set(index, (choice = { content: "", role: "assistant", finish: null, tools: new Map() }));
    if (typeof c.finish_reason === "string") choice.finish = c.finish_reason;
    if (typeof c.text === "string") choice.content += c.text;
    const delta = c.delta as Json | undefined;
    if (!delta) return;
    if (typeof delta.role === "string") choice.role = delta.role;
    if (typeof delta.content === "string") choice.content += delta.content;
    if (Array.isArray(delta.tool_calls)) {
      for (const t of delta.tool_calls as Json[]) {
        const ti = typeof t.index === "number" ? t.index : 0;
        let call = choice.tools.get(ti);
        if (!call) choice.tools.set(ti, (call = { function: { name: "", arguments: "" } }));
        if (typeof t.id === "string") call.id = t.id;
        if (typeof t.type === "string") call.type = t.type;
        const fn = t.function as Json | undefined;
        if (typeof fn?.name === "string") call.function.name += fn.name;
        if (typeof fn?.arguments === "string") call.function.arguments += fn.arguments;
      }
    }
  }

  private feedResponses(json: Json): boolean {
    if (json.type === "response.output_text.delta" && typeof json.delta === "string") {
      let c = this.choices.get(0);
      if (!c) this.choices.set(0, (c = { content: "", role: "assistant", finish: null, tools: new Map() }));
      c.content += json.delta;
    }
    const response = json.response as Json | undefined;
    if ((json.type === "response.completed" || json.type === "response.incomplete") && response) {
      this.finalResponse = response;
      const usage = readUsage(response.usage);
      if (usage) this.usage = usage;
    }
    return true;
  }
}

/** The JSON object an event's data holds, or null (no data, `[DONE]`, not JSON, not an object). */
function parseEvent(block: string): Json | null {
  const data = dataOf(block);
  if (data === null || data === "[DONE]") return null;
  try {
    const json = JSON.parse(data) as unknown;
    return json && typeof json === "object" ? (json as Json) : null;
  } catch {
    return null;
  }
}

/** The `data:` payload of an SSE event block (several data lines joined by newlines), or null. */
function dataOf(block: string): string | null {
  // Nearly every event is one `data: …` line.
  if (block.startsWith("data: ") && !block.includes("\n")) return block.slice(6);
  let data: string | null = null;
  let start = 0;
  while (start <= block.length) {
    let end = block.indexOf("\n", start);
    if (end === -1) end = block.length;
    if (block.startsWith("data:", start)) {
      const value = block.slice(start + (block.charCodeAt(start + 5) === 32 ? 6 : 5), end);
      data = data === null ? value : `${data}\n${value}`;
    }
    start = end + 1;
  }
  return data;
}
