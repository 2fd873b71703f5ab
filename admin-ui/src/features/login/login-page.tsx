/**
 * @module Sign in (/login): username and password, nothing prefilled or remembered. Wrong credentials and lockout
 * (429, with when to retry) are said plainly; after sign-in the admin goes to `next` if it is a same-origin path.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { api, ApiError } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { safeNextPath } from "../../lib/safe-next";
import { useLogin } from "./use-login";

function lockoutMessage(err: ApiError): string {
  if (!err.retryAfterSeconds) return "Too many failed sign-in attempts. Try again later.";
  const at = new Date(Date.now() + err.retryAfterSeconds * 1000).toISOString();
  const minutes = Math.ceil(err.retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"} (after ${formatDateTime(at)}).`;
}

/** Why the identity provider's answer did not sign anyone in (the callback's `sso_error`). */
const SSO_ERRORS: Record<string, string> = {
  state: "The sign-in could not be verified (it expired or did not start here). Try again.",
  failed: "The identity provider's answer could not be verified. Try again.",
  email: "Your identity provider did not give a verified e-mail address.",
  domain: "Your e-mail domain is not allowed to sign in here.",
  refused: "Your account has no access to this console. Ask an owner to add you.",
  disabled: "Your admin account is disabled.",
  conflict: "An admin with this name signs in with a password, not single sign-on.",
};

export function LoginPage() {
  const [params] = useSearchParams();
  const options = useQuery({ queryKey: ["auth-options"], queryFn: api.authOptions, staleTime: 60_000 });
  const ssoError = params.get("sso_error");
  const next = safeNextPath(params.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const login = useLogin();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setMessage(null);
    login.mutate(
      { username, password },
      {
        // A full navigation, so nothing of a previous session's state survives.
        onSuccess: () => window.location.assign(next),
        onError: (err) => {
          setPassword("");
          if (err instanceof ApiError && err.status === 429) setMessage(lockoutMessage(err));
          else if (err instanceof ApiError && err.status === 401) setMessage("Invalid username or password.");
          else setMessage(`Signing in failed: ${err.message}`);
        },
      },
    );
  };

  return (
    <main className="login-page">
      <section className="login-card card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Hermes Control Plane
        </div>
        <h1>Sign in</h1>
        <p className="muted">Admin console for the gateway, its API users and its audit log.</p>
        {ssoError ? (
          <p className="form-error" role="alert" data-testid="sso-error">
            {SSO_ERRORS[ssoError] ?? "Single sign-on failed."}
          </p>
        ) : null}
        {options.data?.sso ? (
          // A full navigation: the server sends the browser on to the identity provider.
          <a
            className="button button-primary button-block"
            href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`}
            data-testid="sso-sign-in"
          >
            Sign in with {options.data.sso.name}
          </a>
        ) : null}
        {options.data && !options.data.local_login ? (
          <p className="muted small" data-testid="break-glass-note">
            Password sign-in is for the environment's break-glass owner only.
          </p>
        ) : null}
        <form onSubmit={submit} noValidate data-testid="login-form">
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {message ? (
            <p className="form-error" role="alert" id="login-error" data-testid="login-error">
              {message}
            </p>
          ) : null}
          <button
            type="submit"
            className="button button-primary button-block"
            id="login-submit"
            disabled={login.isPending || !username || !password}
          >
            {login.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p className="muted small">
          First start without <code>HERMES_ADMIN_PASSWORD</code>? The generated password is in the service
          log, between the lines of <code>=</code>.
        </p>
      </section>
    </main>
  );
}
