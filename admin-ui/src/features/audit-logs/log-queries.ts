/**
 * @module Server state of the audit log screens: a page of records (no bodies) and one record with its bodies.
 * Opening one is recorded by the server as `audit.view` in the action trail.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Query } from "../../lib/api";

export function useAuditLogs(query: Query) {
  return useQuery({
    queryKey: ["logs", "list", query],
    queryFn: () => api.listLogs(query),
    placeholderData: keepPreviousData,
  });
}

export function useAuditLog(id: string | null) {
  return useQuery({
    queryKey: ["logs", "one", id],
    queryFn: () => api.getLog(id!),
    enabled: Boolean(id),
    // A body read is an audited event: do not re-read it behind the admin's back.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}
