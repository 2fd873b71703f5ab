/**
 * @module A search box that waits for a pause in typing before it updates the URL (and so the query).
 */
import { useEffect, useEffectEvent, useState } from "react";

export function SearchInput({
  value,
  onChange,
  label,
  placeholder,
  testId,
  delayMs = 300,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder?: string;
  testId?: string;
  delayMs?: number;
}) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  // Follow the URL when it changes from elsewhere (back button, a link, "Clear filters").
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  const commit = useEffectEvent((v: string) => onChange(v));
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => commit(text.trim()), delayMs);
    return () => clearTimeout(t);
  }, [text, value, delayMs]);
  return (
    <label className="filter filter-search">
      <span className="filter-label">{label}</span>
      <input
        type="search"
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        data-testid={testId}
        autoComplete="off"
        spellCheck={false}
      />
    </label>
  );
}
