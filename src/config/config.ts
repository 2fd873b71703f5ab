/**
 * @module Configuration: the one place that reads the environment, validates it and hands out a frozen, typed object.
 */
import path from "node:path";
import { z } from "zod";
import { readEnvFile } from "./env-file.js";

/** Every environment variable the service reads, with its default; the README and .env.example must list these. */
export const ENV_VARS = [
  "DATABASE_URL",
  "DATABASE_POOL_MAX",
  "HERMES_DATA_DIR",
  "HERMES_BIND_HOST",
  "HERMES_ADMIN_PORT",
  "HERMES_PRE_AI_API_PORT",
  "HERMES_POST_AI_API_PORT",
  "HERMES_ADMIN_USERNAME",
  "HERMES_ADMIN_PASSWORD",
  "HERMES_ADMIN_SESSION_TTL_HOURS",
  "HERMES_ADMIN_EMAILS",
  "HERMES_LOCAL_LOGIN",
  "HERMES_OIDC_ISSUER",
  "HERMES_OIDC_CLIENT_ID",
  "HERMES_OIDC_CLIENT_SECRET",
  "HERMES_OIDC_REDIRECT_URL",
  "HERMES_OIDC_ALLOWED_DOMAINS",
  "HERMES_OIDC_ROLE_CLAIM",
  "HERMES_OIDC_ROLE_MAP",
  "HERMES_OIDC_NEW_USERS",
  "HERMES_OIDC_NAME",
  "HERMES_TRUST_PROXY",
  "HERMES_SECRET_KEY",
  "HERMES_KEY_PEPPER",
  "HERMES_PRE_UPSTREAM_URL",
  "HERMES_POST_UPSTREAM_URL",
  "HERMES_UPSTREAM_TIMEOUT_MS",
  "HERMES_UPSTREAM_CONNECT_TIMEOUT_MS",
  "HERMES_MAX_REQUEST_BYTES",
  "HERMES_DEFAULT_MAX_TOKENS",
  "HERMES_TOKEN_LEASE_REQUESTS",
  "HERMES_KEY_CACHE_TTL_MS",
  "HERMES_RATE_LIMIT_STORE",
  "REDIS_URL",
  "HERMES_LOG_RETENTION_DAYS",
  "HERMES_AUDIT_MAX_BYTES",
  "HERMES_AUDIT_QUEUE_SIZE",
  "HERMES_AUDIT_FLUSH_MS",
  "HERMES_SHUTDOWN_GRACE_MS",
  "HERMES_WORKERS",
  "HERMES_GIT_COMMIT",
  "HERMES_HOME",
  "HERMES_CODEX_HOME",
  "HERMES_CLAUDE_HOME",
  "HERMES_GEMINI_HOME",
  "HERMES_STATE_ROOTS",
  "HERMES_BIN",
  "HERMES_PRE_AI_PROVIDER",
  "HERMES_POST_AI_PROVIDER",
  "HERMES_HEALTH_INTERVAL_SECONDS",
  "HERMES_METRICS_TOKEN",
  "HERMES_METRICS_PER_USER",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_SERVICE_NAME",
  "LOG_LEVEL",
  "LOG_FORMAT",
] as const;

export type EnvVarName = (typeof ENV_VARS)[number];

const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");
const positiveInt = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .positive("must be > 0");
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => ["true", "1", "yes"].includes(v));
const absolutePath = z
  .string()
  .refine((v) => path.isAbsolute(v) && !v.includes("\0"), "must be an absolute path");
/** Hermes' own provider ids are lowercase slugs (`nous`, `xai`, `openai-codex`). */
const hermesProvider = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a Hermes provider id such as nous or xai");
const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), "must be an http(s) URL");

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .refine(
      (v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v),
      "must be a postgres:// or postgresql:// URL",
    )
    .optional(),
  DATABASE_POOL_MAX: positiveInt.max(200, "must be at most 200").default(10),
  HERMES_DATA_DIR: z.string().min(1).default("./data"),
  HERMES_BIND_HOST: z.string().min(1).default("127.0.0.1"),
  HERMES_ADMIN_PORT: port.default(7843),
  HERMES_PRE_AI_API_PORT: port.default(8645),
  HERMES_POST_AI_API_PORT: port.default(8646),
  HERMES_ADMIN_USERNAME: z
    .string()
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .default("admin"),
  HERMES_ADMIN_PASSWORD: z
    .string()
    .superRefine((v, ctx) => {
      if (v.length < 16)
        ctx.addIssue({ code: "custom", message: `must be at least 16 characters (got ${v.length})` });
      if (v.length > 1024) ctx.addIssue({ code: "custom", message: "must be at most 1024 characters" });
    })
    .optional(),
  HERMES_ADMIN_SESSION_TTL_HOURS: z.coerce
    .number({ error: "must be a number" })
    .positive("must be > 0")
    .max(24 * 30)
    .default(8),
  HERMES_ADMIN_EMAILS: z
    .string()
    .refine(
      (v) => splitList(v).every((e) => /^[^\s@]+@[^\s@]+$/.test(e)),
      "must be comma-separated e-mail addresses",
    )
    .optional(),
  HERMES_LOCAL_LOGIN: flag.default(true),
  HERMES_OIDC_ISSUER: httpUrl.optional(),
  HERMES_OIDC_CLIENT_ID: z.string().min(1).max(512).optional(),
  HERMES_OIDC_CLIENT_SECRET: z.string().min(1).max(4096).optional(),
  HERMES_OIDC_REDIRECT_URL: httpUrl.optional(),
  HERMES_OIDC_ALLOWED_DOMAINS: z
    .string()
    .refine((v) => splitList(v).every((d) => /^[a-z0-9.-]+$/i.test(d)), "must be comma-separated domains")
    .optional(),
  HERMES_OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:./-]{1,128}$/, "must be a claim name")
    .optional(),
  HERMES_OIDC_ROLE_MAP: z
    .string()
    .refine(
      (v) => splitList(v).every((p) => /^[^=]+=(owner|admin|auditor|viewer)$/.test(p)),
      "must be comma-separated group=role pairs (roles: owner, admin, auditor, viewer)",
    )
    .optional(),
  HERMES_OIDC_NEW_USERS: z
    .enum(["viewer", "refuse"], { error: "must be viewer or refuse" })
    .default("viewer"),
  HERMES_OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  HERMES_TRUST_PROXY: flag.default(false),
  HERMES_SECRET_KEY: z
    .string()
    .refine((v) => decodeSecretKey(v) !== null, "must be 32 bytes as 64 hex characters or base64")
    .optional(),
  HERMES_KEY_PEPPER: z.string().min(16, "must be at least 16 characters").optional(),
  HERMES_PRE_UPSTREAM_URL: httpUrl.optional(),
  HERMES_POST_UPSTREAM_URL: httpUrl.optional(),
  HERMES_UPSTREAM_TIMEOUT_MS: positiveInt.default(300_000),
  HERMES_UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  HERMES_MAX_REQUEST_BYTES: positiveInt.default(10 * 1024 * 1024),
  HERMES_DEFAULT_MAX_TOKENS: positiveInt.default(4096),
  HERMES_TOKEN_LEASE_REQUESTS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be >= 0")
    .max(1000, "must be at most 1000")
    .default(64),
  HERMES_KEY_CACHE_TTL_MS: positiveInt.default(30_000),
  HERMES_RATE_LIMIT_STORE: z
    .enum(["memory", "postgres", "redis"], { error: "must be memory, postgres or redis" })
    .default("memory"),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), "must be a redis:// or rediss:// URL")
    .optional(),
  HERMES_LOG_RETENTION_DAYS: positiveInt.max(3650, "must be at most 3650").default(90),
  HERMES_AUDIT_MAX_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(0, "must be >= 0")
    .default(65536),
  HERMES_AUDIT_QUEUE_SIZE: positiveInt.default(10_000),
  HERMES_AUDIT_FLUSH_MS: positiveInt.max(250, "must be at most 250").default(100),
  HERMES_SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(0, "must be >= 0")
    .default(10_000),
  HERMES_WORKERS: z
    .union([
      z.literal("auto"),
      z.coerce
        .number({ error: 'must be "auto" or a number of processes' })
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(256, "must be at most 256"),
    ])
    .default("auto"),
  HERMES_GIT_COMMIT: z.string().optional(),
  HERMES_HOME: absolutePath.default("/home/hermes/.hermes"),
  HERMES_CODEX_HOME: absolutePath.default("/home/hermes/.codex"),
  HERMES_CLAUDE_HOME: absolutePath.default("/home/hermes/.claude"),
  HERMES_GEMINI_HOME: absolutePath.default("/home/hermes/.gemini"),
  HERMES_STATE_ROOTS: z
    .string()
    .refine(
      (v) => splitList(v).length > 0 && splitList(v).every((p) => path.isAbsolute(p) && !p.includes("\0")),
      "must be a comma-separated list of absolute paths",
    )
    .optional(),
  HERMES_BIN: absolutePath.default("/home/hermes/.hermes/hermes-agent/venv/bin/hermes"),
  HERMES_PRE_AI_PROVIDER: hermesProvider.optional(),
  HERMES_POST_AI_PROVIDER: hermesProvider.optional(),
  HERMES_HEALTH_INTERVAL_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be >= 0 (0 turns background probes off)")
    .max(3600, "must be at most 3600")
    .default(60),
  HERMES_METRICS_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .max(1024, "must be at most 1024 characters")
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .optional(),
  HERMES_METRICS_PER_USER: flag.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .refine((v) => parseOtlpHeaders(v) !== null, "must be a comma-separated list of name=value pairs")
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(256).default("hermes-control-plane"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).default("json"),
});

export type Gateway = "pre" | "post";

export type Config = Readonly<{
  database: Readonly<{ url: string | undefined; poolMax: number }>;
  dataDir: string;
  http: Readonly<{
    bindHost: string;
    adminPort: number;
    prePort: number;
    postPort: number;
    trustProxy: boolean;
  }>;
  admin: Readonly<{
    username: string;
    password: string | undefined;
    sessionTtlHours: number;
    /** false: only the environment owner may sign in with a password (break-glass). */
    localLogin: boolean;
    /** SSO users with these e-mail addresses (lowercased) become owners at each login. */
    ownerEmails: readonly string[];
  }>;
  /** Single sign-on; null when HERMES_OIDC_ISSUER is unset. */
  oidc: OidcConfig | null;
  secrets: Readonly<{ secretKey: Buffer | undefined; keyPepper: string | undefined }>;
  defaultTenant: Readonly<{ preUpstreamUrl: string | undefined; postUpstreamUrl: string | undefined }>;
  gateway: Readonly<{
    upstreamTimeoutMs: number;
    upstreamConnectTimeoutMs: number;
    maxRequestBytes: number;
    defaultMaxTokens: number;
    tokenLeaseRequests: number;
    keyCacheTtlMs: number;
    rateLimitStore: "memory" | "postgres" | "redis";
    redisUrl: string | undefined;
  }>;
  audit: Readonly<{ maxBytes: number; retentionDays: number; queueSize: number; flushMs: number }>;
  log: Readonly<{ level: string; format: "json" | "pretty" }>;
  shutdownGraceMs: number;
  /** Worker processes asked for: a number, or "auto" (the host's available parallelism). See app/workers.ts. */
  workers: number | "auto";
  gitCommit: string | undefined;
  hermes: HermesConfig;
  observability: ObservabilityConfig;
}>;

/** Prometheus metrics and OpenTelemetry traces (src/observability). */
export type ObservabilityConfig = Readonly<{
  /** Bearer token /metrics requires; undefined = only loopback clients may scrape. */
  metricsToken: string | undefined;
  /** Adds an api_user label to request and token counters. */
  metricsPerUser: boolean;
  /** Where spans go (OTLP/HTTP); undefined = tracing off. */
  tracesUrl: string | undefined;
  tracesHeaders: Readonly<Record<string, string>>;
  serviceName: string;
}>;

export type OidcConfig = Readonly<{
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUrl: string;
  /** Lowercased e-mail domains allowed to sign in; empty = any. */
  allowedDomains: readonly string[];
  roleClaim: string | undefined;
  /** Claim value → role; without entries a value that is a role name counts. */
  roleMap: Readonly<Record<string, "owner" | "admin" | "auditor" | "viewer">>;
  /** What a first-time SSO user without a role from the claim gets. */
  newUsers: "viewer" | "refuse";
  /** The button's label: "Sign in with <name>". */
  name: string;
}>;

/** Where each tenant's Hermes state lives, and the Hermes proxies the service may run itself (src/hermes). */
export type HermesConfig = Readonly<{
  /** The default tenant's Hermes home. */
  home: string;
  codexHome: string;
  claudeHome: string;
  geminiHome: string;
  /** Every Hermes path read or written must resolve (symlinks followed) inside one of these. */
  stateRoots: readonly string[];
  bin: string;
  /** Provider of the supervised `hermes proxy` for each gateway; undefined = none. */
  proxyProviders: Readonly<{ pre: string | undefined; post: string | undefined }>;
  /** Background upstream probes every this many seconds; 0 = off. */
  healthIntervalSeconds: number;
  /**
   * The environment a supervised `hermes` child gets: only these inherited variables plus HERMES_HOME, so the
   * service's own secrets (database URL, admin password, secret key) never reach it.
   */
  childEnv: Readonly<Record<string, string>>;
}>;

/** Inherited by a supervised `hermes` child (locale, proxies, CA bundles); nothing secret to the service. */
const HERMES_CHILD_ENV = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
];

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new ConfigError(`${name}: must be set when HERMES_OIDC_ISSUER is set`);
  return value;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A configuration problem worth one clear line: which variable and what is wrong with it (never its value). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates the environment. Pure: throws ConfigError, never exits. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  // Empty strings mean "unset": compose files pass `VAR=` for optional variables.
  const raw = Object.fromEntries(ENV_VARS.map((name) => [name, env[name] === "" ? undefined : env[name]]));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0] ?? "configuration")}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.HERMES_RATE_LIMIT_STORE === "redis" && !e.REDIS_URL) {
    throw new ConfigError("REDIS_URL: must be set when HERMES_RATE_LIMIT_STORE=redis");
  }
  const ports = [e.HERMES_ADMIN_PORT, e.HERMES_PRE_AI_API_PORT, e.HERMES_POST_AI_API_PORT].filter(
    (p) => p !== 0,
  );
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError(
      "HERMES_ADMIN_PORT / HERMES_PRE_AI_API_PORT / HERMES_POST_AI_API_PORT: must be three different ports",
    );
  }
  const oidc = e.HERMES_OIDC_ISSUER
    ? {
        issuer: e.HERMES_OIDC_ISSUER,
        clientId: required(e.HERMES_OIDC_CLIENT_ID, "HERMES_OIDC_CLIENT_ID"),
        clientSecret: e.HERMES_OIDC_CLIENT_SECRET,
        redirectUrl: required(e.HERMES_OIDC_REDIRECT_URL, "HERMES_OIDC_REDIRECT_URL"),
        allowedDomains: splitList(e.HERMES_OIDC_ALLOWED_DOMAINS ?? "").map((d) => d.toLowerCase()),
        roleClaim: e.HERMES_OIDC_ROLE_CLAIM,
        roleMap: Object.fromEntries(
          splitList(e.HERMES_OIDC_ROLE_MAP ?? "").map((p) => {
            const i = p.lastIndexOf("=");
            return [p.slice(0, i).trim(), p.slice(i + 1) as "owner" | "admin" | "auditor" | "viewer"];
          }),
        ),
        newUsers: e.HERMES_OIDC_NEW_USERS,
        name: e.HERMES_OIDC_NAME,
      }
    : null;
  return deepFreeze({
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    dataDir: e.HERMES_DATA_DIR,
    http: {
      bindHost: e.HERMES_BIND_HOST,
      adminPort: e.HERMES_ADMIN_PORT,
      prePort: e.HERMES_PRE_AI_API_PORT,
      postPort: e.HERMES_POST_AI_API_PORT,
      trustProxy: e.HERMES_TRUST_PROXY,
    },
    admin: {
      username: e.HERMES_ADMIN_USERNAME,
      password: e.HERMES_ADMIN_PASSWORD,
      sessionTtlHours: e.HERMES_ADMIN_SESSION_TTL_HOURS,
      localLogin: e.HERMES_LOCAL_LOGIN,
      ownerEmails: splitList(e.HERMES_ADMIN_EMAILS ?? "").map((m) => m.toLowerCase()),
    },
    oidc,
    secrets: {
      secretKey: e.HERMES_SECRET_KEY ? (decodeSecretKey(e.HERMES_SECRET_KEY) ?? undefined) : undefined,
      keyPepper: e.HERMES_KEY_PEPPER,
    },
    defaultTenant: { preUpstreamUrl: e.HERMES_PRE_UPSTREAM_URL, postUpstreamUrl: e.HERMES_POST_UPSTREAM_URL },
    gateway: {
      upstreamTimeoutMs: e.HERMES_UPSTREAM_TIMEOUT_MS,
      upstreamConnectTimeoutMs: e.HERMES_UPSTREAM_CONNECT_TIMEOUT_MS,
      maxRequestBytes: e.HERMES_MAX_REQUEST_BYTES,
      defaultMaxTokens: e.HERMES_DEFAULT_MAX_TOKENS,
      tokenLeaseRequests: e.HERMES_TOKEN_LEASE_REQUESTS,
      keyCacheTtlMs: e.HERMES_KEY_CACHE_TTL_MS,
      rateLimitStore: e.HERMES_RATE_LIMIT_STORE,
      redisUrl: e.REDIS_URL,
    },
    audit: {
      maxBytes: e.HERMES_AUDIT_MAX_BYTES,
      retentionDays: e.HERMES_LOG_RETENTION_DAYS,
      queueSize: e.HERMES_AUDIT_QUEUE_SIZE,
      flushMs: e.HERMES_AUDIT_FLUSH_MS,
    },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    shutdownGraceMs: e.HERMES_SHUTDOWN_GRACE_MS,
    workers: e.HERMES_WORKERS,
    gitCommit: e.HERMES_GIT_COMMIT,
    observability: {
      metricsToken: e.HERMES_METRICS_TOKEN,
      metricsPerUser: e.HERMES_METRICS_PER_USER,
      tracesUrl: otlpTracesUrl(e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, e.OTEL_EXPORTER_OTLP_ENDPOINT),
      tracesHeaders: parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS ?? "") ?? {},
      serviceName: e.OTEL_SERVICE_NAME,
    },
    hermes: {
      home: path.resolve(e.HERMES_HOME),
      codexHome: path.resolve(e.HERMES_CODEX_HOME),
      claudeHome: path.resolve(e.HERMES_CLAUDE_HOME),
      geminiHome: path.resolve(e.HERMES_GEMINI_HOME),
      stateRoots: e.HERMES_STATE_ROOTS
        ? splitList(e.HERMES_STATE_ROOTS).map((p) => path.resolve(p))
        : [path.dirname(path.resolve(e.HERMES_HOME))],
      bin: path.resolve(e.HERMES_BIN),
      proxyProviders: { pre: e.HERMES_PRE_AI_PROVIDER, post: e.HERMES_POST_AI_PROVIDER },
      healthIntervalSeconds: e.HERMES_HEALTH_INTERVAL_SECONDS,
      childEnv: Object.fromEntries(
        HERMES_CHILD_ENV.flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
      ),
    },
  });
}

/** What loadConfig reads at start, and which variables came from the `.env` file (for one log line). */
export type RuntimeEnvironment = {
  env: Readonly<Record<string, string | undefined>>;
  /** Names (never values) of the service's variables the file supplied; empty without a file. */
  fromFile: string[];
};

/**
 * The process environment over the variables of `file` (default `.env` in the working directory) when it exists, so
 * a copied `.env.example` works for `npm start`. A variable set in the real environment always wins, even empty.
 */
export function runtimeEnvironment(file = ".env"): RuntimeEnvironment {
  let vars: Record<string, string> | null;
  try {
    vars = readEnvFile(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!vars) return { env: process.env, fromFile: [] };
  const read = new Set<string>(ENV_VARS);
  const fromFile = Object.keys(vars).filter((name) => read.has(name) && process.env[name] === undefined);
  return { env: { ...vars, ...process.env }, fromFile };
}

/**
 * The OTel specification's rule: the traces variable is the full URL; the general one is a base that gets
 * `/v1/traces` appended.
 */
function otlpTracesUrl(traces: string | undefined, base: string | undefined): string | undefined {
  if (traces) return traces;
  if (!base) return undefined;
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `name=value,name2=value2`, values URL-encoded (W3C Baggage format); null if malformed. */
export function parseOtlpHeaders(value: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of value.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return null;
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return out;
}

function decodeSecretKey(value: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  const b64 = Buffer.from(value, "base64");
  return b64.length === 32 ? b64 : null;
}

function deepFreeze<T extends object>(obj: T): Readonly<T> {
  for (const v of Object.values(obj)) {
    if (v && typeof v === "object" && !Buffer.isBuffer(v)) deepFreeze(v as object);
  }
  return Object.freeze(obj);
}
