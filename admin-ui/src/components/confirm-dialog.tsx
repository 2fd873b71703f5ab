/**
 * @module Confirmation of a destructive action. The message names what is affected; with `typeToConfirm` the
 * button stays disabled until that exact text (the user's or tenant's name) is typed.
 */
import { useId, useState, type ReactNode } from "react";
import { Dialog } from "./dialog";
import { FormError } from "./states";
import { FormFooter } from "./form-footer";

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  typeToConfirm,
  danger = true,
  pending = false,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  danger?: boolean;
  pending?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [typed, setTyped] = useState("");
  const inputId = useId();
  const ready = !typeToConfirm || typed === typeToConfirm;
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      testId="confirm-dialog"
      footer={
        <FormFooter
          formId={`${inputId}-form`}
          submitLabel={confirmLabel}
          pending={pending}
          disabled={!ready}
          danger={danger}
          onCancel={onCancel}
          testId="confirm-button"
        />
      }
    >
      <form
        id={`${inputId}-form`}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !pending) onConfirm();
        }}
      >
        <div className="confirm-message">{children}</div>
        {typeToConfirm !== undefined ? (
          <div className="field">
            <label htmlFor={inputId}>
              Type <strong className="mono">{typeToConfirm}</strong> to confirm
            </label>
            <input
              id={inputId}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              autoFocus
              data-testid="confirm-input"
            />
          </div>
        ) : null}
        <FormError error={error} />
      </form>
    </Dialog>
  );
}
