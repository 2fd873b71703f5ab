/**
 * @module A small coloured label. With `hint`, hovering or focusing it shows the hint (what it means and what to
 * do about it) and screen readers read it too.
 */
import { useId, type ReactNode } from "react";

export type Tone = "neutral" | "success" | "warning" | "danger" | "info" | "muted";

export function Badge({
  tone = "neutral",
  hint,
  children,
  testId,
}: {
  tone?: Tone;
  hint?: string;
  children: ReactNode;
  testId?: string;
}) {
  const id = useId();
  if (!hint)
    return (
      <span className={`badge badge-${tone}`} data-testid={testId}>
        {children}
      </span>
    );
  return (
    <span className="tooltip-anchor">
      <span className={`badge badge-${tone}`} tabIndex={0} aria-describedby={id} data-testid={testId}>
        {children}
      </span>
      <span role="tooltip" id={id} className="tooltip">
        {hint}
      </span>
    </span>
  );
}
