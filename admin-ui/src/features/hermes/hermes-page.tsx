/**
 * @module A tenant's Hermes (/tenants/:id/hermes/:pane?profile=…): a side navigation of the panes in
 * HERMES_PANES, the profile picker (kept in the URL, so a pane can be linked to), and the selected pane. A home that
 * is missing or refused is said once here; each pane then says "not present" for its own files.
 */
import { Suspense } from "react";
import { Link, NavLink, useParams, useSearchParams } from "react-router";
import { PageHeader } from "../../components/page-header";
import { ErrorState, LoadingState } from "../../components/states";
import { useTenant } from "../tenants/tenant-queries";
import { useHermesProfiles } from "./hermes-api";
import { HERMES_GROUPS, HERMES_PANES } from "./hermes-pane-registry";

export function HermesPage() {
  const { id = "", pane: paneId } = useParams();
  const [params, setParams] = useSearchParams();
  const tenant = useTenant(id);
  const profiles = useHermesProfiles(id);
  const pane = HERMES_PANES.find((p) => p.id === paneId) ?? HERMES_PANES[0]!;
  const profile = params.get("profile");
  const search = profile ? `?profile=${encodeURIComponent(profile)}` : "";

  if (tenant.isError)
    return (
      <ErrorState what={`Loading tenant ${id}`} error={tenant.error} onRetry={() => void tenant.refetch()} />
    );
  const v = profiles.data;
  const active = v?.active_profile ?? "default";
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/tenants">Tenants</Link> /{" "}
        <Link to={`/tenants/${encodeURIComponent(id)}`}>{tenant.data?.name ?? id}</Link> / <span>Hermes</span>
      </nav>
      <PageHeader
        title={<span data-testid="hermes-title">Hermes · {tenant.data?.name ?? id}</span>}
        description={
          v ? (
            <span>
              <span className="mono break" data-testid="hermes-home">
                {v.home}
              </span>
              {v.home_status === "ok" ? null : (
                <strong data-testid="hermes-home-status">
                  {" "}
                  —{" "}
                  {v.home_status === "not_present"
                    ? "not present (not created or not mounted)"
                    : v.home_reason}
                </strong>
              )}
            </span>
          ) : null
        }
        actions={
          pane.perProfile && v && v.data.length > 1 ? (
            <label className="filter">
              <span className="filter-label">Profile</span>
              <select
                value={profile ?? active}
                data-testid="hermes-profile"
                onChange={(e) =>
                  setParams((p) => {
                    const next = new URLSearchParams(p);
                    if (e.target.value === active) next.delete("profile");
                    else next.set("profile", e.target.value);
                    return next;
                  })
                }
              >
                {v.data.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name}
                    {p.active ? " (active)" : ""}
                  </option>
                ))}
              </select>
            </label>
          ) : null
        }
      />
      {profiles.isError ? (
        <ErrorState
          what="Loading the Hermes home"
          error={profiles.error}
          onRetry={() => void profiles.refetch()}
        />
      ) : null}
      <div className="hermes-layout">
        <nav className="hermes-nav" aria-label="Hermes sections" data-testid="hermes-nav">
          {HERMES_GROUPS.map((group) => {
            const panes = HERMES_PANES.filter((p) => p.group === group);
            if (panes.length === 0) return null;
            return (
              <div key={group} className="hermes-nav-group">
                <p className="hermes-nav-heading">{group}</p>
                {panes.map((p) => (
                  <NavLink
                    key={p.id}
                    to={`/tenants/${encodeURIComponent(id)}/hermes/${p.id}${search}`}
                    className={() => (p.id === pane.id ? "hermes-nav-link active" : "hermes-nav-link")}
                    aria-current={p.id === pane.id ? "page" : undefined}
                    data-testid={`hermes-nav-${p.id}`}
                  >
                    {p.label}
                  </NavLink>
                ))}
              </div>
            );
          })}
        </nav>
        <section className="hermes-pane" aria-label={pane.label} data-testid={`hermes-pane-${pane.id}`}>
          <h2 className="hermes-pane-title">{pane.label}</h2>
          <Suspense fallback={<LoadingState label={`Opening ${pane.label}…`} />}>
            <pane.Component key={`${pane.id}:${profile ?? ""}`} tenantId={id} profile={profile} />
          </Suspense>
        </section>
      </div>
    </>
  );
}
