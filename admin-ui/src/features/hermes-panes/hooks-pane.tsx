/**
 * @module Hooks: event hooks (hooks/<name>/HOOK.yaml) and the shell hooks in config.yaml with their consent state
 * (Hermes runs a shell hook only when it is approved or auto-accepted).
 */
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, orDash, StatusBadge, TableFrame, YesNo } from "./pane-bits";
import type { HooksView } from "./pane-types";

const CONSENT_TONE = { approved: "success", auto_accepted: "warning", not_approved: "muted" } as const;

export function HooksPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<HooksView>(tenantId, profile, "hooks");
  return (
    <QueryView query={query} what="Loading the hooks">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          <Card title={`Event hooks (${v.event_hooks.length})`} testId="event-hooks">
            {v.event_hooks.length === 0 ? (
              <p className="muted">No event hooks: hooks/ is not present or empty.</p>
            ) : (
              <TableFrame caption="Event hooks">
                <thead>
                  <tr>
                    <th>Hook</th>
                    <th>Events</th>
                    <th>Handler</th>
                  </tr>
                </thead>
                <tbody>
                  {v.event_hooks.map((h) => (
                    <tr key={h.name} data-testid={`event-hook-${h.name}`}>
                      <td>
                        <div className="cell-stack">
                          <strong>{h.name}</strong>
                          <span className="small muted">{h.description ?? ""}</span>
                          {h.file.status !== "ok" ? (
                            <span className="small">
                              <StatusBadge status={h.file.status} /> {h.file.reason}
                            </span>
                          ) : null}
                        </div>
                      </td>
                      <td>
                        <Chips items={h.events} />
                      </td>
                      <td>
                        <YesNo value={h.has_handler} yes="present" no="none" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableFrame>
            )}
          </Card>
          <Card title={`Shell hooks (${v.shell_hooks.length})`} testId="shell-hooks">
            <p className="small muted">
              Allowlist: <StatusBadge status={v.allowlist.status} /> · auto-accept{" "}
              <span data-testid="hooks-auto-accept">{v.auto_accept ? "on" : "off"}</span>
            </p>
            {v.shell_hooks.length === 0 ? (
              <p className="muted">No shell hooks in config.yaml.</p>
            ) : (
              <TableFrame caption="Shell hooks">
                <thead>
                  <tr>
                    <th>Event</th>
                    <th>Command</th>
                    <th>Matcher</th>
                    <th className="num">Timeout</th>
                    <th>Consent</th>
                  </tr>
                </thead>
                <tbody>
                  {v.shell_hooks.map((h, i) => (
                    <tr key={i} data-testid={`shell-hook-${i}`}>
                      <td>
                        <span className="mono">{h.event}</span>
                        {h.known_event ? null : (
                          <div>
                            <Badge tone="warning">unknown event, skipped</Badge>
                          </div>
                        )}
                      </td>
                      <td className="mono small break">{h.command}</td>
                      <td>{orDash(h.matcher)}</td>
                      <td className="num">{orDash(h.timeout)}</td>
                      <td data-testid="shell-hook-consent">
                        <Badge tone={CONSENT_TONE[h.consent]}>{h.consent.replace("_", " ")}</Badge>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableFrame>
            )}
          </Card>
        </div>
      )}
    </QueryView>
  );
}
