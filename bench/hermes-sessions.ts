/**
 * @module Bench: the sessions list and the 30-day insights view at the admin API, over a state.db of 10,000 sessions
 * and 1,000,000 messages (bench/hermes-state-data.ts). It starts the real service (embedded database) with that
 * Hermes home as the default tenant's, signs in, and times, interleaved, GET …/hermes/sessions (first page), the same
 * filtered by source and model, a second page, and GET …/hermes/insights?days=30. The first insights call starts
 * the tool-call count in the background; its duration is reported apart, then the timed rounds run with it built.
 * Target: ≤ 200 ms each. Run by hand (the state.db is built once into the given directory and reused):
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/bench/hermes-sessions.js [rounds] [data-dir]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startService } from "../src/app/service.js";
import { loadConfig } from "../src/config/config.js";
import { createLogger } from "../src/logging/logger.js";
import { buildStateDb } from "./hermes-state-data.js";

const ROUNDS = Number(process.argv[2] ?? 40);
const DATA_DIR = path.resolve(process.argv[3] ?? path.join(os.tmpdir(), "hcp-bench-hermes"));
const PASSWORD = "bench-admin-password-0123456789";

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: pick(0.5).toFixed(1), p95: pick(0.95).toFixed(1), max: s.at(-1)!.toFixed(1), n: s.length };
}

async function main(): Promise<void> {
  const home = path.join(DATA_DIR, ".hermes");
  const db = path.join(home, "state.db");
  if (!fs.existsSync(db)) {
    fs.mkdirSync(home, { recursive: true });
    const t0 = performance.now();
    const built = buildStateDb(db, { sessions: 10_000, messagesPerSession: 100 });
    console.log(
      `built ${built.sessions} sessions, ${built.messages} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  console.log(`state.db: ${(fs.statSync(db).size / 1e6).toFixed(0)} MB at ${db}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-svc-"));
  const config = loadConfig({
    HERMES_ADMIN_PORT: "0",
    HERMES_PRE_AI_API_PORT: "0",
    HERMES_POST_AI_API_PORT: "0",
    HERMES_DATA_DIR: dataDir,
    HERMES_ADMIN_PASSWORD: PASSWORD,
    HERMES_HOME: home,
    HERMES_STATE_ROOTS: DATA_DIR,
    HERMES_HEALTH_INTERVAL_SECONDS: "0",
  });
  const service = await startService(config, createLogger({ level: "warn", format: "json" }));
  const base = `http://127.0.0.1:${service.ports.admin}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const get = async (p: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/admin/tenants/default/hermes/${p}`, { headers: { cookie } });
      const body = (await res.json()) as Record<string, unknown>;
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, body };
    };

    const first = await get("insights?days=30");
    const t0 = performance.now();
    for (;;) {
      const { body } = await get("insights?days=30");
      if ((body.top_tools as { status: string }).status === "ok") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(
      `first insights call ${first.ms.toFixed(1)} ms (top tools: ${(first.body.top_tools as { status: string }).status}); ` +
        `tool-call count built in the background in ${((performance.now() - t0) / 1000).toFixed(1)} s more`,
    );
    const page1 = await get("sessions?limit=50");
    const next = page1.body.next_cursor as string;
    const targets: Record<string, string> = {
      "profiles (no SQLite: baseline)": "profiles",
      "sessions, first page": "sessions?limit=50",
      "sessions, source+model filter": "sessions?limit=50&source=discord&model=openai%2Fgpt-5",
      "sessions, second page": `sessions?limit=50&cursor=${encodeURIComponent(next)}`,
      "insights, 30 days": "insights?days=30",
    };
    const samples = new Map<string, number[]>(Object.keys(targets).map((k) => [k, []]));
    for (const p of Object.values(targets)) await get(p); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const names = Object.keys(targets);
      if (round % 2) names.reverse();
      for (const name of names) samples.get(name)!.push((await get(targets[name]!)).ms);
    }
    for (const [name, s] of samples) console.log(name.padEnd(32), JSON.stringify(stats(s)));
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} cores`,
    );
  } finally {
    await service.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
