/**
 * @module The admin API's response types, imported from the server's own route modules (type-only: nothing of the
 * server reaches the bundle), so a renamed field breaks the console's build instead of a page.
 */
import type {
  ApiUserResponse as ServerApiUser,
  CreateApiUserRequest,
  UpdateApiUserRequest,
} from "../../../src/admin/routes/api-users/api-user-response.js";
import type { UsageResponse as ServerUserUsage } from "../../../src/admin/routes/api-users/usage.js";
import type { MeResponse, LoginResponse } from "../../../src/admin/routes/auth/index.js";
import type { AdminEventResponse } from "../../../src/admin/routes/events/index.js";
import type { StatusResponse as ServerStatus } from "../../../src/admin/routes/status/index.js";
import type {
  CreateTenantRequest,
  TenantResponse as ServerTenant,
  UpdateTenantRequest,
} from "../../../src/admin/routes/tenants/index.js";
import type { AuditLogDetail, AuditLogPage, AuditLogSummary } from "../../../src/audit/audit-query.js";

export type {
  AdminEventResponse,
  AuditLogDetail,
  AuditLogPage,
  AuditLogSummary,
  CreateApiUserRequest,
  CreateTenantRequest,
  LoginResponse,
  MeResponse,
  UpdateApiUserRequest,
  UpdateTenantRequest,
};

// --- Fields CONTRACT-18.md adds (branch i18api). Declared here until its route modules export them. ---

export type Badge =
  "revoked" | "over_cap" | "near_cap" | "rate_limited" | "rotated" | "never_used" | "active";
export type ApiUserStatusFilter = Exclude<Badge, never>;

export type ApiUserResponse = Omit<ServerApiUser, "usage"> & {
  usage: ServerApiUser["usage"] & { reset_at: string };
  last_rotated_at: string | null;
  badges: Badge[];
};
export type IssuedKeyResponse = { api_user: ApiUserResponse; api_key: string };
export type ApiUserPage = { data: ApiUserResponse[]; total: number; page: number; limit: number };

export type Outcomes = {
  ok: number;
  client_errors: number;
  rate_limited: number;
  quota_exceeded: number;
  upstream_errors: number;
};
export type UserUsageResponse = Omit<ServerUserUsage, "daily"> & {
  daily: ({ day: string; tokens: number; requests: number } & Outcomes)[];
  outcomes: Outcomes;
};

export type UsageReport = {
  from: string;
  to: string;
  totals: {
    requests: number;
    ok: number;
    errors: number;
    rate_limited: number;
    quota_exceeded: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  };
  daily: {
    day: string;
    requests: number;
    ok: number;
    errors: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  }[];
  top_users: {
    api_user_id: string;
    api_user_name: string;
    tenant_id: string;
    requests: number;
    total_tokens: number;
  }[];
  top_models: { model: string; requests: number; total_tokens: number }[];
};

export type TenantResponse = ServerTenant & { api_users_count: number; tokens_this_month: number };

export type StatusResponse = Omit<ServerStatus, "audit"> & {
  audit: ServerStatus["audit"] & { rows_stored: number | null };
  retention_days: number;
  audit_max_bytes: number;
  tenants: { id: string; name: string; pre_upstream_url: string | null; post_upstream_url: string | null }[];
};

export type AdminEventPage = { data: AdminEventResponse[]; next_cursor: string | null };
