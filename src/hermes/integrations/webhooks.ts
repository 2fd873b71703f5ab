/**
 * @module The webhooks pane: `webhook_subscriptions.json` (`{<name>: {description, events[], secret, prompt,
 * skills[], deliver, deliver_only?, script?, enabled?}}`) with the adapter's URL from `platforms.webhook` in
 * config.yaml. The HMAC secret is never sent: only `secret_set`, as Hermes' own dashboard does.
 */
import path from "node:path";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { preview } from "../panes/pane-text.js";
import { readProfileConfig, section, stringList } from "../panes/profile-config.js";
import {
  asInstant,
  asNumber,
  asObject,
  asString,
  fileStatus,
  isoOrNull,
  readJsonFile,
  type FileStatus,
} from "../read-files.js";

export type WebhookSubscription = {
  name: string;
  description: string | null;
  events: string[];
  deliver: string | null;
  deliver_only: boolean;
  enabled: boolean;
  secret_set: boolean;
  skills: string[];
  prompt: string | null;
  has_script: boolean;
  created_at: string | null;
  /** Where the webhook adapter receives it, when the adapter's host and port are known. */
  url: string | null;
};

export type WebhooksView = ScopeFields & {
  file: FileStatus;
  adapter: { enabled: boolean; host: string; port: number };
  data: WebhookSubscription[];
};

export async function listWebhooks(scope: HermesScope): Promise<WebhooksView> {
  const config = await readProfileConfig(scope);
  const platform = section(config.value, "platforms", "webhook");
  const extra = asObject(platform.extra) ?? {};
  const adapter = {
    enabled: platform.enabled === true,
    host: asString(extra.host) ?? "0.0.0.0",
    port: asNumber(extra.port) ?? 8644,
  };
  const host = adapter.host === "0.0.0.0" || adapter.host === "::" ? "127.0.0.1" : adapter.host;
  const read = await readJsonFile(scope.roots, path.join(scope.dir, "webhook_subscriptions.json"), {
    maxBytes: 1024 * 1024,
  });
  const subs = asObject(read.status === "ok" ? read.value : null) ?? {};
  const data = Object.entries(subs).map(([name, raw]): WebhookSubscription => {
    const s = asObject(raw) ?? {};
    return {
      name: name.slice(0, 128),
      description: preview(s.description, 500),
      events: stringList(s.events),
      deliver: asString(s.deliver),
      deliver_only: s.deliver_only === true,
      enabled: s.enabled !== false,
      secret_set: typeof s.secret === "string" && s.secret !== "",
      skills: stringList(s.skills),
      prompt: preview(s.prompt, 500),
      has_script: typeof s.script === "string" && s.script !== "",
      created_at: isoOrNull(asInstant(s.created_at)),
      url: /^[a-z0-9][a-z0-9_-]*$/.test(name) ? `http://${host}:${adapter.port}/webhooks/${name}` : null,
    };
  });
  return { ...scopeFields(scope), file: fileStatus(read), adapter, data };
}
