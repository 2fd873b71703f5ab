/**
 * `npm start` reads ./.env when it exists, under the real environment: the merge itself, and the built service
 * started as a process in a directory holding a .env.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, runtimeEnvironment } from "../../src/config/config.js";
import { spawnService } from "../harness/spawn-service.js";
import { createTestDatabase } from "../harness/test-database.js";

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-dotenv-"));
  dirs.push(dir);
  return dir;
};
const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

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

describe("runtimeEnvironment", () => {
  it("puts the real environment over the file, even an empty value, and names what came from the file", () => {
    const file = path.join(tmp(), ".env");
    fs.writeFileSync(
      file,
      [
        "# a comment",
        "HERMES_ADMIN_PORT=7001",
        'HERMES_ADMIN_USERNAME="ops admin"',
        "export LOG_LEVEL=debug",
        "HERMES_TRUST_PROXY=true",
        "NOT_OURS=1",
        "",
      ].join("\n"),
    );
    process.env.LOG_LEVEL = "warn";
    process.env.HERMES_TRUST_PROXY = "";
    delete process.env.HERMES_ADMIN_PORT;
    delete process.env.HERMES_ADMIN_USERNAME;
    const { env, fromFile } = runtimeEnvironment(file);
    const config = loadConfig(env);
    expect(config.http.adminPort).toBe(7001);
    expect(config.admin.username).toBe("ops admin");
    expect(config.log.level).toBe("warn");
    // Set empty in the real environment: unset, not the file's true.
    expect(config.http.trustProxy).toBe(false);
    expect(fromFile.sort()).toEqual(["HERMES_ADMIN_PORT", "HERMES_ADMIN_USERNAME"]);
    // Nothing is written into the process environment.
    expect(process.env.HERMES_ADMIN_PORT).toBeUndefined();
  });

  it("without a file is the process environment as it is; an unreadable one stops with one line", () => {
    const dir = tmp();
    expect(runtimeEnvironment(path.join(dir, ".env"))).toEqual({ env: process.env, fromFile: [] });
    fs.mkdirSync(path.join(dir, "dir.env"));
    expect(() => runtimeEnvironment(path.join(dir, "dir.env"))).toThrow(ConfigError);
    expect(() => runtimeEnvironment(path.join(dir, "dir.env"))).toThrow(
      /dir\.env: cannot be read \(EISDIR\)/,
    );
  });
});

describe("the service started in a directory with a .env", () => {
  it("takes its settings from ./.env, and the real environment wins over it", async () => {
    const cwd = tmp();
    const db = await createTestDatabase("dotenv");
    const [fromFile, fromEnv, pre, post] = await freePorts(4);
    fs.writeFileSync(
      path.join(cwd, ".env"),
      [
        `DATABASE_URL=${db.url}`,
        `HERMES_ADMIN_PORT=${fromFile}`,
        `HERMES_PRE_AI_API_PORT=${pre}`,
        `HERMES_POST_AI_API_PORT=${post}`,
        "HERMES_ADMIN_PASSWORD=a-password-from-the-dotenv-file",
        "HERMES_DATA_DIR=./state",
        "",
      ].join("\n"),
    );
    const svc = spawnService({ HERMES_ADMIN_PORT: String(fromEnv) }, { cwd });
    try {
      await svc.waitFor(/"service: listening"/);
      expect(svc.output()).toMatch(/"config: read \.env"/);
      expect(svc.output()).not.toContain("a-password-from-the-dotenv-file");
      expect(svc.output()).not.toContain("embedded PostgreSQL");
      expect(fs.existsSync(path.join(cwd, "state"))).toBe(true);
      for (const port of [fromEnv, pre, post]) {
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      }
      await expect(fetch(`http://127.0.0.1:${fromFile}/healthz`)).rejects.toThrow();
      const login = await fetch(`http://127.0.0.1:${fromEnv}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "a-password-from-the-dotenv-file" }),
      });
      expect(login.status).toBe(200);
      svc.proc.kill("SIGTERM");
      expect(await svc.exited).toEqual({ code: 0, signal: null });
    } finally {
      svc.proc.kill("SIGKILL");
      await db.drop();
    }
  });
});
