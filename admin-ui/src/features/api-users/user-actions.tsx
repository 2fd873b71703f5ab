/**
 * @module The API user actions, shared by the list and the detail page: create, edit, rotate, revoke and delete,
 * each with its dialog. Destructive ones name the user; delete asks for the name to be typed. After create and
 * rotate the show-once key panel opens, and the cached lists refresh only when it is closed.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type ReactNode } from "react";
import { ConfirmDialog } from "../../components/confirm-dialog";
import type { ApiUserResponse } from "../../lib/api-types";
import { refreshApiUsers, useDeleteApiUser, useRevokeApiUser, useRotateApiUser } from "./api-user-queries";
import { ShowOnceKeyDialog } from "./show-once-key";
import { UserFormDialog } from "./user-form-dialog";

export type UserAction = "edit" | "rotate" | "revoke" | "delete";

/** The grace periods the rotate dialog offers (the API takes any number of seconds up to a day). */
export const GRACE_OPTIONS = [
  { seconds: 0, label: "no grace period" },
  { seconds: 15 * 60, label: "15 minutes" },
  { seconds: 60 * 60, label: "1 hour" },
  { seconds: 24 * 60 * 60, label: "24 hours" },
] as const;

type State =
  | { kind: "create" }
  | { kind: UserAction; user: ApiUserResponse }
  | { kind: "key"; user: ApiUserResponse; apiKey: string; rotated: boolean; previousUntil?: string | null }
  | null;

export function useUserActions(options: { defaultTenant?: string; onDeleted?: () => void } = {}) {
  const client = useQueryClient();
  const [state, setState] = useState<State>(null);
  const [graceSeconds, setGraceSeconds] = useState(0);
  // One Idempotency-Key per rotate dialog: a retry after a lost answer gets the same new key, not a second rotation.
  const [rotateKey, setRotateKey] = useState("");
  const rotate = useRotateApiUser();
  const revoke = useRevokeApiUser();
  const remove = useDeleteApiUser();
  const close = () => {
    setState(null);
    rotate.reset();
    revoke.reset();
    remove.reset();
  };
  const done = () => {
    close();
    refreshApiUsers(client);
  };

  let element: ReactNode = null;
  if (state?.kind === "create" || state?.kind === "edit") {
    element = (
      <UserFormDialog
        user={state.kind === "edit" ? state.user : undefined}
        defaultTenant={options.defaultTenant}
        onClose={close}
        onSaved={done}
        onCreated={(issued) =>
          setState({ kind: "key", user: issued.api_user, apiKey: issued.api_key, rotated: false })
        }
      />
    );
  } else if (state?.kind === "key") {
    element = (
      <ShowOnceKeyDialog
        apiKey={state.apiKey}
        userName={state.user.name}
        rotated={state.rotated}
        previousUntil={state.previousUntil}
        onClosed={done}
      />
    );
  } else if (state?.kind === "rotate") {
    const user = state.user;
    element = (
      <ConfirmDialog
        title={`Rotate the key of ${user.name}?`}
        confirmLabel="Rotate key"
        pending={rotate.isPending}
        error={rotate.error}
        onCancel={close}
        onConfirm={() =>
          rotate.mutate(
            { id: user.id, graceSeconds, idempotencyKey: rotateKey },
            {
              onSuccess: (issued) =>
                setState({
                  kind: "key",
                  user: issued.api_user,
                  apiKey: issued.api_key,
                  rotated: true,
                  previousUntil: issued.old_key_valid_until,
                }),
            },
          )
        }
      >
        <p>
          A new key is issued for <strong>{user.name}</strong> and shown once. The current key (
          {user.key_prefix}…){" "}
          {graceSeconds === 0
            ? "stops working at once and answers 410 key_rotated."
            : `keeps working for ${GRACE_OPTIONS.find((o) => o.seconds === graceSeconds)?.label ?? ""} (its answers carry x-hms-key-deprecated), then answers 410 key_rotated.`}{" "}
          Limits, usage and history stay.
        </p>
        <div className="field">
          <label htmlFor="rotate-grace">Grace period for the current key</label>
          <select
            id="rotate-grace"
            data-testid="rotate-grace"
            value={graceSeconds}
            onChange={(e) => setGraceSeconds(Number(e.target.value))}
          >
            {GRACE_OPTIONS.map((o) => (
              <option key={o.seconds} value={o.seconds}>
                {o.seconds === 0 ? "None: stops at once" : o.label}
              </option>
            ))}
          </select>
        </div>
      </ConfirmDialog>
    );
  } else if (state?.kind === "revoke") {
    const user = state.user;
    element = (
      <ConfirmDialog
        title={`Revoke ${user.name}?`}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error}
        onCancel={close}
        onConfirm={() => revoke.mutate(user.id, { onSuccess: done })}
      >
        <p>
          The key of <strong>{user.name}</strong> ({user.key_prefix}…) stops working at once and answers 410
          key_revoked. The user, their usage and audit records stay; rotate later to issue a new key.
        </p>
      </ConfirmDialog>
    );
  } else if (state?.kind === "delete") {
    const user = state.user;
    element = (
      <ConfirmDialog
        title={`Delete ${user.name}?`}
        confirmLabel="Delete user"
        typeToConfirm={user.name}
        pending={remove.isPending}
        error={remove.error}
        onCancel={close}
        onConfirm={() =>
          remove.mutate(user.id, {
            onSuccess: () => {
              done();
              options.onDeleted?.();
            },
          })
        }
      >
        <p>
          <strong>{user.name}</strong> is deleted and its key answers 401 at once. This cannot be undone.
          Their audit records stay until the retention removes them.
        </p>
      </ConfirmDialog>
    );
  }

  const create = useCallback(() => setState({ kind: "create" }), []);
  const open = useCallback((kind: UserAction, user: ApiUserResponse) => {
    if (kind === "rotate") {
      setGraceSeconds(0);
      setRotateKey(crypto.randomUUID());
    }
    setState({ kind, user });
  }, []);
  return { create, open, element };
}
