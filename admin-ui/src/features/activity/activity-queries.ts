/**
 * @module Server state of the admin action trail (newest first, cursor paged).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Query } from "../../lib/api";

export function useEvents(query: Query) {
  return useQuery({
    queryKey: ["events", query],
    queryFn: () => api.listEvents(query),
    placeholderData: keepPreviousData,
  });
}
