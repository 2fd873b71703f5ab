/**
 * @module Server state of the status screen (also read by the shell for the privacy notice), refreshed every 15 s
 * while shown.
 */
import { useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api";

export function useStatusQuery(options: { live?: boolean } = {}) {
  return useQuery({
    queryKey: ["status"],
    queryFn: api.status,
    staleTime: 10_000,
    refetchInterval: options.live ? 15_000 : false,
  });
}
