/**
 * @module A user's month: tokens against the cap, daily tokens and requests as a chart, and requests by outcome.
 */
import { useMemo } from "react";
import { BarChart } from "../../components/bar-chart";
import { Card } from "../../components/card";
import { TokenMeter } from "../../components/meter";
import { ErrorState, LoadingState } from "../../components/states";
import type { ApiUserResponse } from "../../lib/api-types";
import { formatNumber } from "../../lib/format";
import { useApiUserUsage } from "./api-user-queries";
import { OutcomeSplit } from "./outcome-split";

export function UserUsageCard({
  user,
  month,
  onMonth,
}: {
  user: ApiUserResponse;
  month: string;
  onMonth: (month: string) => void;
}) {
  const usage = useApiUserUsage(user.id, month);
  const chart = useMemo(() => {
    const daily = usage.data?.daily ?? [];
    return {
      days: daily.map((d) => d.day),
      bars: { label: "Tokens", values: daily.map((d) => d.tokens), color: "#4f6bed", kind: "bars" as const },
      line: {
        label: "Requests",
        values: daily.map((d) => d.requests),
        color: "#f08c2e",
        kind: "line" as const,
      },
    };
  }, [usage.data]);

  return (
    <Card
      title="Usage"
      testId="user-usage"
      actions={
        <label className="filter inline">
          <span className="filter-label">Month (UTC)</span>
          <input
            type="month"
            value={month}
            onChange={(e) => e.target.value && onMonth(e.target.value)}
            data-testid="usage-month"
          />
        </label>
      }
    >
      {usage.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : usage.isError ? (
        <ErrorState
          what="Loading this user's usage"
          error={usage.error}
          onRetry={() => void usage.refetch()}
        />
      ) : (
        <>
          <div className="usage-summary">
            <TokenMeter
              used={usage.data.tokens_used}
              reserved={usage.data.tokens_reserved}
              cap={usage.data.monthly_token_cap}
              resetAt={month === user.usage.month ? user.usage.reset_at : undefined}
            />
            <span data-testid="usage-requests">
              <strong>{formatNumber(usage.data.requests)}</strong> requests
            </span>
            {usage.data.tokens_reserved > 0 ? (
              <span className="muted">
                {formatNumber(usage.data.tokens_reserved)} tokens reserved by requests in flight
              </span>
            ) : null}
          </div>
          <BarChart
            testId="user-usage-chart"
            caption={`Daily tokens and requests of ${user.name}, ${month}`}
            {...chart}
          />
          <h3>Requests by outcome</h3>
          <OutcomeSplit outcomes={usage.data.outcomes} />
        </>
      )}
    </Card>
  );
}
