/**
 * @module A console path that does not exist.
 */
import { Link } from "react-router";
import { EmptyState } from "../components/states";

export function NotFoundPage() {
  return (
    <EmptyState title="No such page">
      <Link to="/api-users">Go to API users</Link>
    </EmptyState>
  );
}
