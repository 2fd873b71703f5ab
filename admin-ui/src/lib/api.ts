/**
 * @module The console's one client for the admin JSON API: every request the console makes goes through here
 * (components use their feature's query hooks, never fetch). Same-origin, cookie session, JSON both ways; a 401
 * outside the login call means the session is gone and hands over to the session-expiry handler.
 */
import type {
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
  ApiUserListResponse,
  ApiUserResponse,
  AuditLogDetail,
  AuditLogPage,
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
} from "./api-types";

export type Query = Record<string, string | number | undefined | null>;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    /** From `retry-after` (seconds) on a 429. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Registered once by the app: what to do when the session ends (go to /login?next=…). */
export function onSessionExpired(handler: () => void): void {
  unauthorizedHandler = handler;
}

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Query,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${path}${queryString(query)}`, {
      method,
      credentials: "same-origin",
      // The admin API's CSRF rule: every state-changing request is JSON, bodiless ones too.
      headers: {
        ...(method === "GET" ? { accept: "application/json" } : { "content-type": "application/json" }),
        ...extraHeaders,
      },
      body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError("The admin API did not answer (network error).", 0, "network_error");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed as { error?: { message?: string; code?: string } } | null)?.error;
    const retry = Number(res.headers.get("retry-after"));
    const error = new ApiError(
      err?.message ?? `HTTP ${res.status}`,
      res.status,
      err?.code ?? null,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
    if (res.status === 401 && path !== "/api/auth/login") unauthorizedHandler?.();
    throw error;
  }
  return parsed as T;
}

const get = <T>(path: string, query?: Query) => request<T>("GET", path, undefined, query);
const enc = encodeURIComponent;

export const api = {
  /** A GET for screens whose feature module types its own paths (the Hermes panes). */
  get,
  /** A state-changing JSON request, for the same. */
  send: <T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown) =>
    request<T>(method, path, body),
  login: (username: string, password: string) =>
    request<LoginResponse>("POST", "/api/auth/login", { username, password }),
  logout: () => request<void>("POST", "/api/auth/logout"),
  me: () => get<MeResponse>("/api/auth/me"),
  authOptions: () => get<AuthOptionsResponse>("/api/auth/options"),
  changePassword: (body: ChangePasswordRequest) =>
    request<{ sessions_ended: number }>("POST", "/api/admin/me/password", body),

  listAdmins: () => get<AdminListResponse>("/api/admin/admins"),
  createAdmin: (body: CreateAdminRequest) => request<CreatedAdminResponse>("POST", "/api/admin/admins", body),
  updateAdmin: (id: string, body: UpdateAdminRequest) =>
    request<AdminAccountResponse>("PATCH", `/api/admin/admins/${enc(id)}`, body),
  deleteAdmin: (id: string) => request<void>("DELETE", `/api/admin/admins/${enc(id)}`),

  listApiUsers: (query: Query) => get<ApiUserListResponse>("/api/admin/api-users", query),
  getApiUser: (id: string) => get<ApiUserResponse>(`/api/admin/api-users/${enc(id)}`),
  createApiUser: (body: CreateApiUserRequest) =>
    request<IssuedKeyResponse>("POST", "/api/admin/api-users", body),
  updateApiUser: (id: string, body: UpdateApiUserRequest) =>
    request<ApiUserResponse>("PATCH", `/api/admin/api-users/${enc(id)}`, body),
  deleteApiUser: (id: string) => request<void>("DELETE", `/api/admin/api-users/${enc(id)}`),
  /** `idempotencyKey`: one per dialog, so a retried click returns the same new key instead of rotating twice. */
  rotateApiUser: (id: string, body: RotateRequest, idempotencyKey: string) =>
    request<RotatedKeyResponse>("POST", `/api/admin/api-users/${enc(id)}/rotate`, body, undefined, {
      "idempotency-key": idempotencyKey,
    }),
  revokeApiUser: (id: string) => request<ApiUserResponse>("POST", `/api/admin/api-users/${enc(id)}/revoke`),
  apiUserUsage: (id: string, month?: string) =>
    get<UserUsageResponse>(`/api/admin/api-users/${enc(id)}/usage`, { month }),

  listTenants: () => get<TenantListResponse>("/api/admin/tenants"),
  getTenant: (id: string) => get<TenantResponse>(`/api/admin/tenants/${enc(id)}`),
  createTenant: (body: CreateTenantRequest) => request<TenantResponse>("POST", "/api/admin/tenants", body),
  updateTenant: (id: string, body: UpdateTenantRequest) =>
    request<TenantResponse>("PATCH", `/api/admin/tenants/${enc(id)}`, body),
  deleteTenant: (id: string) => request<void>("DELETE", `/api/admin/tenants/${enc(id)}`),

  usageReport: (query: Query) => get<UsageSummaryResponse>("/api/admin/usage", query),

  listLogs: (query: Query) => get<AuditLogPage>("/api/admin/logs", query),
  getLog: (id: number | string) => get<AuditLogDetail>(`/api/admin/logs/${enc(String(id))}`),
  /** A plain link, not a fetch: the browser streams the download to disk whatever its size. */
  logsDownloadUrl: (query: Query) => `/api/admin/logs/download${queryString(query)}`,

  listEvents: (query: Query) => get<AdminEventPageResponse>("/api/admin/events", query),
  status: () => get<StatusResponse>("/api/admin/status"),
};
