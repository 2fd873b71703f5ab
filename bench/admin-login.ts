/**
 * @module Bench: the cost of an admin login check for a wrong username, a wrong password and the right pair, to show
 * a wrong username takes as long as a wrong password (no user enumeration by timing). Interleaved rounds against a
 * fresh database on the local PostgreSQL. Run by hand:
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/bench/admin-login.js [rounds]
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { ensureAdminCredentials, verifyAdminPassword } from "../src/admin-auth/admin-credentials.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROUNDS = Number(process.argv[2] ?? 40);
const PASSWORD = "bench-admin-password-0123456789";

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const pick = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return {
    mean: mean.toFixed(1),
    p50: pick(0.5).toFixed(1),
    p90: pick(0.9).toFixed(1),
    min: s[0]!.toFixed(1),
  };
}

const name = `hcp_bench_login_${randomBytes(4).toString("hex")}`;
await admin(`CREATE DATABASE "${name}"`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const logger = pino({ level: "silent" });
const database = await openDatabase({ url: url.toString(), poolMax: 2, dataDir: "/tmp", logger });
try {
  await migrateToLatest(database.db);
  await ensureAdminCredentials(database.db, { username: "admin", password: PASSWORD }, logger);
  const cases = {
    wrong_username: ["intruder", PASSWORD],
    wrong_password: ["admin", "not-the-password-at-all"],
    correct: ["admin", PASSWORD],
  } as const;
  const samples: Record<keyof typeof cases, number[]> = {
    wrong_username: [],
    wrong_password: [],
    correct: [],
  };
  for (let i = 0; i < 3; i++) await verifyAdminPassword(database.db, "admin", PASSWORD); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, [user, pass]] of Object.entries(cases) as [
      keyof typeof cases,
      readonly [string, string],
    ][]) {
      const t0 = performance.now();
      await verifyAdminPassword(database.db, user, pass);
      samples[label].push(performance.now() - t0);
    }
  }
  console.log(`admin login check, ${ROUNDS} interleaved rounds, ms:`);
  for (const [label, s] of Object.entries(samples))
    console.log(`  ${label.padEnd(15)} ${JSON.stringify(stats(s))}`);
} finally {
  await database.close();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
