/**
 * A migrated PostgreSQL database of its own with one tenant, and a way to create capped API users in it: what the
 * usage tests share.
 */
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createApiUser } from "../../src/keys/keys.service.js";
import { createTenant } from "../../src/tenants/tenants.service.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase } from "../harness/test-database.js";

export type UsageDb = {
  database: Database;
  url: string;
  /** A new API user of tenant t1 with this monthly cap (null = unlimited); returns its id. */
  user(cap: number | null): Promise<string>;
  close(): Promise<void>;
};

export async function openUsageDb(label: string): Promise<UsageDb> {
  const testDb = await createTestDatabase(label);
  const database = await openDatabase({
    url: testDb.url,
    poolMax: 20,
    dataDir: "/tmp",
    logger: captureLogs().logger,
  });
  await migrateToLatest(database.db);
  await createTenant(
    { db: database.db, secretKey: undefined },
    { id: "t1", name: "T", preUpstreamUrl: null, postUpstreamUrl: null, upstreamApiKey: null },
    SYSTEM_ACTOR,
  );
  return {
    database,
    url: testDb.url,
    user: async (cap) =>
      (
        await createApiUser(
          { db: database.db, keyPepper: undefined },
          { name: "u", tenantId: "t1", gateways: ["pre"], rpmLimit: null, monthlyTokenCap: cap },
          SYSTEM_ACTOR,
        )
      ).apiUser.id,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}
