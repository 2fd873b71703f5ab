/**
 * @module The admin API reads and writes of the Hermes configuration panes (accounts, identities, model, upstream
 * health, supervised proxies), typed with the server's own response types so a renamed field breaks the build.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "../../lib/api";
import type { AccountsView, IdentitiesResponse } from "../../../../src/admin/routes/hermes/accounts.js";
import type { HealthView } from "../../../../src/admin/routes/hermes/health.js";
import type { ModelConfigView, UpdateModelConfigRequest } from "../../../../src/admin/routes/hermes/model.js";
import type { HermesProxiesResponse } from "../../../../src/admin/routes/hermes/proxies.js";
import { hermesKeys, useHermesQuery } from "../hermes/hermes-api";

export type { AccountsView, HealthView, HermesProxiesResponse, IdentitiesResponse, ModelConfigView };
export type ModelChange = Omit<UpdateModelConfigRequest, "etag">;

const tenantPath = (tenantId: string) => `/api/admin/tenants/${encodeURIComponent(tenantId)}/hermes`;

export const useAccounts = (tenantId: string, profile: string | null) =>
  useHermesQuery<AccountsView>(tenantId, profile, "accounts");

export const useIdentities = (tenantId: string, profile: string | null) =>
  useHermesQuery<IdentitiesResponse>(tenantId, profile, "identities");

export const useModelConfig = (tenantId: string, profile: string | null) =>
  // An edit form must not be refreshed under the admin's hands: refetch only when asked (save, reload).
  useQuery({
    queryKey: hermesKeys.pane(tenantId, profile, "model"),
    queryFn: () =>
      api.get<ModelConfigView>(`${tenantPath(tenantId)}/model`, { profile: profile ?? undefined }),
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });

/** PATCH the model configuration with the etag it was read with; on success every Hermes query of the tenant is stale. */
export function useSaveModelConfig(tenantId: string, profile: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateModelConfigRequest) =>
      api.send<ModelConfigView>(
        "PATCH",
        `${tenantPath(tenantId)}/model${profile ? `?profile=${encodeURIComponent(profile)}` : ""}`,
        body,
      ),
    onSuccess: async (view) => {
      client.setQueryData(hermesKeys.pane(tenantId, profile, "model"), view);
      await client.invalidateQueries({ queryKey: hermesKeys.all(tenantId) });
    },
  });
}

/** A 409 from the model PATCH: config.yaml changed on disk (or cannot be edited) since the form was loaded. */
export const isConflict = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status === 409;

/** The field a 400 names: the server's messages start with `<param>: ` (e.g. `fallback_providers.1.model: …`). */
export function fieldOfError(error: unknown): { field: string; why: string } | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const m = /^([a-z_]+(?:\.[a-z0-9_]+)*): (.+)$/s.exec(error.message);
  return m ? { field: m[1]!, why: m[2]! } : null;
}

export const healthKey = (tenantId: string) => [...hermesKeys.all(tenantId), "health"] as const;

export const useHealth = (tenantId: string) =>
  useQuery({
    queryKey: healthKey(tenantId),
    queryFn: () => api.get<HealthView>(`${tenantPath(tenantId)}/health`),
    refetchInterval: 60_000,
  });

/** Probe both upstreams now (the server answers from a 5-second cache when just probed). */
export function useProbeNow(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.send<HealthView>("POST", `${tenantPath(tenantId)}/health/probe`, {}),
    onSuccess: (view) => client.setQueryData(healthKey(tenantId), view),
  });
}

export const useProxies = () =>
  useQuery({
    queryKey: ["hermes-proxies"],
    queryFn: () => api.get<HermesProxiesResponse>("/api/admin/hermes/proxies"),
    refetchInterval: 10_000,
  });
