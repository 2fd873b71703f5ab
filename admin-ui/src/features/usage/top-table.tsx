/**
 * @module A "top N" list of the usage screen (users, models): who or what, then requests and tokens.
 */
import type { ReactNode } from "react";
import { Card } from "../../components/card";
import { EmptyState } from "../../components/states";
import { formatNumber } from "../../lib/format";

export type TopRow = { key: string; cells: ReactNode[]; requests: number; tokens: number };

export function TopTable({
  title,
  testId,
  empty,
  head,
  rows,
}: {
  title: string;
  testId: string;
  empty: string;
  head: string[];
  rows: TopRow[];
}) {
  return (
    <Card title={title} testId={testId}>
      {rows.length === 0 ? (
        <EmptyState title={empty} />
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num">
                Tokens
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                {r.cells.map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
                <td className="num">{formatNumber(r.requests)}</td>
                <td className="num">{formatNumber(r.tokens)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
