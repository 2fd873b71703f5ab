/**
 * @module What the signed-in admin's role may do, from /api/auth/me (the server's own list of capabilities). The
 * console hides or disables what the role cannot do; the server refuses it (403) either way.
 */
import { useQuery } from "@tanstack/react-query";
import { api } from "./api";

export type Capability = "read" | "read_body" | "export" | "manage" | "admins" | "self";

/** `can("manage")` is false until the session is known, so nothing flashes up that then disappears. */
export function useCan(): (capability: Capability) => boolean {
  const me = useQuery({ queryKey: ["me"], queryFn: api.me, staleTime: 60_000 });
  const caps = me.data?.capabilities ?? [];
  return (capability) => caps.includes(capability);
}
