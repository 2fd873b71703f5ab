/**
 * @module The console's routes (CONTRACT-18.md's list; the admin listener serves index.html for each). Every screen
 * is its own chunk, loaded when first visited.
 */
import { createBrowserRouter, Navigate } from "react-router";
import { AppShell } from "./app-shell";
import { RouteError } from "./route-error";

export const router = createBrowserRouter([
  {
    path: "/login",
    lazy: async () => ({ Component: (await import("../features/login/login-page")).LoginPage }),
  },
  {
    path: "/",
    Component: AppShell,
    ErrorBoundary: RouteError,
    children: [
      { index: true, element: <Navigate to="/api-users" replace /> },
      {
        path: "api-users",
        lazy: async () => ({
          Component: (await import("../features/api-users/api-users-page")).ApiUsersPage,
        }),
      },
      {
        path: "api-users/:id",
        lazy: async () => ({
          Component: (await import("../features/api-users/api-user-detail-page")).ApiUserDetailPage,
        }),
      },
      {
        path: "tenants",
        lazy: async () => ({ Component: (await import("../features/tenants/tenants-page")).TenantsPage }),
      },
      {
        path: "tenants/:id",
        lazy: async () => ({ Component: (await import("../features/tenants/tenant-page")).TenantPage }),
      },
      {
        path: "tenants/:id/hermes/:pane?",
        lazy: async () => ({ Component: (await import("../features/hermes/hermes-page")).HermesPage }),
      },
      {
        path: "usage",
        lazy: async () => ({ Component: (await import("../features/usage/usage-page")).UsagePage }),
      },
      {
        path: "logs",
        lazy: async () => ({
          Component: (await import("../features/audit-logs/audit-logs-page")).AuditLogsPage,
        }),
      },
      {
        path: "activity",
        lazy: async () => ({ Component: (await import("../features/activity/activity-page")).ActivityPage }),
      },
      {
        path: "admins",
        lazy: async () => ({ Component: (await import("../features/admins/admins-page")).AdminsPage }),
      },
      {
        path: "status",
        lazy: async () => ({ Component: (await import("../features/status/status-page")).StatusPage }),
      },
      {
        path: "*",
        lazy: async () => ({ Component: (await import("./not-found-page")).NotFoundPage }),
      },
    ],
  },
]);
