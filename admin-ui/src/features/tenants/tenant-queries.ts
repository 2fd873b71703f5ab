/**
 * @module Server state of the tenant screens: the list (with users count and this month's tokens), one tenant, and
 * the mutations.
 */
import { useMutation, useQuery, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api";
import type { CreateTenantRequest, UpdateTenantRequest } from "../../lib/api-types";

export const tenantKeys = {
  all: ["tenants"] as const,
  list: ["tenants", "list"] as const,
  one: (id: string) => ["tenants", "one", id] as const,
};

export function useTenants() {
  return useQuery({ queryKey: tenantKeys.list, queryFn: api.listTenants, staleTime: 30_000 });
}

export function useTenant(id: string) {
  return useQuery({ queryKey: tenantKeys.one(id), queryFn: () => api.getTenant(id) });
}

export function refreshTenants(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: tenantKeys.all });
  void client.invalidateQueries({ queryKey: ["status"] });
  void client.invalidateQueries({ queryKey: ["events"] });
}

export function useCreateTenant() {
  return useMutation({ mutationFn: (body: CreateTenantRequest) => api.createTenant(body) });
}
export function useUpdateTenant() {
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateTenantRequest }) => api.updateTenant(id, body),
  });
}
export function useDeleteTenant() {
  return useMutation({ mutationFn: (id: string) => api.deleteTenant(id) });
}
