/**
 * @module LISTEN/NOTIFY channel names. Writers notify inside their transaction (delivered at commit); every instance's
 * caches listen and evict within milliseconds.
 */
export const CHANNELS = {
  /** Payload: the API user id whose key, status, scope or limits changed (or who was deleted). */
  apiUserChanged: "hcp_api_user_changed",
  /** Payload: the tenant id whose upstreams or credential changed. */
  tenantChanged: "hcp_tenant_changed",
} as const;
