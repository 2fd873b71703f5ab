/**
 * @module Admin accounts (owners only) and one's own password: queries and mutations.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api";
import type { CreateAdminRequest, UpdateAdminRequest } from "../../lib/api-types";

export function useAdmins() {
  return useQuery({ queryKey: ["admins"], queryFn: api.listAdmins });
}

export function useCreateAdmin() {
  return useMutation({ mutationFn: (body: CreateAdminRequest) => api.createAdmin(body) });
}

export function useUpdateAdmin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateAdminRequest }) => api.updateAdmin(v.id, v.body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["admins"] }),
  });
}

export function useDeleteAdmin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteAdmin(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["admins"] }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (v: { current: string; next: string }) =>
      api.changePassword({ current_password: v.current, new_password: v.next }),
  });
}
