/**
 * @module The supervised `hermes proxy` children's state as a badge and a compact table; shared by the Proxies pane
 * and the Status page (which has the same fields, without the output lines).
 */
import { Badge, type Tone } from "../../components/badge";
import { formatDateTime } from "../../lib/format";
import type { HermesProxiesResponse } from "./config-api";

export type ProxyStatus = Omit<HermesProxiesResponse["data"][number], "output">;

const TONE: Record<string, [Tone, string]> = {
  running: ["success", "Answering; the gateway sends the default tenant's requests here."],
  starting: ["info", "Started, waiting for it to answer."],
  restarting: ["warning", "It exited; restarted after a backoff (1 s, doubling up to 60 s)."],
  unavailable: ["danger", "The binary cannot run here; the gateway answers 502 upstream_not_configured."],
  stopped: ["muted", "Stopped (the service is shutting down)."],
};

/** What a state means, in a sentence. */
export const proxyStateMeaning = (state: string): string | undefined => TONE[state]?.[1];

export function ProxyStateBadge({
  state,
  testId,
  withHint = true,
}: {
  state: string;
  testId?: string;
  /** False where the meaning is written out next to it (a hint's popup would stick out of a narrow title). */
  withHint?: boolean;
}) {
  const [tone, hint] = TONE[state] ?? ["neutral", undefined];
  return (
    <Badge tone={tone} hint={withHint ? hint : undefined} testId={testId}>
      {state}
    </Badge>
  );
}

export function lastExitText(p: ProxyStatus): string {
  if (!p.last_exit) return "—";
  const how =
    p.last_exit.signal !== null ? `signal ${p.last_exit.signal}` : `exit code ${p.last_exit.code ?? "?"}`;
  return `${how}, ${formatDateTime(p.last_exit.at)}`;
}

/** One row per proxy: gateway, provider, state, pid, URL, restarts, last exit, error. */
export function ProxyStateTable({ proxies, testId }: { proxies: ProxyStatus[]; testId: string }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Gateway</th>
            <th scope="col">Provider</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              PID
            </th>
            <th scope="col">URL</th>
            <th scope="col" className="num">
              Restarts
            </th>
            <th scope="col">Last exit</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {proxies.map((p) => (
            <tr key={p.gateway} data-testid={`${testId}-${p.gateway}`}>
              <td>{p.gateway}</td>
              <td className="mono">{p.provider}</td>
              <td>
                <ProxyStateBadge state={p.state} testId={`${testId}-${p.gateway}-state`} />
              </td>
              <td className="num mono">{p.pid ?? "—"}</td>
              <td className="mono small break">{p.url ?? "—"}</td>
              <td className="num">{p.restarts}</td>
              <td className="small">{lastExitText(p)}</td>
              <td className="small break">{p.error ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
