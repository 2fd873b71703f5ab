/**
 * @module The admin API's /api/admin/tenants/:id/hermes/… reads for the Hermes screens: one typed GET that adds the
 * selected profile, and the profiles list every screen's picker uses.
 */
import { useQuery } from "@tanstack/react-query";
import { api, type Query } from "../../lib/api";
import type { ProfilesView } from "../../../../src/hermes/hermes-scope.js";

export type { ProfilesView };

/** `GET /api/admin/tenants/<tenant>/hermes/<path>?profile=<profile>&…`. */
export function hermesGet<T>(
  tenantId: string,
  path: string,
  profile: string | null,
  query: Query = {},
): Promise<T> {
  return api.get<T>(`/api/admin/tenants/${encodeURIComponent(tenantId)}/hermes/${path}`, {
    ...query,
    profile: profile ?? undefined,
  });
}

export const hermesKeys = {
  all: (tenantId: string) => ["hermes", tenantId] as const,
  profiles: (tenantId: string) => ["hermes", tenantId, "profiles"] as const,
  pane: (tenantId: string, profile: string | null, path: string, query: Query = {}) =>
    ["hermes", tenantId, profile ?? "", path, query] as const,
};

export function useHermesProfiles(tenantId: string) {
  return useQuery({
    queryKey: hermesKeys.profiles(tenantId),
    queryFn: () =>
      api.get<ProfilesView>(`/api/admin/tenants/${encodeURIComponent(tenantId)}/hermes/profiles`),
    staleTime: 30_000,
  });
}

/** One pane's read, keyed by tenant, profile, path and query. */
export function useHermesQuery<T>(
  tenantId: string,
  profile: string | null,
  path: string,
  query: Query = {},
  options: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({
    queryKey: hermesKeys.pane(tenantId, profile, path, query),
    queryFn: () => hermesGet<T>(tenantId, path, profile, query),
    ...options,
  });
}
