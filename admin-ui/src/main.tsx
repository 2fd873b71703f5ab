/**
 * @module The console's entry: styles, the query client and the router. Every screen is a lazily loaded chunk.
 */
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { queryClient } from "./app/query-client";
import { router } from "./app/router";
import { installSessionExpiry } from "./app/session-expiry";
import "./styles/tokens.css";
import "./styles/app.css";

installSessionExpiry(router, queryClient);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
