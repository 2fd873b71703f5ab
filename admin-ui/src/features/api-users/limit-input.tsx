/**
 * @module A whole-number limit that can also be "unlimited" (null): a number box with an Unlimited checkbox.
 */
import { useId } from "react";

export function LimitInput({
  label,
  value,
  onChange,
  hint,
  error,
  testId,
  min = 0,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  hint?: string;
  error?: string | null;
  testId: string;
  min?: number;
}) {
  const id = useId();
  const unlimited = value === null;
  return (
    <fieldset className="field limit-input">
      <legend>{label}</legend>
      <div className="limit-row">
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={min}
          step={1}
          aria-label={label}
          value={unlimited ? "" : value}
          disabled={unlimited}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={unlimited}
            onChange={(e) => onChange(e.target.checked ? null : "")}
            data-testid={`${testId}-unlimited`}
          />
          Unlimited
        </label>
      </div>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}

/** "" → error text; null → unlimited; else a whole number. */
export function parseLimit(
  value: string | null,
  min: number,
): { value: number | null; error: string | null } {
  if (value === null) return { value: null, error: null };
  if (value.trim() === "") return { value: null, error: "Enter a number, or tick Unlimited." };
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    return { value: null, error: `Must be a whole number, at least ${min}.` };
  return { value: n, error: null };
}
