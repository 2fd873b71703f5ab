/**
 * @module One health probe of an upstream: `GET <origin>/health` (Hermes' proxy and API server both serve it), and
 * when that is not a 2xx answer, `GET <base>/models`, each with a short timeout and the tenant's upstream
 * credential (never a client's key). The result says up or down, how long the answering request took, Hermes'
 * `upstream` and `authenticated` fields when the body has them, and why it is down. Never throws.
 */
import { Agent, request } from "undici";
import type { HermesUpstreamProbesTable } from "../db/schema.js";
import { redactLine } from "./secrets.js";

export const PROBE_TIMEOUT_MS = 3_000;
const MAX_BODY_BYTES = 64 * 1024;

/** What one probe finds: the columns of a hermes_upstream_probes row that describe the answer. */
export type ProbeResult = Pick<
  HermesUpstreamProbesTable,
  "ok" | "latency_ms" | "http_status" | "probe" | "upstream" | "authenticated" | "error"
>;

type Attempt =
  | { kind: "answer"; status: number; ms: number; body: unknown }
  | { kind: "failed"; error: string; ms: number };

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (e?.name === "TimeoutError" || e?.name === "AbortError" || /TIMEOUT/.test(code ?? "")) {
    return `no answer within ${timeoutMs} ms`;
  }
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  if (code && /CERT|TLS|SSL/.test(code)) return `TLS error (${code})`;
  return code ? `request failed (${code})` : "request failed";
}

async function get(
  agent: Agent,
  url: string,
  credential: string | null,
  timeoutMs: number,
): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await request(url, {
      method: "GET",
      dispatcher: agent,
      headers: {
        accept: "application/json",
        ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    let text = "";
    for await (const chunk of res.body) {
      text += (chunk as Buffer).toString("utf8");
      if (text.length > MAX_BODY_BYTES) break;
    }
    res.body.destroy();
    const ms = Math.round(performance.now() - started);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: fine for a health check
    }
    return { kind: "answer", status: res.statusCode, ms, body };
  } catch (err) {
    return { kind: "failed", error: describe(err, timeoutMs), ms: Math.round(performance.now() - started) };
  }
}

function fieldsOf(body: unknown): Pick<ProbeResult, "upstream" | "authenticated"> {
  const b =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  return {
    upstream: typeof b.upstream === "string" ? redactLine(b.upstream).slice(0, 200) : null,
    authenticated: typeof b.authenticated === "boolean" ? b.authenticated : null,
  };
}

const ok2xx = (status: number) => status >= 200 && status < 300;

/** Probes the upstream whose OpenAI-style base (`…/v1`) is `baseUrl`. */
export async function probeUpstream(
  baseUrl: string,
  credential: string | null,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  const base = new URL(baseUrl);
  const agent = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const health = await get(agent, `${base.origin}/health`, credential, timeoutMs);
    if (health.kind === "failed") {
      // The same host and port would fail the same way: no second request.
      return {
        ok: false,
        latency_ms: null,
        http_status: null,
        probe: "health",
        upstream: null,
        authenticated: null,
        error: health.error,
      };
    }
    if (ok2xx(health.status)) {
      return {
        ok: true,
        latency_ms: health.ms,
        http_status: health.status,
        probe: "health",
        ...fieldsOf(health.body),
        error: null,
      };
    }
    const models = await get(
      agent,
      `${base.origin}${base.pathname.replace(/\/+$/, "")}/models`,
      credential,
      timeoutMs,
    );
    if (models.kind === "failed") {
      return {
        ok: false,
        latency_ms: null,
        http_status: health.status,
        probe: "models",
        upstream: null,
        authenticated: null,
        error: models.error,
      };
    }
    const up = ok2xx(models.status);
    return {
      ok: up,
      latency_ms: up ? models.ms : null,
      http_status: models.status,
      probe: "models",
      upstream: null,
      authenticated: null,
      error: up
        ? null
        : models.status === 401 || models.status === 403
          ? `HTTP ${models.status} from /models: the upstream refused the tenant's credential`
          : `HTTP ${health.status} from /health and ${models.status} from /models`,
    };
  } finally {
    await agent.close().catch(() => undefined);
  }
}
