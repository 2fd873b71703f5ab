/**
 * @module Create an admin account: a local one gets a random initial password shown exactly once here (only its
 * argon2id hash is stored); an SSO one is an e-mail address that signs in through the identity provider.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CopyButton } from "../../components/copy-button";
import { Dialog } from "../../components/dialog";
import type { AdminAccountResponse, CreatedAdminResponse } from "../../lib/api-types";
import { useCreateAdmin } from "./admin-queries";

type Role = AdminAccountResponse["role"];

export function CreateAdminDialog({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const create = useCreateAdmin();
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [kind, setKind] = useState<"local" | "sso">("local");
  const [created, setCreated] = useState<CreatedAdminResponse | null>(null);

  const close = () => {
    void client.invalidateQueries({ queryKey: ["admins"] });
    onClose();
  };

  if (created) {
    return (
      <Dialog title={`Admin ${created.admin.username} created`} onClose={close} testId="admin-created">
        {created.initial_password ? (
          <>
            <p className="callout callout-warning">
              <strong>This initial password is shown only once.</strong> Hand it over safely; the admin should
              change it after signing in.
            </p>
            <div className="key-box">
              <code className="key-value" data-testid="initial-password">
                {created.initial_password}
              </code>
              <div className="key-actions">
                <CopyButton text={created.initial_password} label="Copy password" />
              </div>
            </div>
          </>
        ) : (
          <p>{created.admin.username} signs in with single sign-on.</p>
        )}
        <div className="dialog-footer">
          <button
            type="button"
            className="button button-primary"
            onClick={close}
            data-testid="admin-created-done"
          >
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Add an admin" onClose={onClose} testId="create-admin">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ username, role, kind }, { onSuccess: setCreated });
        }}
      >
        <div className="field">
          <label htmlFor="admin-kind">Sign-in</label>
          <select id="admin-kind" value={kind} onChange={(e) => setKind(e.target.value as "local" | "sso")}>
            <option value="local">Password (initial password shown once)</option>
            <option value="sso">Single sign-on (e-mail address)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="admin-username">{kind === "sso" ? "E-mail address" : "Username"}</label>
          <input
            id="admin-username"
            data-testid="admin-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="off"
            required
          />
        </div>
        <div className="field">
          <label htmlFor="admin-role">Role</label>
          <select
            id="admin-role"
            data-testid="admin-role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            <option value="owner">Owner: everything, including admins</option>
            <option value="admin">Admin: tenants, API users, keys, Hermes configuration</option>
            <option value="auditor">Auditor: reads everything, bodies and exports; changes nothing</option>
            <option value="viewer">Viewer: metadata only</option>
          </select>
        </div>
        {create.error ? (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        ) : null}
        <div className="dialog-footer">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={!username || create.isPending}
            data-testid="create-admin-submit"
          >
            Add admin
          </button>
        </div>
      </form>
    </Dialog>
  );
}
