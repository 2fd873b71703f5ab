/**
 * @module MCP servers (config.yaml `mcp_servers`): transport, URL or command, timeouts, tool filters; header and env
 * values are never sent (a name says whether it is a `${VAR}` reference or a literal), an OAuth token present or not.
 */
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { EmptyState } from "../../components/states";
import { DateTime } from "../../components/date-time";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, Muted, orDash, YesNo } from "./pane-bits";
import type { McpView } from "./pane-types";

type Ref = McpView["data"][number]["env"][number];

function Refs({ refs }: { refs: Ref[] }) {
  if (refs.length === 0) return <Muted />;
  return (
    <ul className="plain-list small">
      {refs.map((r) => (
        <li key={r.name}>
          <span className="mono">{r.name}</span> ={" "}
          {r.kind === "reference" ? (
            <span className="mono">{r.references.map((x) => `\${${x}}`).join(" ")}</span>
          ) : r.kind === "literal" ? (
            <Badge tone="warning">literal (hidden)</Badge>
          ) : (
            <Muted>empty</Muted>
          )}
        </li>
      ))}
    </ul>
  );
}

export function McpPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<McpView>(tenantId, profile, "mcp");
  return (
    <QueryView query={query} what="Loading the MCP servers">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          <p className="small muted">
            Env and header values are never shown: a <span className="mono">{"${VAR}"}</span> reference is
            named, a value written into config.yaml is marked literal.
          </p>
          {v.data.length === 0 ? (
            <EmptyState title="No MCP servers">config.yaml has no mcp_servers.</EmptyState>
          ) : (
            v.data.map((s) => (
              <Card
                key={s.name}
                title={
                  <span>
                    {s.name} <YesNo value={s.enabled} yes="enabled" no="disabled" />
                  </span>
                }
                testId={`mcp-${s.name}`}
              >
                <DetailList
                  items={[
                    ["Transport", <span data-testid="mcp-transport">{s.transport}</span>],
                    [
                      s.url ? "URL" : "Command",
                      <span className="mono break" data-testid="mcp-target">
                        {s.url ?? [s.command ?? "", ...s.args].join(" ")}
                      </span>,
                    ],
                    ["Timeouts", `call ${seconds(s.timeout)} · connect ${seconds(s.connect_timeout)}`],
                    [
                      "Tools",
                      s.tools ? (
                        <>
                          include <Chips items={s.tools.include} empty="all" /> · exclude{" "}
                          <Chips items={s.tools.exclude} empty="none" />
                        </>
                      ) : (
                        "all"
                      ),
                    ],
                    ["Env", <Refs refs={s.env} />],
                    ["Headers", <Refs refs={s.headers} />],
                    ["Auth", orDash(s.auth)],
                    [
                      "OAuth token",
                      <span data-testid="mcp-oauth">
                        {s.oauth_token.present ? (
                          <>
                            <Badge tone="success">present</Badge>
                            {s.oauth_token.expires_at ? (
                              <>
                                {" "}
                                expires <DateTime iso={s.oauth_token.expires_at} />
                              </>
                            ) : null}
                            {s.oauth_token.has_refresh_token ? " · refresh token stored" : null}
                          </>
                        ) : (
                          <Badge tone="muted">not present</Badge>
                        )}
                      </span>,
                    ],
                  ]}
                />
              </Card>
            ))
          )}
        </div>
      )}
    </QueryView>
  );
}

function seconds(n: number | null): string {
  return n === null ? "Hermes' default" : `${n} s`;
}
