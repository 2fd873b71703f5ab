/**
 * @module Tools: the toolsets each platform gets (from config.yaml, or Hermes' default for the platform), and the
 * toolsets disabled everywhere.
 */
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, TableFrame, YesNo } from "./pane-bits";
import type { ToolsView } from "./pane-types";

export function ToolsPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<ToolsView>(tenantId, profile, "tools");
  return (
    <QueryView query={query} what="Loading the toolsets">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          <p data-testid="tools-disabled">
            Disabled everywhere: <Chips items={v.disabled_toolsets} empty="none" />
          </p>
          <Card title="Toolsets per platform" testId="tools">
            <TableFrame caption="Toolsets per platform" testId="tools-table">
              <thead>
                <tr>
                  <th>Platform</th>
                  <th>Enabled</th>
                  <th>Toolsets</th>
                  <th>From</th>
                </tr>
              </thead>
              <tbody>
                {v.platforms.map((p) => (
                  <tr key={p.platform} data-testid={`tools-${p.platform}`}>
                    <td className="mono">{p.platform}</td>
                    <td>
                      <YesNo value={p.enabled} />
                    </td>
                    <td>
                      <Chips items={p.toolsets} empty="none" />
                    </td>
                    <td>
                      {p.from === "config" ? "config.yaml" : <Badge tone="muted">Hermes default</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </Card>
        </div>
      )}
    </QueryView>
  );
}
