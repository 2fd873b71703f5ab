/**
 * @module The one TanStack Query client: server state is cached briefly and refetched when the admin comes back to
 * the tab; a 4xx is never retried (it will not change), other failures once.
 */
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../lib/api";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 1,
    },
    mutations: { retry: false },
  },
});
