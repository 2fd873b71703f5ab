// Login page: posts JSON to /api/auth/login and goes on to `next` when it is a same-origin relative path
// (the same rule as src/admin/safe-next.ts; the server applies it too when a signed-in admin opens /login).
/* global window, document, fetch, URL, URLSearchParams */
"use strict";

function safeNext(next) {
  if (!next || next.length > 2048) return "/";
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (!next.startsWith("/") || next.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  let url;
  try {
    url = new URL(next, window.location.origin);
  } catch {
    return "/";
  }
  if (url.origin !== window.location.origin || url.pathname === "/login") return "/";
  return url.pathname + url.search + url.hash;
}

function showError(text) {
  const el = document.getElementById("login-error");
  el.textContent = text;
  el.hidden = false;
}

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("login-submit");
  button.disabled = true;
  try {
    const res = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({
        username: document.getElementById("username").value,
        password: document.getElementById("password").value,
      }),
    });
    if (res.ok) {
      window.location.assign(safeNext(new URLSearchParams(window.location.search).get("next")));
      return;
    }
    if (res.status === 429) {
      const seconds = Number(res.headers.get("retry-after") || "60");
      showError(`Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute(s).`);
    } else if (res.status === 401) {
      showError("Invalid username or password.");
    } else {
      const body = await res.json().catch(() => null);
      showError(body && body.error ? body.error.message : `Sign-in failed (HTTP ${res.status}).`);
    }
  } catch {
    showError("Cannot reach the server.");
  } finally {
    document.getElementById("password").value = "";
    button.disabled = false;
  }
});
