/**
 * @module The usage screen as CSV: the totals, the daily rows, top users and top models, exactly as shown.
 */
import type { UsageSummaryResponse } from "../../lib/api-types";
import { toCsv, type Cell } from "../../lib/csv";

export function usageCsv(report: UsageSummaryResponse, tenant: string): string {
  const t = report.totals;
  const rows: Cell[][] = [
    [
      "Hermes Control Plane usage",
      `${report.from} to ${report.to} (UTC days, inclusive)`,
      `tenant: ${tenant || "all"}`,
    ],
    [],
    [
      "totals",
      "requests",
      "ok",
      "errors",
      "rate_limited",
      "quota_exceeded",
      "prompt_tokens",
      "completion_tokens",
      "total_tokens",
    ],
    [
      "",
      t.requests,
      t.ok,
      t.errors,
      t.rate_limited,
      t.quota_exceeded,
      t.prompt_tokens,
      t.completion_tokens,
      t.total_tokens,
    ],
    [],
    ["day", "requests", "ok", "errors", "prompt_tokens", "completion_tokens", "total_tokens"],
    ...report.daily.map((d) => [
      d.day,
      d.requests,
      d.ok,
      d.errors,
      d.prompt_tokens,
      d.completion_tokens,
      d.total_tokens,
    ]),
    [],
    ["top_user_id", "name", "tenant", "requests", "total_tokens"],
    ...report.top_users.map((u) => [u.api_user_id, u.api_user_name, u.tenant_id, u.requests, u.total_tokens]),
    [],
    ["top_model", "requests", "total_tokens"],
    ...report.top_models.map((m) => [m.model, m.requests, m.total_tokens]),
  ];
  return toCsv(rows);
}
