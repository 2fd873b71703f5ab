/**
 * @module Webhooks (webhook_subscriptions.json): each subscription's events, delivery and state, and whether a secret
 * is set — the secret itself never reaches the console.
 */
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { EmptyState } from "../../components/states";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, orDash, TableFrame, YesNo } from "./pane-bits";
import type { WebhooksView } from "./pane-types";

export function WebhooksPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<WebhooksView>(tenantId, profile, "webhooks");
  return (
    <QueryView query={query} what="Loading the webhooks">
      {(v) => (
        <div className="hp-cards">
          <p className="small muted" data-testid="webhook-adapter">
            Webhook adapter {v.adapter.enabled ? "enabled" : "disabled"} on{" "}
            <span className="mono">
              {v.adapter.host}:{v.adapter.port}
            </span>
          </p>
          <FileNote file={v.file} what="webhook_subscriptions.json" />
          {v.data.length === 0 ? (
            <EmptyState title="No webhook subscriptions" />
          ) : (
            <Card title={`Subscriptions (${v.data.length})`} testId="webhooks">
              <TableFrame caption="Webhook subscriptions" testId="webhooks-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Events</th>
                    <th>Delivery</th>
                    <th>Enabled</th>
                    <th>Secret</th>
                    <th className="hide-sm">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {v.data.map((w) => (
                    <tr key={w.name} data-testid={`webhook-${w.name}`}>
                      <td>
                        <div className="cell-stack">
                          <strong>{w.name}</strong>
                          <span className="small muted">{w.description ?? ""}</span>
                          {w.url ? <span className="mono small break">{w.url}</span> : null}
                        </div>
                      </td>
                      <td>
                        <Chips items={w.events} empty="any" />
                      </td>
                      <td>
                        {orDash(w.deliver)}
                        {w.deliver_only ? <div className="small muted">deliver only</div> : null}
                        {w.skills.length ? (
                          <div className="small muted">skills: {w.skills.join(", ")}</div>
                        ) : null}
                        {w.has_script ? <div className="small muted">runs a script</div> : null}
                      </td>
                      <td>
                        <YesNo value={w.enabled} />
                      </td>
                      <td data-testid="webhook-secret">
                        {w.secret_set ? (
                          <Badge tone="success">set</Badge>
                        ) : (
                          <Badge tone="warning" hint="Anyone who knows the URL can trigger it.">
                            not set
                          </Badge>
                        )}
                      </td>
                      <td className="hide-sm">
                        <DateTime iso={w.created_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableFrame>
            </Card>
          )}
        </div>
      )}
    </QueryView>
  );
}
