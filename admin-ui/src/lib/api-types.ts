/**
 * @module The admin API's response types, imported from the server's own route modules (type-only: nothing of the
 * server reaches the bundle), so a renamed field breaks the console's build instead of a page.
 */
import type {
  ApiUserListResponse,
  ApiUserResponse,
  Badge,
  CreateApiUserRequest,
  IssuedKeyResponse,
  UpdateApiUserRequest,
} from "../../../src/admin/routes/api-users/api-user-response.js";
import type {
  OutcomeCountsResponse,
  UsageResponse as UserUsageResponse,
} from "../../../src/admin/routes/api-users/usage.js";
import type {
  AdminAccountResponse,
  AdminListResponse,
  ChangePasswordRequest,
  CreateAdminRequest,
  CreatedAdminResponse,
  UpdateAdminRequest,
} from "../../../src/admin/routes/admins/index.js";
import type { RotatedKeyResponse, RotateRequest } from "../../../src/admin/routes/api-users/index.js";
import type { AuthOptionsResponse, LoginResponse, MeResponse } from "../../../src/admin/routes/auth/index.js";
import type { AdminEventPageResponse, AdminEventResponse } from "../../../src/admin/routes/events/index.js";
import type { StatusResponse } from "../../../src/admin/routes/status/index.js";
import type {
  CreateTenantRequest,
  TenantListResponse,
  TenantResponse,
  UpdateTenantRequest,
} from "../../../src/admin/routes/tenants/index.js";
import type { UsageSummaryResponse } from "../../../src/admin/routes/usage/index.js";
import type { AuditLogDetail, AuditLogPage, AuditLogSummary } from "../../../src/audit/audit-query.js";

export type {
  AdminAccountResponse,
  AdminListResponse,
  AuthOptionsResponse,
  ChangePasswordRequest,
  CreateAdminRequest,
  CreatedAdminResponse,
  RotatedKeyResponse,
  RotateRequest,
  UpdateAdminRequest,
  AdminEventPageResponse,
  AdminEventResponse,
  ApiUserListResponse,
  ApiUserResponse,
  AuditLogDetail,
  AuditLogPage,
  AuditLogSummary,
  Badge,
  CreateApiUserRequest,
  CreateTenantRequest,
  IssuedKeyResponse,
  LoginResponse,
  MeResponse,
  StatusResponse,
  TenantListResponse,
  TenantResponse,
  UpdateApiUserRequest,
  UpdateTenantRequest,
  UsageSummaryResponse,
  UserUsageResponse,
};
export type Outcomes = OutcomeCountsResponse;
