/**
 * @module The Hermes proxies the service runs itself: one per gateway whose HERMES_PRE_AI_PROVIDER /
 * HERMES_POST_AI_PROVIDER is set, in the default tenant's Hermes home (HERMES_HOME). While one is configured it is
 * the default tenant's upstream for that gateway, whatever the tenant's stored URL says.
 */
import type { Gateway, HermesConfig } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { DEFAULT_TENANT_ID } from "../tenants/default-tenant.js";
import { homeSecrets } from "./home-secrets.js";
import {
  createHermesProxy,
  type HermesProxy,
  type ProxyOptions,
  type ProxyStatus,
} from "./proxy-supervisor.js";

export type { ProxyOutputLine, ProxyStatus } from "./proxy-supervisor.js";

export interface HermesProxies {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): HermesProxy[];
  statuses(): ProxyStatus[];
  /**
   * The upstream base a tenant's requests on `gateway` go to instead of its stored URL: a URL, null (configured
   * but not runnable: 502 upstream_not_configured), or undefined (no supervised proxy: use the stored URL).
   */
  upstreamOverride(tenantId: string, gateway: Gateway): string | null | undefined;
}

export function createHermesProxies(
  config: HermesConfig,
  logger: Logger,
  tuning: Pick<ProxyOptions, "backoffMs" | "stableAfterMs" | "stopGraceMs"> = {},
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
    list: () => [...proxies.values()],
    statuses: () => [...proxies.values()].map((p) => p.status()),
    upstreamOverride(tenantId, gateway) {
      if (tenantId !== DEFAULT_TENANT_ID) return undefined;
      const proxy = proxies.get(gateway);
      return proxy ? proxy.upstreamUrl() : undefined;
    },
  };
}
