/**
 * Fresh PostgreSQL databases per test file, so files run in parallel on one server without sharing rows,
 * advisory locks or NOTIFY channels.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The maintenance connection; CI and developers have PostgreSQL 15 on 127.0.0.1 with trust auth. */
export const ADMIN_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

async function withAdminClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `hcp_${label
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(5).toString("hex")}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
