/**
 * @module Profiles: every profile of the tenant's Hermes with its model, provider, skill count and gateway state,
 * the active one marked; a name opens the other panes on that profile.
 */
import { Link } from "react-router";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { EmptyState } from "../../components/states";
import { formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { orDash, StatusBadge, TableFrame } from "./pane-bits";
import type { ProfileSummariesView } from "./pane-types";

export function ProfilesPane({ tenantId }: HermesPaneProps) {
  const query = useHermesQuery<ProfileSummariesView>(tenantId, null, "profile-summaries");
  return (
    <QueryView query={query} what="Loading the profiles">
      {(v) =>
        v.data.length === 0 ? (
          <EmptyState title="No profiles">The Hermes home is not present.</EmptyState>
        ) : (
          <Card title="Profiles" testId="hermes-profiles">
            <TableFrame caption="Profiles">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Model</th>
                  <th>Provider</th>
                  <th className="num">Skills</th>
                  <th>Gateway</th>
                  <th className="hide-sm">config.yaml</th>
                </tr>
              </thead>
              <tbody>
                {v.data.map((p) => (
                  <tr key={p.name} data-testid={`profile-${p.name}`}>
                    <td>
                      <div className="cell-stack">
                        <span>
                          <Link
                            to={`/tenants/${encodeURIComponent(tenantId)}/hermes/sessions?profile=${encodeURIComponent(p.name)}`}
                          >
                            {p.name}
                          </Link>{" "}
                          {p.active ? <Badge tone="success">active</Badge> : null}
                        </span>
                        {p.description ? <span className="small muted">{p.description}</span> : null}
                      </div>
                    </td>
                    <td className="mono small" data-testid="profile-model">
                      {orDash(p.model)}
                    </td>
                    <td>{orDash(p.provider)}</td>
                    <td className="num" data-testid="profile-skills">
                      {formatNumber(p.skill_count)}
                    </td>
                    <td data-testid="profile-gateway">
                      {p.gateway.state ?? <span className="muted">not present</span>}
                      {p.gateway.platforms ? (
                        <div className="small muted">
                          {formatNumber(p.gateway.platforms)} platforms
                          {p.gateway.platforms_with_errors
                            ? `, ${formatNumber(p.gateway.platforms_with_errors)} with errors`
                            : ""}
                          {p.gateway.updated_at ? (
                            <>
                              {" "}
                              · <DateTime iso={p.gateway.updated_at} />
                            </>
                          ) : null}
                        </div>
                      ) : null}
                    </td>
                    <td className="hide-sm">
                      <StatusBadge status={p.config.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </Card>
        )
      }
    </QueryView>
  );
}
