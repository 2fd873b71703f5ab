/**
 * @module The tenant's Hermes profiles (from /hermes/profiles): the active one, and each profile's description.
 */
import { Link } from "react-router";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState } from "../../components/states";
import type { HermesPaneProps } from "./hermes-pane-registry";
import { useHermesProfiles } from "./hermes-api";
import { QueryView } from "./query-view";

export function ProfilesPane({ tenantId }: HermesPaneProps) {
  const profiles = useHermesProfiles(tenantId);
  return (
    <QueryView query={profiles} what="Loading the profiles">
      {(v) =>
        v.data.length === 0 ? (
          <EmptyState title="No profiles">The Hermes home is not present.</EmptyState>
        ) : (
          <Card title="Profiles" testId="hermes-profiles">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Description</th>
                  <th>config.yaml</th>
                </tr>
              </thead>
              <tbody>
                {v.data.map((p) => (
                  <tr key={p.name} data-testid={`profile-${p.name}`}>
                    <td>
                      <Link to={`?profile=${encodeURIComponent(p.name)}`}>{p.name}</Link>{" "}
                      {p.active ? <Badge tone="success">active</Badge> : null}
                    </td>
                    <td>{p.description ?? <span className="muted">—</span>}</td>
                    <td>{p.has_config ? "present" : <span className="muted">not present</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        )
      }
    </QueryView>
  );
}
