import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confineDirectory, confinePath, readConfinedFile } from "../../src/hermes/hermes-paths.js";
import { fileStatus, readJsonFile, readTextFile, readYamlFile } from "../../src/hermes/read-files.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";

let fx: FixtureRoot;
let outside: string;
let roots: string[];
beforeAll(() => {
  fx = copyFixtureRoot(["complete", "corrupt"]);
  roots = [fx.root];
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-outside-")));
  fs.writeFileSync(path.join(outside, "secret.json"), '{"token":"outside"}');
});
afterAll(() => {
  fx.cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("path confinement", () => {
  it("reads a regular file inside the roots", async () => {
    const file = await readConfinedFile(roots, path.join(fx.home, "config.yaml"));
    expect(file.status).toBe("ok");
    if (file.status === "ok") {
      expect(file.bytes.toString()).toContain("fallback_providers:");
      expect(file.mode).toBe(fs.statSync(path.join(fx.home, "config.yaml")).mode & 0o7777);
    }
  });

  it("refuses ../ out of the roots, relative paths and absolute paths elsewhere", async () => {
    const escape = path.join(fx.home, "..", "..", "..", path.relative("/", outside), "secret.json");
    expect(await confinePath(roots, escape)).toEqual({ status: "refused", reason: "outside_roots" });
    expect(await readConfinedFile(roots, `${fx.home}/../../../../../../etc/passwd`)).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
    expect(await readConfinedFile(roots, "/etc/passwd")).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
    expect(await readConfinedFile(roots, "../complete/.hermes/auth.json")).toEqual({
      status: "refused",
      reason: "invalid_path",
    });
    expect(await readConfinedFile(roots, `${fx.home}/auth.json\0.txt`)).toEqual({
      status: "refused",
      reason: "invalid_path",
    });
    // A missing file outside says nothing more than "outside".
    expect(await confinePath(roots, path.join(outside, "nope.json"))).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
    expect(await confinePath(roots, path.join(fx.home, "nope.json"))).toEqual({ status: "not_present" });
  });

  it("calls a path below a root that does not exist yet not_present (a first start before the mount)", async () => {
    const missingRoot = path.join(outside, "not-mounted");
    expect(await confinePath([missingRoot], path.join(missingRoot, ".hermes", "config.yaml"))).toEqual({
      status: "not_present",
    });
    expect(await readConfinedFile([missingRoot], path.join(outside, "secret.json"))).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
  });

  it("refuses a symlink out of the roots (file and directory), follows one that stays inside", async () => {
    const fileLink = path.join(fx.home, "linked-out.json");
    fs.symlinkSync(path.join(outside, "secret.json"), fileLink);
    expect(await readConfinedFile(roots, fileLink)).toEqual({ status: "refused", reason: "outside_roots" });
    const dirLink = path.join(fx.home, "dir-out");
    fs.symlinkSync(outside, dirLink);
    expect(await readConfinedFile(roots, path.join(dirLink, "secret.json"))).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
    expect(await confineDirectory(roots, dirLink)).toEqual({ status: "refused", reason: "outside_roots" });
    const inside = path.join(fx.home, "linked-in.yaml");
    fs.symlinkSync(path.join(fx.home, "config.yaml"), inside);
    expect((await readConfinedFile(roots, inside)).status).toBe("ok");
    // A root that is itself reached through a link still confines by real path.
    const linkedRoot = path.join(outside, "root-link");
    fs.symlinkSync(fx.root, linkedRoot);
    expect((await readConfinedFile([linkedRoot], path.join(fx.home, "config.yaml"))).status).toBe("ok");
    expect(await readConfinedFile([linkedRoot], path.join(outside, "secret.json"))).toEqual({
      status: "refused",
      reason: "outside_roots",
    });
  });

  it("refuses a FIFO without blocking, a directory, and a file over the cap", async () => {
    const fifo = path.join(fx.home, "auth.fifo");
    execFileSync("mkfifo", [fifo]);
    expect(await readConfinedFile(roots, fifo)).toEqual({ status: "refused", reason: "not_regular" });
    expect(await readConfinedFile(roots, path.join(fx.home, "memories"))).toEqual({
      status: "refused",
      reason: "not_regular",
    });
    const huge = path.join(fx.home, "huge.json");
    fs.writeFileSync(huge, Buffer.alloc(3 * 1024 * 1024, 0x20));
    expect(await readConfinedFile(roots, huge)).toEqual({ status: "refused", reason: "too_large" });
    expect(await readConfinedFile(roots, path.join(fx.home, "config.yaml"), 100)).toEqual({
      status: "refused",
      reason: "too_large",
    });
    expect(await confineDirectory(roots, path.join(fx.home, "config.yaml"))).toEqual({
      status: "refused",
      reason: "not_regular",
    });
  });

  it("refuses a file it may not read", async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const locked = path.join(fx.home, "locked.json");
    fs.writeFileSync(locked, "{}", { mode: 0o000 });
    expect(await readConfinedFile(roots, locked)).toEqual({ status: "refused", reason: "unreadable" });
  });
});

describe("tolerant readers", () => {
  it("parse JSON and YAML, and say not_present for a missing file", async () => {
    const auth = await readJsonFile(roots, path.join(fx.home, "auth.json"));
    expect(auth.status).toBe("ok");
    const config = await readYamlFile(roots, path.join(fx.home, "config.yaml"));
    expect(
      config.status === "ok" && (config.value.value as { _config_version: number })._config_version,
    ).toBe(33);
    expect(await readTextFile(roots, path.join(fx.home, "missing.txt"))).toEqual({
      status: "not_present",
      path: path.join(fx.home, "missing.txt"),
    });
  });

  it("call corrupt files corrupt without quoting them (they hold secrets)", async () => {
    const home = fx.homeOf("corrupt");
    const auth = await readJsonFile(roots, path.join(home, "auth.json"));
    expect(auth).toMatchObject({ status: "corrupt", reason: "not valid JSON" });
    const config = await readYamlFile(roots, path.join(home, "config.yaml"));
    expect(config.status).toBe("corrupt");
    expect(config.status === "corrupt" && config.reason).toMatch(/^not valid YAML/);
    const empty = await readJsonFile(roots, path.join(fx.root, "corrupt/.gemini/oauth_creds.json"));
    expect(empty).toMatchObject({ status: "corrupt" });
    for (const read of [auth, config, empty]) {
      expectNoPlantedSecrets(JSON.stringify(fileStatus(read)), "fileStatus");
      expectNoPlantedSecrets(JSON.stringify(read), "the read result");
    }
  });
});
