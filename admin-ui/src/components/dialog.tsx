/**
 * @module A modal dialog on the native <dialog> element: the browser traps focus, Escape asks to close (through
 * `onClose`, which may refuse, as the show-once key panel does), and the page behind is inert.
 */
import { useEffect, useEffectEvent, useRef, type ReactNode } from "react";
import { Icon } from "./icons";

export function Dialog({
  title,
  onClose,
  children,
  footer,
  testId,
  wide = false,
  variant = "modal",
}: {
  title: ReactNode;
  /** Called for Escape and the close button; the owner decides whether the dialog really goes away. */
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  wide?: boolean;
  /** "drawer" slides in from the right edge. */
  variant?: "modal" | "drawer";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const requestClose = useEffectEvent(() => onClose());

  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      requestClose();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${variant}${wide ? " dialog-wide" : ""}`}
      aria-labelledby={testId ? `${testId}-title` : undefined}
      data-testid={testId}
    >
      <div className="dialog-header">
        <h2 id={testId ? `${testId}-title` : undefined}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
          <Icon name="close" />
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-footer">{footer}</div> : null}
    </dialog>
  );
}
