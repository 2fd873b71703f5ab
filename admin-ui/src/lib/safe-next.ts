/**
 * @module Where to go after sign-in. The rule is the server's own src/admin/safe-next.ts, bundled as is (a pure
 * function), so the console and the /login redirect can never disagree on what is an open redirect.
 */
export { safeNextPath } from "../../../src/admin/safe-next.js";

/** /login?next=<where the admin is now>. */
export function loginPathFor(location: { pathname: string; search: string }): string {
  const here = location.pathname + location.search;
  return here === "/" || location.pathname === "/login"
    ? "/login"
    : `/login?next=${encodeURIComponent(here)}`;
}
