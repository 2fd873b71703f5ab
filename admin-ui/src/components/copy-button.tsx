/**
 * @module A copy-to-clipboard button that says "Copied" for a moment.
 */
import { useEffect, useState } from "react";
import { copyText } from "../lib/clipboard";
import { Icon } from "./icons";

export function CopyButton({
  text,
  label = "Copy",
  testId,
  onCopied,
}: {
  text: string;
  label?: string;
  testId?: string;
  onCopied?: () => void;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className="button"
      data-testid={testId}
      onClick={async () => {
        const ok = await copyText(text);
        setState(ok ? "copied" : "failed");
        if (ok) onCopied?.();
      }}
    >
      <Icon name="copy" size={16} />
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
      </span>
    </button>
  );
}
