/**
 * @module Set, replace or clear a tenant's write-only upstream credential. The value goes to the server once and
 * is never shown; afterwards only "set" and its fingerprint are.
 */
import { useState } from "react";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { Dialog } from "../../components/dialog";
import { Field } from "../../components/field";
import { FormError } from "../../components/states";
import type { TenantResponse } from "../../lib/api-types";
import { useUpdateTenant } from "./tenant-queries";
import { FormFooter } from "../../components/form-footer";

export function CredentialDialog({
  tenant,
  mode,
  onDone,
  onClose,
}: {
  tenant: TenantResponse;
  mode: "set" | "clear";
  onDone: () => void;
  onClose: () => void;
}) {
  const update = useUpdateTenant();
  const [value, setValue] = useState("");
  if (mode === "clear")
    return (
      <ConfirmDialog
        title={`Clear the upstream credential of ${tenant.name}?`}
        confirmLabel="Clear credential"
        pending={update.isPending}
        error={update.error}
        onCancel={onClose}
        onConfirm={() =>
          update.mutate({ id: tenant.id, body: { upstream_api_key: null } }, { onSuccess: onDone })
        }
      >
        <p>Requests to this tenant's upstreams will be sent without an Authorization header from now on.</p>
      </ConfirmDialog>
    );
  return (
    <Dialog
      title={`${tenant.has_upstream_api_key ? "Replace" : "Set"} the upstream credential of ${tenant.name}`}
      onClose={onClose}
      testId="credential-form"
      footer={
        <FormFooter
          formId="credential-form-el"
          submitLabel="Save credential"
          pending={update.isPending}
          disabled={!value}
          onCancel={onClose}
          testId="credential-save"
        />
      }
    >
      <form
        id="credential-form-el"
        onSubmit={(e) => {
          e.preventDefault();
          if (value)
            update.mutate({ id: tenant.id, body: { upstream_api_key: value } }, { onSuccess: onDone });
        }}
      >
        <Field
          label="Upstream credential"
          hint="Write-only: stored encrypted; the console will only show its fingerprint."
        >
          <input
            type="password"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="new-password"
            autoFocus
            data-testid="credential-input"
          />
        </Field>
        <FormError error={update.error} />
      </form>
    </Dialog>
  );
}
