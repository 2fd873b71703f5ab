/**
 * @module Memory (memories/MEMORY.md and USER.md): entries and characters used against the configured limits, the
 * entries themselves on demand.
 */
import { useState } from "react";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { FileNote, TextBlock } from "./pane-bits";
import type { MemoryContentView, MemoryView } from "./pane-types";

type MemoryFile = MemoryView["files"][number];

function fillClass(percent: number): string {
  // Tenths of the track, as classes (no inline style under the CSP).
  return `hp-fill-${Math.min(10, Math.max(0, Math.round(percent / 10)))}`;
}

export function MemoryPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<MemoryView>(tenantId, profile, "memory");
  return (
    <QueryView query={query} what="Loading the memory">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          <p className="small muted">
            Memory provider:{" "}
            <span className="mono" data-testid="memory-provider">
              {v.provider}
            </span>
            {v.provider !== "builtin"
              ? " (a plugin may hold memory elsewhere; only the files below are shown)"
              : null}
          </p>
          <div className="hp-two">
            {v.files.map((f) => (
              <MemoryCard key={f.key} f={f} tenantId={tenantId} profile={profile} />
            ))}
          </div>
        </div>
      )}
    </QueryView>
  );
}

function MemoryCard({ f, tenantId, profile }: { f: MemoryFile; tenantId: string; profile: string | null }) {
  const [open, setOpen] = useState(false);
  const present = f.file.status === "ok";
  return (
    <Card title={f.key === "memory" ? "MEMORY.md" : "USER.md"} testId={`memory-${f.key}`}>
      <FileNote file={f.file} what={f.key === "memory" ? "MEMORY.md" : "USER.md"} />
      {present ? (
        <>
          <p>
            <span data-testid="memory-entries">{formatNumber(f.entries)}</span>{" "}
            {f.entries === 1 ? "entry" : "entries"} ·{" "}
            <span data-testid="memory-chars">
              {formatNumber(f.chars)} / {formatNumber(f.limit)}
            </span>{" "}
            characters ({f.used_percent}%) {f.over_limit ? <Badge tone="danger">over the limit</Badge> : null}
          </p>
          <div
            className={`meter ${f.over_limit ? "meter-danger" : f.used_percent >= 90 ? "meter-warning" : "meter-ok"}`}
          >
            <span
              className="meter-track"
              role="meter"
              aria-valuemin={0}
              aria-valuemax={f.limit}
              aria-valuenow={Math.min(f.chars, f.limit)}
              aria-label={`${f.used_percent}% of the limit`}
            >
              <span className={`meter-fill hp-fill ${fillClass(f.used_percent)}`} />
            </span>
          </div>
          <button
            type="button"
            className="button"
            onClick={() => setOpen((o) => !o)}
            data-testid={`memory-open-${f.key}`}
          >
            {open ? "Hide entries" : "Show entries"}
          </button>
          {open ? <Entries tenantId={tenantId} profile={profile} file={f.key} /> : null}
        </>
      ) : null}
    </Card>
  );
}

function Entries({ tenantId, profile, file }: { tenantId: string; profile: string | null; file: string }) {
  const query = useHermesQuery<MemoryContentView>(tenantId, profile, `memory/${file}`);
  return (
    <QueryView query={query} what="Loading the entries">
      {(v) => (
        <ol className="plain-list" data-testid="memory-entry-list">
          {v.entries.map((e, i) => (
            <li key={i} data-testid="memory-entry">
              <TextBlock text={e} />
            </li>
          ))}
        </ol>
      )}
    </QueryView>
  );
}
