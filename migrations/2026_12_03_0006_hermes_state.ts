/**
 * @module Hermes state: each tenant's optional Hermes home (`tenants.hermes_home`; null = none, or HERMES_HOME for
 * the default tenant) and the upstream health probes of the last 24 hours (one row per probe, per tenant and
 * gateway), which the console draws as an availability chart.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenants ADD COLUMN hermes_home text`.execute(db);
  await sql`
    CREATE TABLE hermes_upstream_probes (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      gateway text NOT NULL CHECK (gateway IN ('pre', 'post')),
      ts timestamptz NOT NULL DEFAULT now(),
      trigger text NOT NULL CHECK (trigger IN ('background', 'manual')),
      url text NOT NULL,
      ok boolean NOT NULL,
      latency_ms integer,
      http_status integer,
      probe text,
      upstream text,
      authenticated boolean,
      error text
    )`.execute(db);
  await sql`
    CREATE INDEX hermes_upstream_probes_tenant_ts
      ON hermes_upstream_probes (tenant_id, gateway, ts DESC)`.execute(db);
  await sql`CREATE INDEX hermes_upstream_probes_ts ON hermes_upstream_probes (ts)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS hermes_upstream_probes`.execute(db);
  await sql`ALTER TABLE tenants DROP COLUMN IF EXISTS hermes_home`.execute(db);
}
