// Signed-in landing page: reads the admin API and renders it with textContent only (no HTML from data).
/* global window, document, fetch */
"use strict";

async function api(path, init) {
  const res = await fetch(path, { credentials: "same-origin", ...init });
  if (res.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new Error("signed out");
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.status === 204 ? null : res.json();
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const value of cells) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined ? "—" : String(value);
    tr.appendChild(td);
  }
  return tr;
}

function fill(id, rows, emptyText, columns) {
  const body = document.getElementById(id);
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = row([emptyText]);
    tr.firstChild.colSpan = columns;
    body.appendChild(tr);
    return;
  }
  for (const r of rows) body.appendChild(row(r));
}

function showStatus(s) {
  const dl = document.getElementById("status");
  dl.replaceChildren();
  const items = [
    ["version", s.version + (s.git_commit ? ` (${s.git_commit.slice(0, 12)})` : "")],
    ["uptime", `${Math.floor(s.uptime_seconds / 60)} min`],
    ["database", `${s.database.kind}, ${s.database.healthy ? "healthy" : `unhealthy: ${s.database.reason}`}`],
  ];
  if (s.audit) {
    items.push(["audit queue", s.audit.queue_depth], ["audit rows written", s.audit.rows_written]);
  }
  for (const [k, v] of items) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = String(v);
    dl.append(dt, dd);
  }
}

async function load() {
  const me = await api("/api/auth/me");
  document.getElementById("whoami").textContent = `Signed in as ${me.username}`;
  const [status, tenants, users] = await Promise.all([
    api("/api/admin/status"),
    api("/api/admin/tenants"),
    api("/api/admin/api-users"),
  ]);
  showStatus(status);
  fill(
    "tenants",
    tenants.data.map((t) => [
      t.id,
      t.name,
      t.pre_upstream_url,
      t.post_upstream_url,
      t.has_upstream_api_key ? `set (${t.upstream_api_key_fingerprint})` : "none",
    ]),
    "No tenants.",
    5,
  );
  fill(
    "api-users",
    users.data.map((u) => [
      u.name,
      u.tenant_id,
      u.gateways.join(", "),
      `${u.key_prefix}…`,
      u.status,
      u.rpm_limit ?? "unlimited",
      u.usage.tokens_used,
      u.monthly_token_cap ?? "unlimited",
      u.last_used_at ? new Date(u.last_used_at).toLocaleString() : "never",
    ]),
    "No API users yet.",
    9,
  );
}

document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/api/auth/logout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: "{}",
  });
  window.location.assign("/login");
});

load().catch((err) => {
  if (err.message !== "signed out") document.getElementById("whoami").textContent = `Error: ${err.message}`;
});
