/**
 * @module Runs the README's backup and restore commands (the `pg_dump`, `dropdb`/`createdb` and `psql` lines,
 * verbatim) against a populated database on the local PostgreSQL: the restored copy equals the original table by
 * table, restoring again over it works, and the service starts on it without migrating and still knows its API key.
 */
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createApiUser } from "../../src/keys/keys.service.js";
import { DEFAULT_TENANT_ID } from "../../src/tenants/default-tenant.js";
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from "../harness/test-database.js";
import { startTestService } from "../harness/test-service.js";
import { read } from "./deploy-files.js";

const readme = read("README.md");
const DUMP = /sh -c '(pg_dump [^']+)'/.exec(readme)?.[1];
const RECREATE = /sh -c '(dropdb [^']+)'/.exec(readme)?.[1];
const RESTORE = /sh -c '(psql [^']+)'/.exec(readme)?.[1];

/** Runs a README command as the postgres container's shell would, with POSTGRES_USER/POSTGRES_DB set. */
function runDocumented(command: string, database: string, input?: string) {
  const admin = new URL(ADMIN_DATABASE_URL);
  const result = spawnSync("sh", ["-c", command], {
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH!,
      PGHOST: admin.hostname,
      PGPORT: admin.port || "5432",
      ...(admin.password ? { PGPASSWORD: decodeURIComponent(admin.password) } : {}),
      POSTGRES_USER: decodeURIComponent(admin.username) || "postgres",
      POSTGRES_DB: database,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A digest of every table's full contents (partitioned tables through their parent). */
async function snapshot(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const r = await client.query<{ n: string; digest: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${name}" t`,
      );
      out[name] = `${r.rows[0]!.n}:${r.rows[0]!.digest ?? ""}`;
    }
    return out;
  } finally {
    await client.end();
  }
}

describe("README backup and restore (pg_dump / psql)", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it("restores a populated database into a fresh one and over itself, and the service runs on the copy", async () => {
    expect(RECREATE).toMatch(/createdb/);
    expect(RESTORE).toMatch(/ON_ERROR_STOP=1/);
    const [source, target] = await Promise.all([createTestDatabase("bkp"), createTestDatabase("rst")]);
    databases.push(source!, target!);

    // Populate through the real service: migrations, default tenant, admin credential, an API user and an
    // audit record of a rejected request (written by the time close() returns).
    const env = { HERMES_ADMIN_PASSWORD: "backup-test-admin-password" };
    const first = await startTestService({ databaseUrl: source!.url, env });
    const { apiKey } = await createApiUser(
      { db: first.db, keyPepper: undefined },
      {
        name: "backup-user",
        tenantId: DEFAULT_TENANT_ID,
        gateways: ["pre"],
        rpmLimit: null,
        monthlyTokenCap: null,
      },
      { username: "test", ip: null },
    );
    first.secret(apiKey);
    const rejected = await fetch(`${first.urls.pre}/v1/models`, {
      headers: { authorization: "Bearer hms_nope" },
    });
    expect(rejected.status).toBe(401);
    await first.close();
    const before = await snapshot(source!.url);
    expect(Number(before.api_users!.split(":")[0])).toBe(1);

    const dump = runDocumented(DUMP!, source!.name);
    expect(dump.stderr).toBe("");
    expect(dump.status).toBe(0);

    // Twice: into a fresh database, then over the restored one (the "restore into the running stack" case).
    for (let round = 0; round < 2; round++) {
      const recreate = runDocumented(RECREATE!, target!.name);
      expect(recreate.stderr).toBe("");
      expect(recreate.status).toBe(0);
      const restore = runDocumented(RESTORE!, target!.name, dump.stdout);
      expect(restore.stderr).toBe("");
      expect(restore.status).toBe(0);
      expect(await snapshot(target!.url)).toEqual(before);
    }

    const restored = await startTestService({ databaseUrl: target!.url, env });
    try {
      expect(restored.logs.text()).not.toContain("migrations applied");
      expect((await fetch(`${restored.urls.admin}/readyz`)).status).toBe(200);
      // The restored key digest still authenticates: whatever the (unset) upstream does, it is not a 401.
      const res = await fetch(`${restored.urls.pre}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(res.status).not.toBe(401);
    } finally {
      restored.secret(apiKey);
      await restored.close();
    }
  });
});
