/**
 * @module A labelled drop-down filter: "any" first, then the choices; the value lives in the URL like every filter.
 */
export function SelectFilter({
  label,
  value,
  onChange,
  options,
  anyLabel,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly (readonly [value: string, label: string])[];
  anyLabel: string;
  testId?: string;
}) {
  return (
    <label className="filter">
      <span className="filter-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{anyLabel}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
