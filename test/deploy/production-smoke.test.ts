/**
 * @module Production smoke test: replays the Dockerfile's runtime stage into a temp dir (its COPYs, with node_modules
 * from the prod-deps stage's `npm ci --omit=dev`), gives the process the environment the container gets (the image's
 * ENV under the compose environment resolved from .env.example), runs the exact CMD, and checks readiness, the
 * HEALTHCHECK, a login and a graceful SIGTERM. Only the database URL, the data directory and the ports are changed for this machine.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnService, type SpawnedService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";
import {
  execForm,
  parseDockerfile,
  parseDotenv,
  parseHealthcheck,
  read,
  resolveCompose,
  stageEnv,
  type Stage,
} from "./deploy-files.js";

const execFileAsync = promisify(execFile);
const dockerfile = parseDockerfile(read("Dockerfile"));
const runtime: Stage = dockerfile.stages.at(-1)!;
const GIT_COMMIT = "0123456789abcdef0123456789abcdef01234567";
const ADMIN_PASSWORD = "smoke-test-admin-password-7f3a";
const REPO = process.cwd();

/**
 * Replays a stage into `appDir`: its COPYs and its `npm ci` steps. `--from=build` is this checkout after the global
 * setup's build; another `--from=<stage>` (prod-deps, which compiles node_modules) is replayed into a directory of
 * its own first, so the runtime gets exactly what that stage installs (production dependencies only).
 */
function replayStage(stage: Stage, appDir: string, tmp: string): void {
  for (const ins of stage.instructions) {
    if (ins.keyword === "COPY") {
      const from = /--from=(\S+)/.exec(ins.args)?.[1];
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      const dest = path.join(appDir, parts.pop()!);
      let sourceRoot = REPO;
      if (from && from !== "build") {
        sourceRoot = path.join(tmp, `stage-${from}`);
        if (!fs.existsSync(sourceRoot)) {
          fs.mkdirSync(sourceRoot, { recursive: true });
          replayStage(
            dockerfile.stages.find((s) => s.name === from)!,
            sourceRoot,
            tmp,
          );
        }
      }
      for (const src of parts) {
        const origin = path.join(sourceRoot, src.replace(/^\/app\//, ""));
        const to = dest.endsWith("/") ? path.join(dest, path.basename(src)) : dest;
        if (fs.existsSync(origin)) fs.cpSync(origin, to, { recursive: true, verbatimSymlinks: true });
        else throw new Error(`Dockerfile line ${ins.line}: ${src} does not exist`);
      }
    } else if (ins.keyword === "RUN") {
      // Only the npm step concerns the app directory; apt/usermod act on the image. `npm cache clean` is skipped:
      // it would wipe this machine's shared npm cache, which --prefer-offline reads instead of the registry.
      for (const step of ins.args.split("&&").map((s) => s.trim())) {
        if (!step.startsWith("npm ci")) continue;
        execFileSync("npm", [...step.split(/\s+/).slice(1), "--prefer-offline", "--ignore-scripts"], {
          cwd: appDir,
          stdio: "pipe",
        });
        copyNativeBuilds(appDir);
      }
    }
  }
}

/**
 * Install scripts are skipped in the replay: better-sqlite3's compiles from source here (no prebuilt binary can be
 * fetched), which takes minutes on a shared host, and CI's own `npm ci` (.ci/run) already proves that build works
 * on this platform. The replay takes the binaries this checkout compiled instead (same platform and Node ABI).
 */
function copyNativeBuilds(appDir: string): void {
  const modules = path.join(appDir, "node_modules");
  for (const name of fs.readdirSync(modules)) {
    const built = path.join(REPO, "node_modules", name, "build", "Release");
    if (fs.existsSync(path.join(modules, name, "binding.gyp")) && fs.existsSync(built)) {
      fs.cpSync(built, path.join(modules, name, "build", "Release"), { recursive: true });
    }
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      const s = net.createServer();
      return new Promise<net.Server>((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

describe("production start (Dockerfile runtime stage + compose environment from .env.example)", () => {
  let tmp: string;
  let db: TestDatabase;
  let svc: SpawnedService;
  let env: Record<string, string>;
  let ports: { admin: number; pre: number; post: number };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-smoke-"));
    const appDir = path.join(tmp, "app");
    fs.mkdirSync(appDir);
    replayStage(runtime, appDir, tmp);
    db = await createTestDatabase("smoke");
    const [admin, pre, post] = await freePorts(3);
    ports = { admin: admin!, pre: pre!, post: post! };

    const example = parseDotenv(read(".env.example"));
    const compose = resolveCompose(read("docker-compose.yml"), {
      ...example,
      POSTGRES_PASSWORD: "unused-here",
      HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    const composeEnv = Object.fromEntries(
      Object.entries(compose.services["control-plane"]!.environment!).map(([k, v]) => [k, String(v ?? "")]),
    );
    env = {
      ...stageEnv(runtime, { GIT_COMMIT }),
      ...composeEnv,
      // What differs on this machine: no "postgres" host, no /data, and ports other tests are not using.
      DATABASE_URL: db.url,
      HERMES_DATA_DIR: path.join(tmp, "data"),
      HERMES_ADMIN_PORT: String(ports.admin),
      HERMES_PRE_AI_API_PORT: String(ports.pre),
      HERMES_POST_AI_API_PORT: String(ports.post),
    };
    const [command, script, ...rest] = execForm(runtime.instructions.find((i) => i.keyword === "CMD")!.args)!;
    expect([command, rest]).toEqual(["node", []]);
    svc = spawnService(env, { cwd: appDir, script: path.join(appDir, script!) });
    await svc.waitFor(/"service: listening"/, 60_000);
  }, 180_000);

  afterAll(async () => {
    svc?.proc.kill("SIGKILL");
    await db?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const healthcheck = () => {
    const { command } = parseHealthcheck(runtime.instructions.find((i) => i.keyword === "HEALTHCHECK")!.args);
    const [bin, ...args] = command!;
    expect(bin).toBe("node");
    return execFileAsync(process.execPath, args, { env: { PATH: process.env.PATH!, ...env } }).then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
  };

  it("runs with production dependencies only, as NODE_ENV=production, bound to 0.0.0.0", () => {
    const modules = fs.readdirSync(path.join(tmp, "app", "node_modules"));
    expect(modules).toContain("argon2");
    // better-sqlite3's native binary was compiled in prod-deps and loads in the runtime's node_modules.
    const probe =
      "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select 41 + 1 as n').get().n)";
    expect(
      execFileSync(process.execPath, ["-e", probe], { cwd: path.join(tmp, "app") })
        .toString()
        .trim(),
    ).toBe("42");
    expect(modules).not.toContain("vitest");
    expect(modules).not.toContain("typescript");
    expect(env.NODE_ENV).toBe("production");
    const listening = svc
      .output()
      .split("\n")
      .map((l) => (l.startsWith("{") ? (JSON.parse(l) as Record<string, unknown>) : {}))
      .find((l) => l.msg === "service: listening");
    expect(listening).toMatchObject({ host: "0.0.0.0", database: "postgres", ...ports });
  });

  it("is ready on all three ports and the Dockerfile HEALTHCHECK passes", async () => {
    for (const port of Object.values(ports)) {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ready" });
    }
    expect(await healthcheck()).toBe(0);
  });

  it("logs in with HERMES_ADMIN_USERNAME/HERMES_ADMIN_PASSWORD and shows the image's git commit", async () => {
    const login = await fetch(`http://127.0.0.1:${ports.admin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: env.HERMES_ADMIN_USERNAME, password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ username: "admin", role: "owner" });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("hermes_session="));
    expect(cookie).toMatch(/^hermes_session=[^;]+;.*HttpOnly/i);
    const status = await fetch(`http://127.0.0.1:${ports.admin}/api/admin/status`, {
      headers: { cookie: cookie!.split(";")[0]! },
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ git_commit: GIT_COMMIT, database: { kind: "postgres" } });
    expect(svc.output()).not.toContain(ADMIN_PASSWORD);
  });

  it("serves the built console from the dist/admin-ui/ the image copies", async () => {
    const admin = `http://127.0.0.1:${ports.admin}`;
    const login = await fetch(`${admin}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await login.text();
    expect(html).toBe(fs.readFileSync(path.join(tmp, "app", "dist", "admin-ui", "index.html"), "utf8"));
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${admin}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it("stops gracefully on SIGTERM, after which the HEALTHCHECK fails", async () => {
    svc.proc.kill("SIGTERM");
    expect(await svc.exited).toEqual({ code: 0, signal: null });
    expect(svc.output()).toContain('"service: stopped"');
    expect(await healthcheck()).toBe(1);
  });
});
