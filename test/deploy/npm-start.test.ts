/**
 * @module `npm start` as a process manager runs it: in a copy of the checkout (so its build cannot disturb the
 * dist/ other tests use), SIGTERM to the npm process must reach the service, which finishes the request in flight,
 * drains and exits, and npm exits with it: no service left running without a parent.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, ADMIN_PASSWORD } from "../admin/admin-client.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

const REPO = process.cwd();
const COPIED = ["package.json", "package-lock.json", "tsconfig.json", "src", "migrations", "admin-ui"];

let tmp: string;
let db: TestDatabase;
let upstream: FakeUpstream;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-npm-start-"));
  for (const f of COPIED) fs.cpSync(path.join(REPO, f), path.join(tmp, f), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(tmp, "node_modules"), "dir");
  db = await createTestDatabase("npmstart");
  upstream = await startFakeUpstream({ delayMs: 1500 });
});
afterAll(async () => {
  await upstream?.close();
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((c) => [c, ...descendantsOf(c)]);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm start", () => {
  it("builds, runs the service as npm's direct child, and a SIGTERM to npm drains the service and ends both", async () => {
    const npm = spawn("npm", ["start"], {
      cwd: tmp,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? os.tmpdir(),
        DATABASE_URL: db.url,
        HERMES_DATA_DIR: path.join(tmp, "data"),
        HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HERMES_ADMIN_PORT: "0",
        HERMES_PRE_AI_API_PORT: "0",
        HERMES_POST_AI_API_PORT: "0",
        HERMES_PRE_UPSTREAM_URL: upstream.url,
        HERMES_SHUTDOWN_GRACE_MS: "10000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    npm.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    npm.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const npmPid = npm.pid!;
    const started = new Set<number>();
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await expect
        .poll(() => /"msg":"service: listening"/.test(out), { timeout: 240_000, interval: 250 })
        .toBe(true);
      const listening = JSON.parse(out.split("\n").find((l) => l.includes('"service: listening"'))!) as {
        admin: number;
        pre: number;
      };
      // The console was built too, and the service serves it.
      expect(fs.existsSync(path.join(tmp, "dist", "admin-ui", "index.html"))).toBe(true);

      for (const pid of descendantsOf(npmPid)) started.add(pid);
      // `exec` in the start script: the service is npm's own child, not a shell's.
      const [service] = childrenOf(npmPid);
      expect(fs.readFileSync(`/proc/${service}/cmdline`, "utf8").split("\0")).toContain("dist/src/main.js");

      const admin = new AdminClient(`http://127.0.0.1:${listening.admin}`);
      expect((await admin.login()).status).toBe(200);
      const created = await admin.post<{ api_key: string }>("/api/admin/api-users", {
        name: "drain",
        tenant_id: "default",
        gateways: ["pre"],
      });
      const client = new OpenAI({
        apiKey: created.body.api_key,
        baseURL: `http://127.0.0.1:${listening.pre}/v1`,
      });
      // In flight (the upstream takes 1.5 s) when npm gets SIGTERM: it must still get its answer.
      const inFlight = client.chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "still there?" }],
      });
      await expect.poll(() => upstream.requests.length).toBe(1);
      npm.kill("SIGTERM");
      const reply = await inFlight;
      expect(reply.choices[0]!.message.content).toBeTruthy();
      expect(await exited).toBe(0);
      expect(out).toContain('"service: stopped"');
      expect(alive(service!)).toBe(false);
    } finally {
      // Whatever this test started, however it failed: no service may outlive it.
      for (const pid of [npmPid, ...started, ...descendantsOf(npmPid)])
        if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 300_000);
});
