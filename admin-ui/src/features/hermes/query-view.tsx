/**
 * @module A query's three states in one place for the Hermes panes: loading, the error (with retry), or the data.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorState, LoadingState } from "../../components/states";

export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  /** What is being loaded, e.g. "Loading the sessions". */
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={`${what}…`} />;
  if (query.isError)
    return <ErrorState what={what} error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}
