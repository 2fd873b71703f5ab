/**
 * @module The MCP servers pane: `mcp_servers` in the profile's config.yaml (stdio: command, args, env; HTTP: url,
 * headers, transport), whether each is enabled, its timeouts and tool filter, and whether an OAuth token is stored
 * in `mcp-tokens/<name>.json`. Env and header values are never sent: only their names and whether each is a
 * `${VAR}` reference (and to which variable), a literal, or empty. Args and commands are line-redacted.
 */
import path from "node:path";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { preview } from "../panes/pane-text.js";
import { readProfileConfig, stringList } from "../panes/profile-config.js";
import {
  asInstant,
  asNumber,
  asObject,
  asString,
  fileStatus,
  isoOrNull,
  readJsonFile,
  type FileStatus,
  type JsonObject,
} from "../read-files.js";
import { redactLine, safeUrl } from "../secrets.js";

export type ValueRef = {
  name: string;
  /** `reference`: the value is (or contains) `${VAR}`; `literal`: a value written into config.yaml. */
  kind: "reference" | "literal" | "empty";
  references: string[];
};

export type McpServer = {
  name: string;
  enabled: boolean;
  transport: string;
  url: string | null;
  command: string | null;
  args: string[];
  env: ValueRef[];
  headers: ValueRef[];
  timeout: number | null;
  connect_timeout: number | null;
  tools: { include: string[]; exclude: string[] } | null;
  auth: string | null;
  oauth_token: {
    file: FileStatus | null;
    present: boolean;
    expires_at: string | null;
    has_refresh_token: boolean;
  };
};

export type McpView = ScopeFields & { config: FileStatus; data: McpServer[] };

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function valueRefs(map: unknown): ValueRef[] {
  return Object.entries(asObject(map) ?? {}).map(([name, v]) => {
    const text = v === null || v === undefined ? "" : String(v);
    const references = [...text.matchAll(REF)].map((m) => m[1]!);
    return {
      name: name.slice(0, 128),
      kind: references.length ? "reference" : text === "" ? "empty" : "literal",
      references,
    };
  });
}

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

async function oauthToken(scope: HermesScope, name: string): Promise<McpServer["oauth_token"]> {
  // The name comes from config.yaml: only a plain file name may become a path.
  if (!SAFE_NAME.test(name))
    return { file: null, present: false, expires_at: null, has_refresh_token: false };
  const read = await readJsonFile(scope.roots, path.join(scope.dir, "mcp-tokens", `${name}.json`), {
    maxBytes: 256 * 1024,
  });
  const v: JsonObject = read.status === "ok" ? (asObject(read.value) ?? {}) : {};
  const expiresIn = asNumber(v.expires_in);
  const obtained = asInstant(v.obtained_at);
  const expires =
    asInstant(v.expires_at) ??
    (expiresIn && obtained ? new Date(obtained.getTime() + expiresIn * 1000) : null);
  return {
    file: fileStatus(read),
    present: typeof v.access_token === "string" && v.access_token !== "",
    expires_at: isoOrNull(expires),
    has_refresh_token: typeof v.refresh_token === "string" && v.refresh_token !== "",
  };
}

function toolFilter(v: unknown): McpServer["tools"] {
  const o = asObject(v);
  if (!o) return Array.isArray(v) ? { include: stringList(v), exclude: [] } : null;
  return { include: stringList(o.include ?? o.allow), exclude: stringList(o.exclude ?? o.deny) };
}

export async function listMcpServers(scope: HermesScope): Promise<McpView> {
  const config = await readProfileConfig(scope);
  const servers = asObject(config.value.mcp_servers) ?? {};
  const data: McpServer[] = [];
  for (const [name, raw] of Object.entries(servers)) {
    const s = asObject(raw) ?? {};
    const url = asString(s.url);
    const command = asString(s.command);
    const auth = asObject(s.auth) ?? asObject(s.oauth);
    data.push({
      name: name.slice(0, 128),
      enabled: s.enabled !== false,
      transport: asString(s.transport) ?? (command ? "stdio" : url ? "http" : "unknown"),
      url: url ? safeUrl(url) : null,
      command: command ? redactLine(command) : null,
      args: (Array.isArray(s.args) ? s.args : []).slice(0, 100).map((a) => redactLine(String(a))),
      env: valueRefs(s.env),
      headers: valueRefs(s.headers),
      timeout: asNumber(s.timeout),
      connect_timeout: asNumber(s.connect_timeout),
      tools: toolFilter(s.tools),
      auth: typeof s.auth === "string" ? preview(s.auth, 64) : auth ? (asString(auth.type) ?? "oauth") : null,
      oauth_token: await oauthToken(scope, name),
    });
  }
  return { ...scopeFields(scope), config: config.file, data };
}
