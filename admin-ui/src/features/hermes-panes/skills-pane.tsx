/**
 * @module Skills: each SKILL.md's front matter, whether it is enabled (globally or per platform), where it came
 * from (bundled, hub, agent-made, external dir), the directories read, and a skill's body on demand.
 */
import { useState } from "react";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState } from "../../components/states";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, Muted, orDash, StatusBadge, TableFrame, TextBlock, useShowMore } from "./pane-bits";
import type { SkillContentView, SkillsView } from "./pane-types";

type Skill = SkillsView["data"][number];

export function SkillsPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<SkillsView>(tenantId, profile, "skills");
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryView query={query} what="Loading the skills">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          <Card title="Skill directories" testId="skill-sources">
            <TableFrame caption="Skill directories">
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Directory</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {v.sources.map((s) => (
                  <tr key={s.key}>
                    <td>
                      <span className="mono">{s.key}</span> <span className="muted small">{s.kind}</span>
                    </td>
                    <td className="mono small break">{s.path ?? s.configured}</td>
                    <td>
                      <StatusBadge status={s.status} />{" "}
                      {s.reason ? <span className="small muted">{s.reason}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </Card>
          {v.data.length === 0 ? (
            <EmptyState title="No skills">No SKILL.md found: skills/ is not present or empty.</EmptyState>
          ) : (
            <SkillList skills={v.data} open={open} onOpen={setOpen} truncated={v.truncated} />
          )}
          {open ? (
            <SkillBody
              key={open}
              tenantId={tenantId}
              profile={profile}
              id={open}
              onClose={() => setOpen(null)}
            />
          ) : null}
        </div>
      )}
    </QueryView>
  );
}

function SkillList({
  skills,
  open,
  onOpen,
  truncated,
}: {
  skills: Skill[];
  open: string | null;
  onOpen: (id: string) => void;
  truncated: boolean;
}) {
  const { visible, more } = useShowMore(skills);
  return (
    <Card title={`Skills (${skills.length}${truncated ? "+" : ""})`} testId="skills">
      <TableFrame caption="Skills" testId="skills-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Enabled</th>
            <th>Provenance</th>
            <th className="hide-sm">Version</th>
            <th className="hide-sm">Platforms</th>
            <th className="hide-sm">Prerequisites</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((s) => (
            <tr key={s.id} data-testid={`skill-${s.name}`} className={s.id === open ? "selected" : undefined}>
              <td>
                <div className="cell-stack">
                  <button
                    type="button"
                    className="hp-link"
                    onClick={() => onOpen(s.id)}
                    data-testid="skill-open"
                  >
                    {s.category ? <span className="muted">{s.category}/</span> : null}
                    {s.name}
                  </button>
                  <span className="small muted">{s.description ?? ""}</span>
                  {s.file.status !== "ok" ? (
                    <span className="small">
                      <StatusBadge status={s.file.status} /> {s.file.reason}
                    </span>
                  ) : null}
                </div>
              </td>
              <td data-testid="skill-enabled">
                {s.enabled ? <Badge tone="success">enabled</Badge> : <Badge tone="muted">disabled</Badge>}
                {s.disabled_on.length ? (
                  <div className="small muted">off on {s.disabled_on.join(", ")}</div>
                ) : null}
              </td>
              <td data-testid="skill-provenance">
                {s.provenance}
                {s.hub_source ? <div className="small muted">{s.hub_source}</div> : null}
              </td>
              <td className="hide-sm">{orDash(s.version)}</td>
              <td className="hide-sm">
                <Chips items={s.platforms} empty="all" />
              </td>
              <td className="hide-sm small">
                {s.prerequisites.env_vars.length || s.prerequisites.commands.length ? (
                  <>
                    {s.prerequisites.env_vars.length ? (
                      <div>env: {s.prerequisites.env_vars.join(", ")}</div>
                    ) : null}
                    {s.prerequisites.commands.length ? (
                      <div>commands: {s.prerequisites.commands.join(", ")}</div>
                    ) : null}
                  </>
                ) : (
                  <Muted />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {more}
    </Card>
  );
}

function SkillBody({
  tenantId,
  profile,
  id,
  onClose,
}: {
  tenantId: string;
  profile: string | null;
  id: string;
  onClose: () => void;
}) {
  const query = useHermesQuery<SkillContentView>(tenantId, profile, "skills/content", { skill: id });
  return (
    <Card
      title={
        <span>
          SKILL.md · <span className="mono">{id}</span>
        </span>
      }
      className="hp-detail"
      testId="skill-body"
      actions={
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <QueryView query={query} what="Loading the SKILL.md">
        {(v) => (
          <>
            <p className="mono small muted break">{v.skill.file.path}</p>
            <TextBlock text={v.body} testId="skill-body-text" />
          </>
        )}
      </QueryView>
    </Card>
  );
}
