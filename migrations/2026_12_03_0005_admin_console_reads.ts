/**
 * @module What the admin console's API users page reads: when each key was last rotated (a column, backfilled from
 * retired_keys), so the `rotated` badge and filter need no join.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_users ADD COLUMN last_rotated_at timestamptz`.execute(db);
  await sql`
    UPDATE api_users a SET last_rotated_at = r.at
    FROM (SELECT api_user_id, max(retired_at) AS at FROM retired_keys WHERE reason = 'rotated' GROUP BY api_user_id) r
    WHERE a.id = r.api_user_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_users DROP COLUMN IF EXISTS last_rotated_at`.execute(db);
}
