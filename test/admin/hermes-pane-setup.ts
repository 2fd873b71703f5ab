/**
 * The service the Hermes pane tests share: fixture homes copied to a temp state root (the `active` home is the
 * default tenant's), their state.db and kanban.db files created and seeded at run time in WAL mode, and tenants for
 * the other kinds. The default profile's state.db keeps an open writer (returned) so tests can write while a pane
 * reads. Secret files get the modes the security pane checks (git keeps no modes).
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, type FixtureKind, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { createKanbanDb, createStateDb, insertRow } from "../fixtures/hermes/hermes-dbs.js";
import { seedKanbanDb, seedStateDb } from "../fixtures/hermes/pane-data.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

export type PaneSetup = {
  fx: FixtureRoot;
  svc: TestService;
  admin: AdminClient;
  /** The default profile's state.db writer, kept open. */
  writer: Database.Database;
  /** Secrets planted in the databases at run time (the fixture files' own are found by the scanner). */
  secrets: string[];
  now: number;
  /** Tenant id → fixture kind it reads. */
  tenants: Record<string, FixtureKind>;
  close(): Promise<void>;
};

export const PANE_KINDS: FixtureKind[] = ["active", "complete", "older", "corrupt", "empty", "profiles"];

export async function startPaneService(): Promise<PaneSetup> {
  const fx = copyFixtureRoot(PANE_KINDS);
  const now = Math.floor(Date.now() / 1000);
  const active = fx.homeOf("active");
  const secrets: string[] = [];

  const writer = createStateDb(path.join(active, "state.db"));
  writer.pragma("wal_autocheckpoint = 0");
  secrets.push(...seedStateDb(writer, now).secrets);

  const work = createStateDb(path.join(active, "profiles", "work", "state.db"));
  insertRow(work, "sessions", {
    id: "w_1",
    source: "cli",
    model: "nous/hermes-4-70b",
    title: "Standup",
    started_at: now - 600,
  });
  work.close();

  const older = createStateDb(path.join(fx.homeOf("older"), "state.db"), "older");
  secrets.push(...seedStateDb(older, now).secrets);
  older.close();

  const rootBoard = createKanbanDb(path.join(active, "kanban.db"));
  secrets.push(...seedKanbanDb(rootBoard, now, "a").secrets);
  rootBoard.close();
  const ops = createKanbanDb(path.join(active, "kanban", "boards", "ops", "kanban.db"));
  secrets.push(...seedKanbanDb(ops, now, "b").secrets);
  ops.close();

  fs.chmodSync(path.join(active, ".env"), 0o644);
  fs.chmodSync(path.join(active, "auth.json"), 0o600);
  fs.chmodSync(path.join(active, "webhook_subscriptions.json"), 0o600);
  fs.chmodSync(path.join(active, "mcp-tokens", "linear.json"), 0o640);

  const svc = await startTestService({ env: { ...ADMIN_ENV, ...fx.env } });
  const admin = await signedInClient(svc);
  const tenants: Record<string, FixtureKind> = { default: "active" };
  for (const kind of PANE_KINDS.filter((k) => k !== "active")) {
    const res = await admin.post("/api/admin/tenants", {
      id: kind,
      name: kind,
      hermes_home: fx.homeOf(kind),
    });
    if (res.status !== 201) throw new Error(`tenant ${kind}: ${res.status} ${res.text}`);
    tenants[kind] = kind;
  }
  return {
    fx,
    svc,
    admin,
    writer,
    secrets,
    now,
    tenants,
    async close() {
      await svc.close();
      writer.close();
      fx.cleanup();
    },
  };
}

/** `/api/admin/tenants/<tenant>/hermes/<pane>` */
export function paneUrl(tenant: string, pane: string): string {
  return `/api/admin/tenants/${tenant}/hermes/${pane}`;
}
