import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeSecrets } from "../../src/hermes/home-secrets.js";
import { whyNotRunnable } from "../../src/hermes/proxy-binary.js";
import { createHermesProxy, type HermesProxy } from "../../src/hermes/proxy-supervisor.js";
import { captureLogs } from "../harness/log-capture.js";
import { copyFakeHermes, isAlive } from "../fixtures/fake-hermes/fake-hermes.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";

let fx: FixtureRoot;
let fake: ReturnType<typeof copyFakeHermes>;
const started: HermesProxy[] = [];
beforeAll(() => {
  fx = copyFixtureRoot(["complete"]);
  fake = copyFakeHermes();
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  fx.cleanup();
  fake.cleanup();
});

function proxy(overrides: Partial<Parameters<typeof createHermesProxy>[0]> = {}) {
  const logs = captureLogs();
  const p = createHermesProxy({
    gateway: "pre",
    provider: "nous",
    bin: fake.bin,
    hermesHome: fx.home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    logger: logs.logger,
    backoffMs: { initial: 100, max: 400 },
    stopGraceMs: 1_000,
    knownSecrets: () => homeSecrets([fx.root], fx.home),
    ...overrides,
  });
  started.push(p);
  return { p, logs };
}

describe("whyNotRunnable", () => {
  it("accepts the fake (a script with an interpreter) and names what is wrong with the others", async () => {
    expect(await whyNotRunnable(fake.bin)).toBeNull();
    expect(await whyNotRunnable(path.join(fake.dir, "missing"))).toMatch(/does not exist$/);
    const write = (name: string, bytes: Buffer | string, mode = 0o755) => {
      const f = path.join(fake.dir, name);
      fs.writeFileSync(f, bytes, { mode });
      return f;
    };
    expect(await whyNotRunnable(write("macho", Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0])))).toMatch(
      /is a macOS \(Mach-O\) executable, which cannot run on linux$/,
    );
    expect(await whyNotRunnable(write("win", "MZ\x90\x00"))).toMatch(/is a Windows executable$/);
    const elf = Buffer.alloc(64);
    elf.write("\x7fELF", 0, "latin1");
    elf.writeUInt16LE(process.arch === "x64" ? 0xb7 : 0x3e, 18);
    expect(await whyNotRunnable(write("elf-other-cpu", elf))).toMatch(/is built for another CPU/);
    expect(await whyNotRunnable(write("venv-script", "#!/nonexistent/venv/bin/python3\nprint(1)\n"))).toMatch(
      /interpreter \/nonexistent\/venv\/bin\/python3 does not exist/,
    );
    if (process.getuid?.() !== 0) {
      expect(await whyNotRunnable(write("not-exec", "#!/bin/sh\n", 0o644))).toMatch(/is not executable/);
    }
  });
});

describe("a supervised hermes proxy", () => {
  it("starts, serves, keeps its output redacted, restarts after a crash, and stops", async () => {
    const { p, logs } = proxy();
    await p.start();
    await expect.poll(() => p.status().state, { timeout: 15_000 }).toBe("running");
    const first = p.status();
    expect(first).toMatchObject({ gateway: "pre", provider: "nous", restarts: 0, error: null });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(p.upstreamUrl()).toBe(first.url);
    const health = await fetch(first.url!.replace(/\/v1$/, "/health"));
    expect(await health.json()).toEqual({ status: "ok", upstream: "Fake nous", authenticated: true });
    // The fake prints its token three ways; none of them survives.
    await expect.poll(() => p.output().length).toBeGreaterThanOrEqual(4);
    const output = JSON.stringify(p.output());
    expectNoPlantedSecrets(output, "proxy output");
    expect(output).toContain("access_token=[redacted]");

    process.kill(first.pid!, "SIGKILL");
    await expect.poll(() => p.status().restarts, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => p.status().state, { timeout: 15_000 }).toBe("running");
    const second = p.status();
    expect(second.pid).not.toBe(first.pid);
    expect(second.last_exit).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(second.url).toBe(first.url); // the same port again when it is free

    await p.stop();
    expect(isAlive(second.pid!)).toBe(false);
    expect(p.status().state).toBe("stopped");
    expect(p.upstreamUrl()).toBeNull();
    expectNoPlantedSecrets(logs.text(), "supervisor logs");
  });

  it("backs off between restarts of a proxy that keeps exiting", async () => {
    fs.writeFileSync(
      path.join(fx.home, "fake-hermes.json"),
      JSON.stringify({ exitAfterMs: 50, exitCode: 3 }),
    );
    try {
      const { p, logs } = proxy({ gateway: "post" });
      await p.start();
      await expect.poll(() => p.status().restarts, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      // 100 ms, doubling each time, capped at 400 ms.
      const delays = logs
        .lines()
        .filter((l) => l.msg === "hermes proxy (post): exited; restarting")
        .map((l) => l.restartInMs);
      expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400]);
      const s = p.status();
      expect(s.last_exit).toMatchObject({ code: 3 });
      expect(["restarting", "starting"]).toContain(s.state);
      await p.stop();
      expect(p.status().state).toBe("stopped");
    } finally {
      fs.rmSync(path.join(fx.home, "fake-hermes.json"));
    }
  });

  it("kills a proxy that ignores SIGTERM after the grace period", async () => {
    fs.writeFileSync(path.join(fx.home, "fake-hermes.json"), JSON.stringify({ ignoreSigterm: true }));
    try {
      const { p } = proxy({ stopGraceMs: 300 });
      await p.start();
      await expect.poll(() => p.status().state, { timeout: 15_000 }).toBe("running");
      const pid = p.status().pid!;
      await p.stop();
      expect(isAlive(pid)).toBe(false);
      expect(p.status().last_exit?.signal).toBe("SIGKILL");
    } finally {
      fs.rmSync(path.join(fx.home, "fake-hermes.json"));
    }
  });

  it("reports a binary that cannot run in one log line and stays unavailable", async () => {
    const { p, logs } = proxy({ bin: path.join(fake.dir, "no-such-hermes") });
    await p.start();
    expect(p.status()).toMatchObject({ state: "unavailable", pid: null, url: null });
    expect(p.status().error).toMatch(/no-such-hermes does not exist$/);
    expect(p.upstreamUrl()).toBeNull();
    const lines = logs.lines().filter((l) => String(l.msg).startsWith("hermes proxy (pre)"));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toMatch(
      /does not exist; the default tenant's pre gateway answers 502 upstream_not_configured$/,
    );
    await p.stop();
    expect(p.status().state).toBe("unavailable");
  });
});
