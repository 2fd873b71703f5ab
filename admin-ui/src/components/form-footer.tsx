/**
 * @module The footer of a dialog with a form: Cancel, and the submit button (tied to the form by id) that says
 * when it is working.
 */
export function FormFooter({
  formId,
  submitLabel,
  pending,
  disabled = false,
  danger = false,
  onCancel,
  testId,
}: {
  formId: string;
  submitLabel: string;
  pending: boolean;
  disabled?: boolean;
  danger?: boolean;
  onCancel: () => void;
  testId?: string;
}) {
  return (
    <>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button
        type="submit"
        form={formId}
        className={danger ? "button button-danger" : "button button-primary"}
        disabled={disabled || pending}
        data-testid={testId}
      >
        {pending ? "Working…" : submitLabel}
      </button>
    </>
  );
}
