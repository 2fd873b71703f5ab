import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnService } from "../harness/spawn-service.js";

describe("the service as a process", () => {
  // The one test that uses the default ports: it proves a start with no environment at all.
  it("starts on the embedded database with no environment, serves health on all three ports, stops on SIGTERM", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-noenv-"));
    const svc = spawnService({}, { cwd });
    try {
      await svc.waitFor(/"service: listening"/);
      expect(svc.output()).toContain("embedded PostgreSQL (PGlite)");
      expect(fs.existsSync(path.join(cwd, "data", "pglite"))).toBe(true);
      for (const port of [7843, 8645, 8646]) {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: "ok" });
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
        expect(ready.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{24}$/);
      }
      svc.proc.kill("SIGTERM");
      expect(await svc.exited).toEqual({ code: 0, signal: null });
      expect(svc.output()).toContain('"service: stopped"');
    } finally {
      svc.proc.kill("SIGKILL");
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("refuses to start on a bad port with one line naming the variable", async () => {
    const svc = spawnService({ HERMES_ADMIN_PORT: "abc" });
    const { code } = await svc.exited;
    expect(code).not.toBe(0);
    expect(svc.output().trim().split("\n")).toEqual([
      "hermes-control-plane: invalid configuration: HERMES_ADMIN_PORT: must be a port number",
    ]);
  });

  it("refuses to start with a short admin password and does not print it", async () => {
    const svc = spawnService({ HERMES_ADMIN_PASSWORD: "only-15-chars!!" });
    const { code } = await svc.exited;
    expect(code).not.toBe(0);
    expect(svc.output()).toContain("HERMES_ADMIN_PASSWORD: must be at least 16 characters");
    expect(svc.output()).not.toContain("only-15-chars!!");
  });

  it("fails fast with a clear message when DATABASE_URL points at a closed port", async () => {
    const svc = spawnService({ DATABASE_URL: "postgres://postgres:hunter2hunter2@127.0.0.1:1/nothing" });
    const { code } = await svc.exited;
    expect(code).not.toBe(0);
    expect(svc.output()).toMatch(/hermes-control-plane: failed to start: .*ECONNREFUSED/);
    expect(svc.output()).not.toContain("hunter2hunter2");
  });
});
