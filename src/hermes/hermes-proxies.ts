/**
 * @module The Hermes proxies the service runs itself: one per gateway whose HERMES_PRE_AI_PROVIDER /
 * HERMES_POST_AI_PROVIDER is set, in the default tenant's Hermes home (HERMES_HOME). While one is configured it is
 * the default tenant's upstream for that gateway, whatever the tenant's stored URL says. One process per host runs
 * them (the single process, or the cluster primary); cluster workers see them through src/app/cluster-hermes-proxies.
 */
import type { Config, Gateway, HermesConfig } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { DEFAULT_TENANT_ID } from "../tenants/default-tenant.js";
import { homeSecrets } from "./home-secrets.js";
import {
  createHermesProxy,
  type HermesProxy,
  type ProxyOptions,
  type ProxyOutputLine,
  type ProxyStatus,
} from "./proxy-supervisor.js";

export type { ProxyOutputLine, ProxyStatus } from "./proxy-supervisor.js";

/** A proxy's status with its last output lines (redacted), as GET /api/admin/hermes/proxies shows it. */
export type ProxyView = ProxyStatus & { output: ProxyOutputLine[] };

export interface HermesProxies {
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): ProxyStatus[];
  views(): Promise<ProxyView[]>;
  /**
   * The upstream base a tenant's requests on `gateway` go to instead of its stored URL: a URL, null (configured
   * but not runnable: 502 upstream_not_configured), or undefined (no supervised proxy: use the stored URL).
   */
  upstreamOverride(tenantId: string, gateway: Gateway): string | null | undefined;
}

/** What upstreamOverride answers from the proxies' statuses (also a cluster worker's copy of them). */
export function overrideFrom(
  statuses: readonly ProxyStatus[],
  tenantId: string,
  gateway: Gateway,
): string | null | undefined {
  if (tenantId !== DEFAULT_TENANT_ID) return undefined;
  const s = statuses.find((p) => p.gateway === gateway);
  if (!s) return undefined;
  return s.state === "unavailable" || s.state === "stopped" ? null : s.url;
}

/** One warning per gateway whose stored upstream URL the supervised proxy replaces; logged by whoever runs them. */
export function warnOverriddenUpstreams(
  config: Pick<Config, "hermes" | "defaultTenant">,
  logger: Logger,
): void {
  for (const g of ["pre", "post"] as const) {
    const url = g === "pre" ? config.defaultTenant.preUpstreamUrl : config.defaultTenant.postUpstreamUrl;
    if (config.hermes.proxyProviders[g] && url) {
      logger.warn(
        `hermes proxy (${g}): HERMES_${g.toUpperCase()}_AI_PROVIDER is set, so the default tenant's ${g} gateway uses the supervised Hermes proxy, not HERMES_${g.toUpperCase()}_UPSTREAM_URL`,
      );
    }
  }
}

export function createHermesProxies(
  config: HermesConfig,
  logger: Logger,
  tuning: Pick<ProxyOptions, "backoffMs" | "stableAfterMs" | "stopGraceMs" | "onChange"> = {},
): HermesProxies {
  const proxies = new Map<Gateway, HermesProxy>();
  for (const gateway of ["pre", "post"] as const) {
    const provider = config.proxyProviders[gateway];
    if (!provider) continue;
    proxies.set(
      gateway,
      createHermesProxy({
        gateway,
        provider,
        bin: config.bin,
        hermesHome: config.home,
        env: config.childEnv,
        logger,
        knownSecrets: () => homeSecrets(config.stateRoots, config.home),
        ...tuning,
      }),
    );
  }
  return {
    async start() {
      await Promise.all([...proxies.values()].map((p) => p.start()));
    },
    async stop() {
      await Promise.all([...proxies.values()].map((p) => p.stop()));
    },
    statuses: () => [...proxies.values()].map((p) => p.status()),
    views: async () => [...proxies.values()].map((p) => ({ ...p.status(), output: p.output() })),
    upstreamOverride(tenantId, gateway) {
      if (tenantId !== DEFAULT_TENANT_ID) return undefined;
      const proxy = proxies.get(gateway);
      return proxy ? proxy.upstreamUrl() : undefined;
    },
  };
}
