/**
 * @module Create an API user (name, tenant, gateways, RPM, monthly cap) or edit one's limits and gateways. Create
 * hands the issued key to the show-once panel; nothing is refreshed until that panel closes.
 */
import { useState } from "react";
import { Dialog } from "../../components/dialog";
import { Field } from "../../components/field";
import { FormError } from "../../components/states";
import type { ApiUserResponse, IssuedKeyResponse } from "../../lib/api-types";
import { useTenants } from "../tenants/tenant-queries";
import { useCreateApiUser, useUpdateApiUser } from "./api-user-queries";
import { LimitInput, parseLimit } from "./limit-input";
import { FormFooter } from "../../components/form-footer";

type Gateway = "pre" | "post";

export function UserFormDialog({
  user,
  defaultTenant,
  onCreated,
  onSaved,
  onClose,
}: {
  /** Edit this user; absent = create. */
  user?: ApiUserResponse;
  defaultTenant?: string;
  onCreated?: (issued: IssuedKeyResponse) => void;
  onSaved?: (user: ApiUserResponse) => void;
  onClose: () => void;
}) {
  const tenants = useTenants();
  const create = useCreateApiUser();
  const update = useUpdateApiUser();
  const [name, setName] = useState(user?.name ?? "");
  const [tenant, setTenant] = useState(user?.tenant_id ?? defaultTenant ?? "default");
  const [gateways, setGateways] = useState<Gateway[]>(user?.gateways ?? ["pre", "post"]);
  const [rpm, setRpm] = useState<string | null>(user ? (user.rpm_limit?.toString() ?? null) : "60");
  const [cap, setCap] = useState<string | null>(
    user ? (user.monthly_token_cap?.toString() ?? null) : "1000000",
  );
  const [touched, setTouched] = useState(false);

  const rpmParsed = parseLimit(rpm, 1);
  const capParsed = parseLimit(cap, 0);
  const errors = {
    name: name.trim() ? (name.length > 200 ? "At most 200 characters." : null) : "A name is required.",
    gateways: gateways.length ? null : "Allow at least one gateway.",
    rpm: rpmParsed.error,
    cap: capParsed.error,
  };
  const valid = Object.values(errors).every((e) => e === null);
  const pending = create.isPending || update.isPending;

  const toggleGateway = (g: Gateway, on: boolean) =>
    setGateways((prev) =>
      on
        ? (["pre", "post"] as Gateway[]).filter((x) => x === g || prev.includes(x))
        : prev.filter((x) => x !== g),
    );

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!valid || pending) return;
    const limits = { gateways, rpm_limit: rpmParsed.value, monthly_token_cap: capParsed.value };
    if (user) {
      update.mutate(
        { id: user.id, body: { name: name.trim(), ...limits } },
        { onSuccess: (u) => onSaved?.(u) },
      );
    } else {
      create.mutate(
        { name: name.trim(), tenant_id: tenant, ...limits },
        { onSuccess: (issued) => onCreated?.(issued) },
      );
    }
  };
  const show = (msg: string | null) => (touched ? msg : null);

  return (
    <Dialog
      title={user ? `Edit ${user.name}` : "Create API user"}
      onClose={onClose}
      testId="user-form"
      footer={
        <FormFooter
          formId="user-form-el"
          submitLabel={user ? "Save changes" : "Create and show key"}
          pending={pending}
          onCancel={onClose}
          testId="user-form-submit"
        />
      }
    >
      <form id="user-form-el" onSubmit={submit} noValidate className="form-grid">
        <Field label="Name" error={show(errors.name)} hint="Shown in the audit log; it need not be unique.">
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            autoFocus
            data-testid="user-name"
          />
        </Field>
        <Field
          label="Tenant"
          hint={
            user
              ? "A user stays on its tenant; create a new user to move."
              : "Which Hermes the user's requests go to."
          }
        >
          <select
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
            disabled={Boolean(user)}
            data-testid="user-tenant"
          >
            {(tenants.data?.data ?? [{ id: tenant, name: tenant }]).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.id})
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field">
          <legend>Gateways</legend>
          <div className="checkbox-row">
            {(["pre", "post"] as Gateway[]).map((g) => (
              <label key={g} className="checkbox">
                <input
                  type="checkbox"
                  checked={gateways.includes(g)}
                  onChange={(e) => toggleGateway(g, e.target.checked)}
                  data-testid={`user-gateway-${g}`}
                />
                {g === "pre" ? "Pre-Hermes (:8645)" : "Post-Hermes (:8646)"}
              </label>
            ))}
          </div>
          {show(errors.gateways) ? <p className="field-error">{errors.gateways}</p> : null}
        </fieldset>
        <LimitInput
          label="Requests per minute"
          value={rpm}
          onChange={setRpm}
          min={1}
          testId="user-rpm"
          error={show(errors.rpm)}
        />
        <LimitInput
          label="Monthly token cap"
          value={cap}
          onChange={setCap}
          testId="user-cap"
          hint="Prompt plus completion tokens per calendar month (UTC)."
          error={show(errors.cap)}
        />
        <FormError error={create.error ?? update.error} />
      </form>
    </Dialog>
  );
}
