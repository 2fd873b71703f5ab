/**
 * @module Storage: the size of the profile's Hermes home and its main parts (state.db with its WAL, logs, cron
 * output, skills, sessions…), and the free disk where it lives.
 */
import { Card, Stat } from "../../components/card";
import { EmptyState } from "../../components/states";
import { formatBytes, formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { TableFrame } from "./pane-bits";
import type { StorageView } from "./pane-types";

export function StoragePane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<StorageView>(tenantId, profile, "storage");
  return (
    <QueryView query={query} what="Measuring the Hermes home">
      {(v) =>
        v.status !== "ok" ? (
          <EmptyState title={v.status === "not_present" ? "Not present" : "Refused"}>
            <span className="mono break">{v.profile_dir}</span>
          </EmptyState>
        ) : (
          <div className="hp-cards">
            <div className="stats">
              <Stat
                label="Home"
                value={<span data-testid="storage-total">{formatBytes(v.total_bytes)}</span>}
                hint={`${formatNumber(v.files)} files${v.truncated ? " (walk stopped early: at least this)" : ""}`}
              />
              <Stat
                label="Free disk"
                value={
                  <span data-testid="storage-free">{v.disk ? formatBytes(v.disk.available_bytes) : "—"}</span>
                }
                hint={v.disk ? `of ${formatBytes(v.disk.total_bytes)}` : "not known"}
              />
            </div>
            <Card title="Parts" testId="storage-parts">
              <TableFrame caption="Size by part">
                <thead>
                  <tr>
                    <th>Part</th>
                    <th className="num">Size</th>
                    <th className="num">Files</th>
                    <th className="hide-sm">Paths</th>
                  </tr>
                </thead>
                <tbody>
                  {v.parts.map((p) => (
                    <tr key={p.name} data-testid={`storage-${p.name.replace(/[^a-z0-9]+/gi, "-")}`}>
                      <td>{p.name}</td>
                      <td className="num" data-testid="storage-bytes">
                        {formatBytes(p.bytes)}
                      </td>
                      <td className="num">{formatNumber(p.files)}</td>
                      <td className="hide-sm mono small">{p.paths.join(", ")}</td>
                    </tr>
                  ))}
                  <tr>
                    <td className="muted">everything else</td>
                    <td className="num">{formatBytes(v.other_bytes)}</td>
                    <td />
                    <td className="hide-sm" />
                  </tr>
                </tbody>
              </TableFrame>
            </Card>
          </div>
        )
      }
    </QueryView>
  );
}
