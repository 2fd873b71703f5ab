/**
 * @module What a screen shows when it fails to load or throws while rendering (a chunk that cannot be fetched after
 * an upgrade, a bug): the failure in words and a way to try again.
 */
import { useRouteError } from "react-router";
import { ErrorState } from "../components/states";

export function RouteError() {
  const error = useRouteError();
  return (
    <main className="content">
      <ErrorState what="Showing this page" error={error} onRetry={() => window.location.reload()} />
    </main>
  );
}
