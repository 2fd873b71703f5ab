/**
 * @module The signed-in frame: sidebar navigation, who is signed in, sign out, and the privacy notice. Nothing
 * renders until /api/auth/me confirms the session (a 401 goes to the sign-in page and back).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { Icon, type IconName } from "../components/icons";
import { ErrorState, LoadingState } from "../components/states";
import { useStatusQuery } from "../features/status/status-queries";
import { api } from "../lib/api";
import { ChangePasswordDialog } from "../features/admins/change-password-dialog";
import { PrivacyNotice } from "./privacy-notice";

const NAV = [
  { to: "/api-users", label: "API users", icon: "users" },
  { to: "/tenants", label: "Tenants", icon: "building" },
  { to: "/usage", label: "Usage", icon: "chart" },
  { to: "/logs", label: "Audit logs", icon: "logs" },
  { to: "/activity", label: "Admin activity", icon: "shield" },
  { to: "/status", label: "Status", icon: "pulse" },
  { to: "/admins", label: "Admins", icon: "users", owners: true },
] as const satisfies readonly { to: string; label: string; icon: IconName; owners?: boolean }[];

export function AppShell() {
  const me = useQuery({ queryKey: ["me"], queryFn: api.me, staleTime: 60_000 });
  const status = useStatusQuery();
  const [navOpen, setNavOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const logout = useMutation({
    mutationFn: api.logout,
    onSettled: () => {
      client.clear();
      void navigate("/login", { replace: true });
    },
  });

  if (me.isPending) return <LoadingState label="Checking your session…" fullPage />;
  if (me.isError)
    return (
      <ErrorState what="Checking your session" error={me.error} onRetry={() => void me.refetch()} fullPage />
    );

  return (
    <div className="shell" data-nav-open={navOpen}>
      <header className="topbar">
        <button
          type="button"
          className="icon-button nav-toggle"
          aria-expanded={navOpen}
          aria-controls="sidebar"
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name="menu" size={22} />
          <span className="sr-only">Menu</span>
        </button>
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Hermes Control Plane
        </span>
      </header>
      <aside id="sidebar" className="sidebar">
        <div className="brand sidebar-brand">
          <span className="brand-mark" aria-hidden="true" />
          Hermes Control Plane
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => !("owners" in item) || me.data.capabilities.includes("admins")).map(
              (item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    data-testid={`nav-${item.to.slice(1)}`}
                    onClick={() => setNavOpen(false)}
                  >
                    <Icon name={item.icon} />
                    {item.label}
                  </NavLink>
                </li>
              ),
            )}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <PrivacyNotice status={status.data} />
          {me.data.kind !== "sso" ? (
            // In a whoami row of its own: it takes the sidebar's button colours, and Sign out keeps its room.
            <div className="whoami">
              <button
                type="button"
                className="button button-ghost"
                data-testid="change-password-open"
                onClick={() => setChangingPassword(true)}
              >
                Change password
              </button>
            </div>
          ) : null}
          <div className="whoami">
            <span>
              <span data-testid="whoami">Signed in as {me.data.username}</span>{" "}
              <span data-testid="whoami-role">({me.data.role})</span>
            </span>
            <button
              type="button"
              className="button button-ghost"
              data-testid="sign-out"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
            >
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="content" id="content">
        <Outlet />
      </main>
      {changingPassword ? <ChangePasswordDialog onClose={() => setChangingPassword(false)} /> : null}
    </div>
  );
}
