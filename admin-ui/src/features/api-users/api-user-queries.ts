/**
 * @module Server state of the API users screens: the paged list, one user, their month, and the mutations. The
 * list is refreshed by the caller (after a show-once key panel closes), never behind its back.
 */
import { keepPreviousData, useMutation, useQuery, type QueryClient } from "@tanstack/react-query";
import { api, type Query } from "../../lib/api";
import type { CreateApiUserRequest, UpdateApiUserRequest } from "../../lib/api-types";

export const apiUserKeys = {
  all: ["api-users"] as const,
  list: (query: Query) => ["api-users", "list", query] as const,
  one: (id: string) => ["api-users", "one", id] as const,
  usage: (id: string, month: string) => ["api-users", "usage", id, month] as const,
};

export function useApiUsers(query: Query) {
  return useQuery({
    queryKey: apiUserKeys.list(query),
    queryFn: () => api.listApiUsers(query),
    placeholderData: keepPreviousData,
  });
}

export function useApiUser(id: string) {
  return useQuery({ queryKey: apiUserKeys.one(id), queryFn: () => api.getApiUser(id) });
}

export function useApiUserUsage(id: string, month: string) {
  return useQuery({ queryKey: apiUserKeys.usage(id, month), queryFn: () => api.apiUserUsage(id, month) });
}

/** Everything cached about API users (and the pages derived from them) is stale after a change. */
export function refreshApiUsers(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: apiUserKeys.all });
  void client.invalidateQueries({ queryKey: ["events"] });
  void client.invalidateQueries({ queryKey: ["tenants"] });
}

export function useCreateApiUser() {
  return useMutation({ mutationFn: (body: CreateApiUserRequest) => api.createApiUser(body) });
}
export function useUpdateApiUser() {
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateApiUserRequest }) => api.updateApiUser(id, body),
  });
}
export function useRotateApiUser() {
  return useMutation({
    mutationFn: (v: { id: string; graceSeconds: number; idempotencyKey: string }) =>
      api.rotateApiUser(v.id, { grace_seconds: v.graceSeconds }, v.idempotencyKey),
  });
}
export function useRevokeApiUser() {
  return useMutation({ mutationFn: (id: string) => api.revokeApiUser(id) });
}
export function useDeleteApiUser() {
  return useMutation({ mutationFn: (id: string) => api.deleteApiUser(id) });
}
