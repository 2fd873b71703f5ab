/**
 * @module Where to go after login: only a same-origin relative path is honoured, never `//host`, `/\host` or an
 * absolute URL, so the login page cannot be turned into an open redirect. The console bundles this very module
 * (admin-ui/src/lib/safe-next.ts), so both sides apply one rule.
 */
const PROBE_ORIGIN = "http://hermes.invalid";

export function safeNextPath(next: string | undefined | null): string {
  if (!next || next.length > 2048) return "/";
  // Browsers treat a backslash like a slash and drop tabs/newlines, so `/\evil` and `/\t/evil` mean `//evil`.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (!next.startsWith("/") || next.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PROBE_ORIGIN) return "/";
  // The login page itself is never a useful destination.
  if (url.pathname === "/login") return "/";
  return url.pathname + url.search + url.hash;
}
