/**
 * @module A stored request or response, readably: chat messages as a conversation (role, text, collapsible tool
 * calls), completions and Responses-API items likewise, anything else as JSON. Everything is rendered as text.
 */
type Json = Record<string, unknown>;
export type Turn = { role: string; text: string; toolCalls: { name: string; args: string }[]; note?: string };

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) =>
  typeof v === "string" ? v : v === null || v === undefined ? "" : JSON.stringify(v, null, 2);

function pretty(args: unknown): string {
  if (typeof args !== "string") return str(args);
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/** Message content: a string, or parts ({type:"text"|"input_text"|"output_text", text}, images, files…). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((p) =>
        isObj(p) && typeof p.text === "string" ? p.text : isObj(p) ? `[${String(p.type ?? "part")}]` : str(p),
      )
      .join("\n");
  return str(content);
}

function toolCallsOf(m: Json): Turn["toolCalls"] {
  if (!Array.isArray(m.tool_calls)) return [];
  return m.tool_calls.map((c) => {
    const fn = isObj(c) && isObj(c.function) ? c.function : {};
    return { name: String(fn.name ?? "tool"), args: pretty(fn.arguments) };
  });
}

function messageTurn(m: unknown): Turn {
  if (!isObj(m)) return { role: "?", text: str(m), toolCalls: [] };
  if (m.type === "function_call")
    return {
      role: "assistant",
      text: "",
      toolCalls: [{ name: String(m.name ?? "tool"), args: pretty(m.arguments) }],
    };
  if (m.type === "function_call_output")
    return { role: "tool", text: str(m.output), toolCalls: [], note: String(m.call_id ?? "") };
  return {
    role: String(m.role ?? m.type ?? "message"),
    text: contentText(m.content),
    toolCalls: toolCallsOf(m),
    note:
      typeof m.tool_call_id === "string" ? m.tool_call_id : typeof m.name === "string" ? m.name : undefined,
  };
}

/** The turns of a request body, or null when it is not a shape we know. */
export function promptTurns(prompt: unknown): Turn[] | null {
  if (!isObj(prompt)) return null;
  if (Array.isArray(prompt.messages)) return prompt.messages.map(messageTurn);
  const turns: Turn[] = [];
  if (typeof prompt.instructions === "string")
    turns.push({ role: "system", text: prompt.instructions, toolCalls: [] });
  if (typeof prompt.input === "string")
    return [...turns, { role: "user", text: prompt.input, toolCalls: [] }];
  if (Array.isArray(prompt.input)) {
    if (prompt.input.every((i) => typeof i === "string"))
      return [...turns, { role: "input", text: prompt.input.join("\n---\n"), toolCalls: [] }];
    return [...turns, ...prompt.input.map(messageTurn)];
  }
  if (prompt.prompt !== undefined)
    return [{ role: "prompt", text: contentText(prompt.prompt), toolCalls: [] }];
  return null;
}

/** The turns of a response body (chat, completion, Responses API, embeddings), or null. */
export function responseTurns(response: unknown): Turn[] | null {
  if (!isObj(response)) return null;
  if (Array.isArray(response.choices))
    return response.choices.map((c) => {
      if (!isObj(c)) return { role: "assistant", text: str(c), toolCalls: [] };
      const finish = typeof c.finish_reason === "string" ? `finish: ${c.finish_reason}` : undefined;
      if (isObj(c.message)) return { ...messageTurn(c.message), note: finish };
      return { role: "assistant", text: str(c.text), toolCalls: [], note: finish };
    });
  if (Array.isArray(response.output)) return response.output.map(messageTurn);
  if (typeof response.output_text === "string")
    return [{ role: "assistant", text: response.output_text, toolCalls: [] }];
  if (Array.isArray(response.data) && response.object === "list") {
    const first = response.data[0];
    const dims = isObj(first) && Array.isArray(first.embedding) ? first.embedding.length : 0;
    return [
      {
        role: "embeddings",
        text: `${response.data.length} embedding(s) of ${dims} dimensions`,
        toolCalls: [],
      },
    ];
  }
  if (isObj(response.error))
    return [{ role: "error", text: str(response.error.message ?? response.error), toolCalls: [] }];
  return null;
}

export function Conversation({ turns, testId }: { turns: Turn[]; testId: string }) {
  return (
    <ol className="conversation" data-testid={testId}>
      {turns.map((t, i) => (
        <li key={i} className={`turn turn-${t.role.replace(/[^a-z]/g, "")}`} data-testid="turn">
          <div className="turn-role">
            {t.role}
            {t.note ? <span className="muted small"> · {t.note}</span> : null}
          </div>
          {t.text ? <div className="turn-text">{t.text}</div> : null}
          {t.toolCalls.map((c, j) => (
            <details key={j} className="tool-call" data-testid="tool-call">
              <summary>
                Tool call: <span className="mono">{c.name}</span>
              </summary>
              <pre className="code">{c.args}</pre>
            </details>
          ))}
        </li>
      ))}
    </ol>
  );
}
