/**
 * @module The ordered list of migrations, imported statically so the same code runs from TypeScript and from dist/.
 */
import type { Migration } from "kysely";
import * as initialSchema from "./2026_11_23_0001_initial_schema.js";
import * as tokenLeaseFunction from "./2026_11_23_0002_token_lease_function.js";
import * as reservationLedger from "./2026_11_23_0003_reservation_ledger.js";
import * as auditBodyLz4 from "./2026_11_23_0004_audit_body_lz4.js";
import * as adminConsoleReads from "./2026_12_03_0005_admin_console_reads.js";
import * as hermesState from "./2026_12_03_0006_hermes_state.js";
import * as adminListIndexes from "./2026_12_03_0007_admin_list_indexes.js";

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "2026_11_23_0001_initial_schema": initialSchema,
  "2026_11_23_0002_token_lease_function": tokenLeaseFunction,
  "2026_11_23_0003_reservation_ledger": reservationLedger,
  "2026_11_23_0004_audit_body_lz4": auditBodyLz4,
  "2026_12_03_0005_admin_console_reads": adminConsoleReads,
  "2026_12_03_0006_hermes_state": hermesState,
  "2026_12_03_0007_admin_list_indexes": adminListIndexes,
};
