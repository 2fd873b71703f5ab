import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors/app-error.js";
import {
  activeProfile,
  listProfiles,
  resolveProfile,
  tenantHermesHome,
  validateHermesHome,
} from "../../src/hermes/hermes-home.js";
import { copyFixtureRoot, snapshotTree, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";

let fx: FixtureRoot;
let outside: string;
beforeAll(() => {
  fx = copyFixtureRoot(["profiles", "complete", "empty"]);
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-outside-")));
});
afterAll(() => {
  fx.cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("Hermes home and profiles", () => {
  it("the default tenant falls back to HERMES_HOME, other tenants have none unless set", () => {
    const settings = { defaultHome: "/home/hermes/.hermes", stateRoots: ["/home/hermes"] };
    expect(tenantHermesHome({ id: "default", hermesHome: null }, "default", settings)).toBe(
      "/home/hermes/.hermes",
    );
    expect(tenantHermesHome({ id: "acme", hermesHome: null }, "default", settings)).toBeNull();
    expect(tenantHermesHome({ id: "acme", hermesHome: "/srv/acme" }, "default", settings)).toBe("/srv/acme");
  });

  it("lists default first, then valid profile directories, with the active one marked", async () => {
    const before = snapshotTree(fx.root);
    const roots = [fx.root];
    expect(await activeProfile(roots, fx.home)).toBe("work");
    const profiles = await listProfiles(roots, fx.home);
    expect(profiles.map((p) => [p.name, p.active, p.has_config])).toEqual([
      ["default", false, true],
      ["home-lab", false, true],
      ["work", true, true],
    ]);
    expect(profiles.find((p) => p.name === "work")!.description).toBe("Work profile");
    expect(await activeProfile(roots, fx.homeOf("complete"))).toBe("default");
    expect((await listProfiles(roots, fx.homeOf("empty"))).map((p) => p.name)).toEqual(["default"]);
    expect(snapshotTree(fx.root)).toEqual(before);
  });

  it("resolves the asked or active profile; 400 for a bad name, 404 for a missing or escaping one", async () => {
    const roots = [fx.root];
    expect(await resolveProfile(roots, fx.home, undefined)).toEqual({
      name: "work",
      dir: path.join(fx.home, "profiles", "work"),
      active: true,
    });
    expect((await resolveProfile(roots, fx.home, "default")).dir).toBe(fx.home);
    await expect(resolveProfile(roots, fx.home, "../../etc")).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(resolveProfile(roots, fx.home, "Not A Valid Name")).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(resolveProfile(roots, fx.home, "nope")).rejects.toMatchObject({ code: "not_found" });
    fs.symlinkSync(outside, path.join(fx.home, "profiles", "escape"));
    await expect(resolveProfile(roots, fx.home, "escape")).rejects.toBeInstanceOf(AppError);
    expect((await listProfiles(roots, fx.home)).map((p) => p.name)).not.toContain("escape");
  });

  it("accepts a hermes_home only as an existing directory whose real path is inside the roots", async () => {
    const roots = [fx.root];
    expect(await validateHermesHome(roots, `${fx.homeOf("complete")}/`)).toBe(fx.homeOf("complete"));
    expect(await validateHermesHome(roots, `${fx.root}/empty/../complete/.hermes`)).toBe(
      fx.homeOf("complete"),
    );
    const reasons = async (value: string) =>
      validateHermesHome(roots, value).then(
        () => "accepted",
        (err: AppError) => err.message,
      );
    expect(await reasons("relative/.hermes")).toBe("hermes_home: must be an absolute path");
    expect(await reasons("/etc")).toBe(
      "hermes_home: must lie inside HERMES_STATE_ROOTS (after resolving symlinks)",
    );
    expect(await reasons(`${fx.root}/../../etc`)).toMatch(/must lie inside HERMES_STATE_ROOTS/);
    const link = path.join(fx.root, "link-out");
    fs.symlinkSync(outside, link);
    expect(await reasons(link)).toMatch(/must lie inside HERMES_STATE_ROOTS/);
    expect(await reasons(path.join(fx.root, "missing"))).toBe("hermes_home: must be an existing directory");
    expect(await reasons(path.join(fx.home, "config.yaml"))).toBe("hermes_home: must be a directory");
  });
});
