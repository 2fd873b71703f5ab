/**
 * @module System status: the gateway's state from gateway_state.json (platforms and their errors) and Hermes' log
 * files as a tail, newest first, with level and text filters and paging back.
 */
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { CursorPager } from "../../components/pager";
import { SearchInput } from "../../components/search-input";
import { SelectFilter } from "../../components/select-filter";
import { useCursorPages } from "../../lib/cursor-pages";
import { useUrlFilters } from "../../lib/url-filters";
import { formatBytes } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, orDash, TableFrame, type DetailItem } from "./pane-bits";
import type { LogTailView, StatusView } from "./pane-types";

const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
const LEVEL_TONE: Record<string, "muted" | "info" | "warning" | "danger"> = {
  DEBUG: "muted",
  INFO: "info",
  WARNING: "warning",
  ERROR: "danger",
  CRITICAL: "danger",
};

export function SystemPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<StatusView>(tenantId, profile, "status");
  return (
    <QueryView query={query} what="Loading the gateway status">
      {(v) => (
        <div className="hp-cards">
          <Gateway v={v} />
          <Logs tenantId={tenantId} profile={profile} files={v.logs} />
        </div>
      )}
    </QueryView>
  );
}

function Gateway({ v }: { v: StatusView }) {
  const g = v.gateway;
  return (
    <Card
      title={
        <span>
          Gateway{" "}
          <Badge
            tone={g.state === "running" ? "success" : g.state ? "warning" : "muted"}
            testId="gateway-state"
          >
            {g.state ?? "not present"}
          </Badge>
        </span>
      }
      testId="gateway"
    >
      <FileNote file={g.file} what="gateway_state.json" />
      {g.file.status === "ok" ? (
        <>
          <DetailList
            items={[
              ["Kind", orDash(g.kind)],
              ["PID", `${g.pid ?? "—"}${v.gateway_pid !== null ? ` (gateway.pid: ${v.gateway_pid})` : ""}`],
              ["Active agents", orDash(g.active_agents)],
              ["Profiles served", <Chips items={g.served_profiles} />],
              ["Started", <DateTime iso={g.start_time} />],
              ["Updated", <DateTime iso={g.updated_at} />],
              ...(g.exit_reason ? [["Exit reason", g.exit_reason] as DetailItem] : []),
              ...(g.restart_requested ? [["Restart", "requested"] as DetailItem] : []),
            ]}
          />
          <TableFrame caption="Platforms" testId="gateway-platforms">
            <thead>
              <tr>
                <th>Platform</th>
                <th>State</th>
                <th>Error</th>
                <th className="hide-sm">Updated</th>
              </tr>
            </thead>
            <tbody>
              {g.platforms.map((p) => (
                <tr key={p.platform} data-testid={`platform-${p.platform}`}>
                  <td className="mono">{p.platform}</td>
                  <td>
                    <Badge tone={p.error_code || p.state === "error" ? "danger" : "success"}>
                      {p.state ?? "—"}
                    </Badge>
                  </td>
                  <td className="small break" data-testid="platform-error">
                    {p.error_code ? <span className="mono">{p.error_code}</span> : null}
                    {p.error_message ? <div>{p.error_message}</div> : null}
                    {!p.error_code && !p.error_message ? <span className="muted">—</span> : null}
                  </td>
                  <td className="hide-sm">
                    <DateTime iso={p.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
        </>
      ) : null}
    </Card>
  );
}

function Logs({
  tenantId,
  profile,
  files,
}: {
  tenantId: string;
  profile: string | null;
  files: StatusView["logs"];
}) {
  const { values, update } = useUrlFilters(["log", "level", "q"] as const);
  const file = files.some((f) => f.name === values.log) ? values.log : (files[0]?.name ?? "");
  const { level, q } = values;
  const filters = { file, level, q };
  const pages = useCursorPages(JSON.stringify(filters));
  const tail = useHermesQuery<LogTailView>(
    tenantId,
    profile,
    "logs",
    { ...filters, limit: 100, before: pages.cursor },
    { enabled: file !== "" },
  );
  return (
    <Card title="Logs" testId="logs">
      {files.length === 0 ? (
        <p className="muted" data-testid="logs-none">
          No log files: logs/ is not present.
        </p>
      ) : (
        <>
          <div className="filters">
            <label className="filter">
              <span className="filter-label">File</span>
              <select value={file} onChange={(e) => update({ log: e.target.value })} data-testid="log-file">
                {files.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.name} ({formatBytes(f.size_bytes)})
                  </option>
                ))}
              </select>
            </label>
            <SelectFilter
              label="Level (and above)"
              value={level}
              onChange={(v) => update({ level: v })}
              anyLabel="Any level"
              options={LEVELS.map((l) => [l, l] as const)}
              testId="log-level"
            />
            <SearchInput value={q} onChange={(v) => update({ q: v })} label="Text" testId="log-q" />
          </div>
          <QueryView query={tail} what="Reading the log">
            {(v) => (
              <>
                {v.entries.length === 0 ? (
                  <p className="muted">No entries match.</p>
                ) : (
                  <ol className="hp-log" data-testid="log-entries">
                    {v.entries.map((e) => (
                      <li key={e.offset} data-testid="log-entry" data-level={e.level ?? ""}>
                        <span className="mono small muted">{e.time ?? ""}</span>
                        <span>
                          {e.level ? <Badge tone={LEVEL_TONE[e.level] ?? "neutral"}>{e.level}</Badge> : null}
                        </span>
                        <pre>{e.text.text}</pre>
                      </li>
                    ))}
                  </ol>
                )}
                <CursorPager pages={pages} nextCursor={v.next_cursor} />
              </>
            )}
          </QueryView>
        </>
      )}
    </Card>
  );
}
