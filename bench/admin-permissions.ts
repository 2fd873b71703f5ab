/**
 * @module Bench: the cost of the admin permission check (src/admin/permissions.ts) per request: matching a method and
 * path against the whole table, for a deep Hermes path, a path two entries match, a change and an unlisted path.
 * Run by hand:
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/bench/admin-permissions.js [lookups]
 */
import { PERMISSIONS, requiredCapabilities } from "../src/admin/permissions.js";

const LOOKUPS = Number(process.argv[2] ?? 200_000);
const PATHS: [string, string][] = [
  ["GET", "/api/admin/tenants/default/hermes/sessions/abc/messages/12"],
  ["GET", "/api/admin/logs/download"],
  ["POST", "/api/admin/api-users/usr_x/rotate"],
  ["GET", "/api/admin/not-a-route"],
];

for (let i = 0; i < 20_000; i++) for (const [m, p] of PATHS) requiredCapabilities(m, p); // warm-up
const t0 = process.hrtime.bigint();
for (let i = 0; i < LOOKUPS; i++) {
  const [m, p] = PATHS[i % PATHS.length]!;
  requiredCapabilities(m, p);
}
const ns = Number(process.hrtime.bigint() - t0) / LOOKUPS;
console.log(
  `permission lookup: ${ns.toFixed(0)} ns per request (${LOOKUPS} lookups, ${Object.keys(PERMISSIONS).length}-entry table)`,
);
