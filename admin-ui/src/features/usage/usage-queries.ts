/**
 * @module Server state of the usage screen: one report for a date range (UTC days, `to` inclusive), for all
 * tenants or one, computed by the server from the audit log.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Query } from "../../lib/api";

export function useUsageSummary(query: Query) {
  return useQuery({
    queryKey: ["usage", query],
    queryFn: () => api.usageReport(query),
    placeholderData: keepPreviousData,
  });
}
