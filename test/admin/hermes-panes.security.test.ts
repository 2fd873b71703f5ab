/**
 * Every Hermes pane endpoint over every fixture home: no planted secret in any response, no 5xx, a session needed,
 * nothing written to the Hermes homes (beyond the -wal/-shm files SQLite's own reader creates next to a WAL
 * database nobody had open), and links out of HERMES_STATE_ROOTS never followed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessagesView } from "../../src/admin/routes/hermes/sessions.js";
import type { LogTailView, StatusView } from "../../src/admin/routes/hermes/system.js";
import { snapshotTree, type TreeSnapshot } from "../fixtures/hermes/fixture-homes.js";
import { createKanbanDb, createStateDb, insertRow } from "../fixtures/hermes/hermes-dbs.js";
import { expectNoPlantedSecrets, newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";
import { paneUrl, PANE_KINDS, startPaneService, type PaneSetup } from "./hermes-pane-setup.js";

/** Every pane route with parameters that exist in the `active` home (elsewhere they answer 404, or 400). */
export const PANE_PATHS = [
  "sessions",
  "sessions?include_children=true&limit=2&cron=exclude",
  "sessions/s_cli_1",
  "sessions/s_cli_1/messages",
  "sessions/s_cli_1/messages/{message}",
  "insights?days=7",
  "insights?days=90",
  "skills",
  "skills/content?skill=profile%2Fdevops%2Fdeploy",
  "bundles",
  "plugins",
  "mcp",
  "hooks",
  "webhooks",
  "tools",
  "cron",
  "cron/0123456789ab/outputs",
  "cron/0123456789ab/outputs/2026-12-01_08-00-00.md",
  "memory",
  "memory/memory",
  "memory/user",
  "kanban",
  "kanban?board=default&status=running",
  "kanban/tasks/t_b0002?board=ops",
  "profile-summaries",
  "status",
  "logs?file=agent.log",
  "logs?file=gateway.log&level=ERROR",
  "storage",
  "security",
];

let s: PaneSetup;
let outside: string;
const outsideSecret = newPlantedSecret("sk-");
let firstMessage: number;

beforeAll(async () => {
  s = await startPaneService();
  const res = await s.admin.get<MessagesView>(paneUrl("default", "sessions/s_cli_1/messages"));
  firstMessage = res.body.data[0]!.id;
}, 120_000);
afterAll(async () => {
  await s?.close();
  if (outside) fs.rmSync(outside, { recursive: true, force: true });
});

function urlsFor(tenant: string, profile?: string): string[] {
  return PANE_PATHS.map((p) => {
    const filled = p.replace("{message}", String(firstMessage));
    if (!profile) return paneUrl(tenant, filled);
    return paneUrl(tenant, `${filled}${filled.includes("?") ? "&" : "?"}profile=${profile}`);
  });
}

async function sweep(): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  const targets = [
    ...PANE_KINDS.flatMap((kind) => urlsFor(kind === "active" ? "default" : kind)),
    ...urlsFor("default", "work"),
    ...urlsFor("profiles", "home-lab"),
  ];
  for (const url of targets) {
    const res = await s.admin.get(url);
    statuses.set(url, res.status);
    expect([200, 400, 404], `${url}: ${res.text.slice(0, 200)}`).toContain(res.status);
    expectNoPlantedSecrets(res.text, url, [...s.secrets, outsideSecret]);
  }
  return statuses;
}

/** Entries added or changed between two snapshots. */
function changes(before: TreeSnapshot, after: TreeSnapshot): string[] {
  return [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
}

describe("every Hermes pane endpoint", () => {
  it("answers every fixture home without a secret or a server error, and writes nothing", async () => {
    const before = snapshotTree(s.fx.root);
    const first = await sweep();
    // Every route answers 200 on the home that has its files.
    for (const url of urlsFor("default")) expect(first.get(url), url).toBe(200);
    expect([...first.values()].filter((v) => v === 200).length).toBeGreaterThan(PANE_PATHS.length * 4);

    // The first reads may only have added SQLite's -wal/-shm next to databases no writer had open (and so touched
    // the directories holding them).
    const after = snapshotTree(s.fx.root);
    const added = changes(before, after);
    const sqliteFiles = added.filter((p) => /\.db-(wal|shm)$/.test(p));
    for (const p of sqliteFiles) expect(before.has(p), p).toBe(false);
    // The databases closed before the service started (older, work, both boards) got theirs; nothing else did.
    expect(sqliteFiles.length).toBeGreaterThanOrEqual(8);
    expect(added.filter((p) => !sqliteFiles.includes(p)).sort()).toEqual(
      [...new Set(sqliteFiles.map((p) => path.dirname(p)))].filter((d) => d !== ".").sort(),
    );
    expect([...before.keys()].filter((p) => !after.has(p))).toEqual([]);

    // From then on, reading every pane again changes nothing at all.
    await sweep();
    expect(changes(after, snapshotTree(s.fx.root))).toEqual([]);
  });

  it("needs an admin session", async () => {
    for (const url of urlsFor("default")) {
      const res = await fetch(`${s.svc.urls.admin}${url}`);
      expect(res.status, url).toBe(401);
    }
  });

  it("404s an unknown tenant and profile, and a tenant without a Hermes home", async () => {
    await s.admin.post("/api/admin/tenants", { id: "homeless", name: "No home" });
    for (const pane of ["sessions", "insights", "skills", "kanban", "logs?file=agent.log", "security"]) {
      expect((await s.admin.get(paneUrl("ghost", pane))).status, pane).toBe(404);
      expect((await s.admin.get(paneUrl("homeless", pane))).status, pane).toBe(404);
      expect(
        (await s.admin.get(paneUrl("default", `${pane}${pane.includes("?") ? "&" : "?"}profile=nope`)))
          .status,
      ).toBe(404);
    }
  });
});

describe("links out of HERMES_STATE_ROOTS", () => {
  it("are never followed, whichever file or directory they replace", async () => {
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-outside-")));
    const secretFile = path.join(outside, "secret.txt");
    fs.writeFileSync(secretFile, `2026-12-01 08:00:00,000 INFO x: ${outsideSecret}\n§\n${outsideSecret}\n`);
    const db = createStateDb(path.join(outside, "state.db"));
    insertRow(db, "sessions", { id: "outside", source: "cli", title: outsideSecret, started_at: 1 });
    db.close();
    createKanbanDb(path.join(outside, "kanban.db")).close();
    fs.mkdirSync(path.join(outside, "skill"));
    fs.writeFileSync(path.join(outside, "skill", "SKILL.md"), `---\nname: outside\n---\n${outsideSecret}\n`);

    const home = s.fx.homeOf("profiles");
    const link = (target: string, rel: string) => {
      fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      fs.symlinkSync(target, path.join(home, rel));
    };
    link(path.join(outside, "state.db"), "state.db");
    link(path.join(outside, "kanban.db"), "kanban.db");
    link(secretFile, "memories/MEMORY.md");
    link(secretFile, "logs/agent.log");
    link(secretFile, "gateway_state.json");
    link(secretFile, "cron/output/0123456789ab/2026-12-01_08-00-00.md");
    link(path.join(outside, "skill"), "skills/outside");
    link(outside, "plugins");

    const get = async <T>(pane: string) => {
      const res = await s.admin.get<T>(
        paneUrl("profiles", `${pane}${pane.includes("?") ? "&" : "?"}profile=default`),
      );
      expectNoPlantedSecrets(res.text, pane, [outsideSecret]);
      return res;
    };
    expect((await get<{ source: { status: string; reason: string } }>("sessions")).body.source).toEqual(
      expect.objectContaining({ status: "refused", reason: "outside HERMES_STATE_ROOTS" }),
    );
    expect((await get<{ source: { status: string } }>("kanban?board=default")).body.source.status).toBe(
      "refused",
    );
    expect((await get<{ files: { file: { status: string } }[] }>("memory")).body.files[0]!.file.status).toBe(
      "refused",
    );
    expect((await get<StatusView>("status")).body.gateway.file.status).toBe("refused");
    expect((await get<StatusView>("status")).body.logs).toEqual([]);
    expect((await get<LogTailView>("logs?file=agent.log")).status).toBe(404);
    expect((await get<{ data: unknown[] }>("skills")).body.data).toEqual([]);
    expect((await get<{ data: unknown[] }>("plugins")).body.data).toEqual([]);
    expect((await get("cron/0123456789ab/outputs/2026-12-01_08-00-00.md")).status).toBe(404);
    expect((await get("storage")).status).toBe(200);
  });
});
