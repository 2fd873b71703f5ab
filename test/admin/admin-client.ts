/**
 * A small admin API client for tests: logs in with real HTTP, keeps the `hermes_session` cookie like a cookie jar
 * and sends JSON the way the console does.
 */
import type { TestService } from "../harness/test-service.js";

export const ADMIN_PASSWORD = "correct-horse-battery-staple-42";

/** startTestService env with a known admin password (the harness registers it as a secret). */
export const ADMIN_ENV = { HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD };

export type AdminResponse<T = unknown> = { status: number; headers: Headers; body: T; text: string };

export class AdminClient {
  cookie: string | undefined;

  constructor(public baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<AdminResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== "GET" && method !== "HEAD") headers["content-type"] = "application/json";
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>("POST", path, body ?? {});
  }
  patch<T = unknown>(path: string, body: unknown) {
    return this.request<T>("PATCH", path, body);
  }
  delete<T = unknown>(path: string) {
    return this.request<T>("DELETE", path);
  }

  async login(username = "admin", password = ADMIN_PASSWORD): Promise<AdminResponse<{ username: string }>> {
    const res = await this.post<{ username: string }>("/api/auth/login", { username, password });
    const setCookie = res.headers.get("set-cookie");
    if (res.status === 200 && setCookie) this.cookie = setCookie.split(";")[0];
    return res;
  }
}

/** A signed-in client for a started test service. */
export async function signedInClient(svc: TestService): Promise<AdminClient> {
  const client = new AdminClient(svc.urls.admin);
  const res = await client.login();
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return client;
}
