/**
 * @module Admins (/admins, owners only): every admin account with its role and status; change a role, disable or
 * enable, delete (asking for the name), add an admin. The server keeps the last owner and the environment owner.
 */
import { useState } from "react";
import { Badge } from "../../components/badge";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { DateTime } from "../../components/date-time";
import { PageHeader } from "../../components/page-header";
import { ErrorState, LoadingState } from "../../components/states";
import type { AdminAccountResponse } from "../../lib/api-types";
import { useCan } from "../../lib/permissions";
import { useAdmins, useDeleteAdmin, useUpdateAdmin } from "./admin-queries";
import { CreateAdminDialog } from "./create-admin-dialog";

const ROLES = ["owner", "admin", "auditor", "viewer"] as const;

export function AdminsPage() {
  const can = useCan();
  const admins = useAdmins();
  const update = useUpdateAdmin();
  const remove = useDeleteAdmin();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<AdminAccountResponse | null>(null);

  if (!can("admins"))
    return <ErrorState what="Admins" error={new Error("Only owners manage admin accounts.")} />;
  if (admins.isPending) return <LoadingState label="Loading admins…" />;
  if (admins.isError)
    return <ErrorState what="Loading admins" error={admins.error} onRetry={() => void admins.refetch()} />;

  return (
    <>
      <PageHeader
        title="Admins"
        description="Who may use this console, and what each role may do."
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => setCreating(true)}
            data-testid="add-admin"
          >
            Add admin
          </button>
        }
      />
      {update.error ? (
        <p className="callout callout-danger" role="alert" data-testid="admin-error">
          {update.error.message}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="table" data-testid="admins-table">
          <caption className="sr-only">Admin accounts</caption>
          <thead>
            <tr>
              <th scope="col">Admin</th>
              <th scope="col">Sign-in</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {admins.data.data.map((a) => (
              <tr key={a.id} data-testid={`admin-row-${a.username}`}>
                <td className="strong">{a.username}</td>
                <td>
                  {a.kind === "env"
                    ? "environment (break-glass)"
                    : a.kind === "sso"
                      ? "single sign-on"
                      : "password"}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${a.username}`}
                    data-testid="admin-role-select"
                    value={a.role}
                    disabled={a.kind === "env" || update.isPending}
                    onChange={(e) =>
                      update.mutate({ id: a.id, body: { role: e.target.value as (typeof ROLES)[number] } })
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <Badge tone={a.status === "active" ? "success" : "muted"}>{a.status}</Badge>
                </td>
                <td>{a.last_login_at ? <DateTime iso={a.last_login_at} /> : "never"}</td>
                <td className="actions">
                  {a.kind === "env" ? null : (
                    <div className="button-row">
                      <button
                        type="button"
                        className="button"
                        data-testid="admin-toggle"
                        disabled={update.isPending}
                        onClick={() =>
                          update.mutate({
                            id: a.id,
                            body: { status: a.status === "active" ? "disabled" : "active" },
                          })
                        }
                      >
                        {a.status === "active" ? "Disable" : "Enable"}
                      </button>
                      <button
                        type="button"
                        className="button button-danger"
                        data-testid="admin-delete"
                        onClick={() => setDeleting(a)}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {creating ? <CreateAdminDialog onClose={() => setCreating(false)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${deleting.username}?`}
          confirmLabel="Delete admin"
          typeToConfirm={deleting.username}
          pending={remove.isPending}
          error={remove.error}
          onCancel={() => {
            setDeleting(null);
            remove.reset();
          }}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          <p>
            <strong>{deleting.username}</strong> can no longer sign in; their sessions end at once. Their
            entries in the activity trail stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
