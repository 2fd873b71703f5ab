/**
 * @module Create a tenant (slug, name, upstream URLs, optional credential) or edit one's name and upstream URLs.
 * The upstream credential is write-only: it can be set or cleared, never read back (only a fingerprint shows).
 */
import { useState } from "react";
import { Dialog } from "../../components/dialog";
import { Field } from "../../components/field";
import { FormError } from "../../components/states";
import type { TenantResponse } from "../../lib/api-types";
import { useCreateTenant, useUpdateTenant } from "./tenant-queries";
import { FormFooter } from "../../components/form-footer";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function urlError(v: string): string | null {
  if (!v.trim()) return null;
  try {
    const u = new URL(v.trim());
    if (u.protocol !== "http:" && u.protocol !== "https:") return "Must be an http:// or https:// URL.";
    if (u.username || u.password) return "No credentials in the URL: use the upstream credential below.";
    return null;
  } catch {
    return "Not a URL, e.g. http://hermes-acme:8642/v1";
  }
}

export function TenantFormDialog({
  tenant,
  onDone,
  onClose,
}: {
  tenant?: TenantResponse;
  onDone: (tenant: TenantResponse) => void;
  onClose: () => void;
}) {
  const create = useCreateTenant();
  const update = useUpdateTenant();
  const [id, setId] = useState(tenant?.id ?? "");
  const [name, setName] = useState(tenant?.name ?? "");
  const [pre, setPre] = useState(tenant?.pre_upstream_url ?? "");
  const [post, setPost] = useState(tenant?.post_upstream_url ?? "");
  const [credential, setCredential] = useState("");
  const [touched, setTouched] = useState(false);
  const errors = {
    id: tenant
      ? null
      : SLUG.test(id)
        ? null
        : "1–63 lowercase letters, digits or dashes, starting with a letter or digit.",
    name: name.trim() ? null : "A name is required.",
    pre: urlError(pre),
    post: urlError(post),
  };
  const valid = Object.values(errors).every((e) => e === null);
  const pending = create.isPending || update.isPending;
  const show = (e: string | null) => (touched ? e : null);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!valid || pending) return;
    const urls = { pre_upstream_url: pre.trim() || null, post_upstream_url: post.trim() || null };
    if (tenant) update.mutate({ id: tenant.id, body: { name: name.trim(), ...urls } }, { onSuccess: onDone });
    else
      create.mutate(
        { id, name: name.trim(), ...urls, upstream_api_key: credential ? credential : null },
        { onSuccess: onDone },
      );
  };

  return (
    <Dialog
      title={tenant ? `Edit ${tenant.name}` : "Create tenant"}
      onClose={onClose}
      testId="tenant-form"
      footer={
        <FormFooter
          formId="tenant-form-el"
          submitLabel={tenant ? "Save changes" : "Create tenant"}
          pending={pending}
          onCancel={onClose}
          testId="tenant-form-submit"
        />
      }
    >
      <form id="tenant-form-el" onSubmit={submit} noValidate className="form-grid">
        {tenant ? null : (
          <Field
            label="Id (slug)"
            error={show(errors.id)}
            hint="Permanent; API users and audit records refer to it."
          >
            <input
              value={id}
              onChange={(e) => setId(e.target.value)}
              autoFocus
              spellCheck={false}
              data-testid="tenant-id"
            />
          </Field>
        )}
        <Field label="Name" error={show(errors.name)}>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            data-testid="tenant-name"
          />
        </Field>
        <Field
          label="Pre-Hermes upstream URL"
          error={show(errors.pre)}
          hint="The tenant's Hermes proxy, an OpenAI-style base ending in /v1 (gateway :8645). Empty: none."
        >
          <input
            value={pre}
            onChange={(e) => setPre(e.target.value)}
            inputMode="url"
            spellCheck={false}
            data-testid="tenant-pre"
          />
        </Field>
        <Field
          label="Post-Hermes upstream URL"
          error={show(errors.post)}
          hint="The tenant's Hermes API server (gateway :8646). Empty: none."
        >
          <input
            value={post}
            onChange={(e) => setPost(e.target.value)}
            inputMode="url"
            spellCheck={false}
            data-testid="tenant-post"
          />
        </Field>
        {tenant ? null : (
          <Field
            label="Upstream credential (optional)"
            hint="Sent upstream as Authorization: Bearer …; stored encrypted and never shown again."
          >
            <input
              type="password"
              value={credential}
              onChange={(e) => setCredential(e.target.value)}
              autoComplete="new-password"
              data-testid="tenant-credential"
            />
          </Field>
        )}
        <FormError error={create.error ?? update.error} />
      </form>
    </Dialog>
  );
}
