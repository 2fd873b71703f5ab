/**
 * @module Tenant actions shared by the list and the tenant page: create, edit, set/clear the credential, delete
 * (a 409 is explained: users remain, or it is the default tenant).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type ReactNode } from "react";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { ApiError } from "../../lib/api";
import type { TenantResponse } from "../../lib/api-types";
import { CredentialDialog } from "./credential-dialog";
import { refreshTenants, useDeleteTenant } from "./tenant-queries";
import { TenantFormDialog } from "./tenant-form-dialog";

export type TenantAction = "edit" | "set-credential" | "clear-credential" | "delete";
type State = { kind: "create" } | { kind: TenantAction; tenant: TenantResponse } | null;

function deleteError(err: unknown, tenant: TenantResponse): unknown {
  if (!(err instanceof ApiError) || err.status !== 409) return err;
  const why =
    tenant.id === "default"
      ? "The default tenant cannot be deleted."
      : `${tenant.name} still has ${tenant.api_users_count} API user${tenant.api_users_count === 1 ? "" : "s"}: delete them first (their audit records stay).`;
  return new Error(`${why} Server: ${err.message}`);
}

export function useTenantActions(
  options: { onCreated?: (t: TenantResponse) => void; onDeleted?: () => void } = {},
) {
  const client = useQueryClient();
  const [state, setState] = useState<State>(null);
  const remove = useDeleteTenant();
  const close = () => {
    setState(null);
    remove.reset();
  };
  const done = () => {
    close();
    refreshTenants(client);
  };

  let element: ReactNode = null;
  if (state?.kind === "create" || state?.kind === "edit") {
    element = (
      <TenantFormDialog
        tenant={state.kind === "edit" ? state.tenant : undefined}
        onClose={close}
        onDone={(t) => {
          done();
          if (state.kind === "create") options.onCreated?.(t);
        }}
      />
    );
  } else if (state?.kind === "set-credential" || state?.kind === "clear-credential") {
    element = (
      <CredentialDialog
        tenant={state.tenant}
        mode={state.kind === "set-credential" ? "set" : "clear"}
        onClose={close}
        onDone={done}
      />
    );
  } else if (state?.kind === "delete") {
    const t = state.tenant;
    element = (
      <ConfirmDialog
        title={`Delete tenant ${t.name}?`}
        confirmLabel="Delete tenant"
        typeToConfirm={t.id}
        pending={remove.isPending}
        error={remove.error ? deleteError(remove.error, t) : null}
        onCancel={close}
        onConfirm={() =>
          remove.mutate(t.id, {
            onSuccess: () => {
              done();
              options.onDeleted?.();
            },
          })
        }
      >
        <p>
          The tenant <strong>{t.name}</strong> ({t.id}) and its upstream settings are deleted. A tenant that
          still has API users cannot be deleted.
        </p>
      </ConfirmDialog>
    );
  }
  const create = useCallback(() => setState({ kind: "create" }), []);
  const open = useCallback((kind: TenantAction, tenant: TenantResponse) => setState({ kind, tenant }), []);
  return { create, open, element };
}
