/**
 * @module Skill bundles (skill-bundles/*.yaml): which skills each names, which of those this profile lacks, and the
 * bundle's instruction.
 */
import { Card } from "../../components/card";
import { EmptyState } from "../../components/states";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, Muted, StatusBadge, TableFrame, TextBlock, useShowMore } from "./pane-bits";
import type { BundlesView } from "./pane-types";

export function BundlesPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<BundlesView>(tenantId, profile, "bundles");
  return (
    <QueryView query={query} what="Loading the bundles">
      {(v) =>
        !v.present ? (
          <EmptyState title="Not present">
            <span className="mono break">{v.directory}</span> is not present.
          </EmptyState>
        ) : (
          <Bundles v={v} />
        )
      }
    </QueryView>
  );
}

function Bundles({ v }: { v: BundlesView }) {
  const { visible, more } = useShowMore(v.data);
  return (
    <Card title={`Bundles (${v.data.length})`} testId="bundles">
      <TableFrame caption="Skill bundles" testId="bundles-table">
        <thead>
          <tr>
            <th>Bundle</th>
            <th>Skills</th>
            <th>Missing here</th>
            <th className="hide-sm">Instruction</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((b) => (
            <tr key={b.file.path} data-testid={`bundle-${b.name}`}>
              <td>
                <div className="cell-stack">
                  <strong>{b.name}</strong>
                  <span className="small muted">{b.description ?? ""}</span>
                  {b.file.status !== "ok" ? (
                    <span className="small">
                      <StatusBadge status={b.file.status} /> {b.file.reason}
                    </span>
                  ) : null}
                </div>
              </td>
              <td>
                <Chips items={b.skills} />
              </td>
              <td data-testid="bundle-missing">
                <Chips items={b.missing_skills} empty="none" />
              </td>
              <td className="hide-sm">
                {b.instruction ? (
                  <details>
                    <summary className="small">Show</summary>
                    <TextBlock text={b.instruction} />
                  </details>
                ) : (
                  <Muted />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {more}
    </Card>
  );
}
