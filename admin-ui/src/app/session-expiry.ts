/**
 * @module Session expiry anywhere: the API client reports a 401, the console drops every cached answer and goes to
 * /login?next=<the page the admin was on>, which sends them back there after signing in.
 */
import type { QueryClient } from "@tanstack/react-query";
import { onSessionExpired } from "../lib/api";
import { loginPathFor } from "../lib/safe-next";

type Navigator = { navigate(to: string, options?: { replace?: boolean }): unknown };

export function installSessionExpiry(router: Navigator, client: QueryClient): void {
  onSessionExpired(() => {
    if (window.location.pathname === "/login") return;
    const target = loginPathFor(window.location);
    client.clear();
    void router.navigate(target, { replace: true });
  });
}
