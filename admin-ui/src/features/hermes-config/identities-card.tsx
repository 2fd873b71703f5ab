/**
 * @module The account identities outside auth.json (Codex CLI, Claude Code, Hermes' own Anthropic login, Gemini CLI,
 * an older Hermes Google login), each with its expiry state. A login file that is absent says "not present".
 */
import type { ReactNode } from "react";
import { Card, DetailList } from "../../components/card";
import { QueryView } from "../hermes/query-view";
import { useIdentities, type IdentitiesResponse } from "./config-api";
import { ExpiryBadge, When } from "./labels";

type FileStatus = IdentitiesResponse["codex"]["file"];

function Identity({
  name,
  file,
  expiry,
  testId,
  items,
}: {
  name: string;
  file: FileStatus;
  expiry?: { expiry: string; expires_at: string | null; has_refresh_token: boolean };
  testId: string;
  items: [string, ReactNode][];
}) {
  return (
    <div className="hc-identity" data-testid={testId}>
      <h3 className="hc-identity-name">
        {name}{" "}
        {file.status === "ok" && expiry ? (
          <ExpiryBadge expiry={expiry.expiry} testId={`${testId}-expiry`} />
        ) : null}
      </h3>
      {file.status === "ok" ? (
        <DetailList
          items={[
            ...items,
            ...(expiry
              ? ([
                  ["Expires", <When key="e" iso={expiry.expires_at} />],
                  ["Refresh token", expiry.has_refresh_token ? "present" : "none"],
                ] as [string, ReactNode][])
              : []),
          ]}
        />
      ) : (
        <p className={file.status === "not_present" ? "muted" : "form-error"}>
          {file.status === "not_present" ? "Not present." : `Unreadable: ${file.reason ?? file.status}.`}{" "}
          <span className="mono small break">{file.path}</span>
        </p>
      )}
    </div>
  );
}

const text = (v: string | null | undefined, testId?: string) =>
  v ? <span data-testid={testId}>{v}</span> : <span className="muted">—</span>;

export function IdentitiesCard({ tenantId, profile }: { tenantId: string; profile: string | null }) {
  const identities = useIdentities(tenantId, profile);
  return (
    <Card title="External CLI identities" testId="hc-identities">
      <QueryView query={identities} what="Loading the identities">
        {(v) => (
          <div className="hc-identities">
            <Identity
              name="Codex CLI"
              file={v.codex.file}
              expiry={v.codex}
              testId="hc-identity-codex"
              items={[
                ["Email", text(v.codex.account?.email, "hc-identity-codex-email")],
                ["Plan", text(v.codex.account?.plan)],
                ["Account", text(v.codex.account?.account_id)],
                ["Last refresh", <When key="r" iso={v.codex.last_refresh} />],
                ["API key", v.codex.has_api_key ? "set (not shown)" : "none"],
              ]}
            />
            <Identity
              name="Claude Code"
              file={v.claude.file}
              expiry={v.claude}
              testId="hc-identity-claude"
              items={[
                ["Subscription", text(v.claude.subscription_type, "hc-identity-claude-subscription")],
                ["Rate-limit tier", text(v.claude.rate_limit_tier)],
                ["Scopes", text(v.claude.scopes.join(", "))],
              ]}
            />
            <Identity
              name="Hermes Anthropic login"
              file={v.hermes_anthropic.file}
              expiry={v.hermes_anthropic}
              testId="hc-identity-hermes-anthropic"
              items={[]}
            />
            <Identity
              name="Gemini CLI"
              file={v.gemini.file}
              expiry={v.gemini}
              testId="hc-identity-gemini"
              items={[
                ["Email", text(v.gemini.email)],
                ["Active account", text(v.gemini.active_account, "hc-identity-gemini-account")],
                ["Other accounts", String(v.gemini.other_accounts)],
              ]}
            />
            {v.hermes_google_legacy.file.status !== "not_present" ? (
              <Identity
                name="Hermes Google login (older installs)"
                file={v.hermes_google_legacy.file}
                testId="hc-identity-google-legacy"
                items={[
                  ["Email", text(v.hermes_google_legacy.email)],
                  ["Project", text(v.hermes_google_legacy.project_id)],
                  ["Managed project", text(v.hermes_google_legacy.managed_project_id)],
                ]}
              />
            ) : null}
          </div>
        )}
      </QueryView>
    </Card>
  );
}
