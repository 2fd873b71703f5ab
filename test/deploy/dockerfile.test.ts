/**
 * @module Lints the Dockerfile with a small set of hadolint-style rules (no Docker engine or hadolint here), checks
 * .dockerignore, and that the production start command is the one the README and package.json document.
 */
import { describe, expect, it } from "vitest";
import { ENV_VARS } from "../../src/config/config.js";
import { execForm, parseDockerfile, parseHealthcheck, read, stageEnv, type Stage } from "./deploy-files.js";

const dockerfile = parseDockerfile(read("Dockerfile"));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const build = stage("build");
const prodDeps = stage("prod-deps");
const runtime = dockerfile.stages.at(-1)!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const runs = (stage: Stage) => all(stage, "RUN").map((i) => i.args);
const COMPILER = /\b(python3|make|g\+\+|gcc|build-essential)\b/;

describe("Dockerfile", () => {
  it("builds on a toolchain stage and ends in a runtime stage on the same pinned Node 20 Debian slim base", () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(["toolchain", "build", "prod-deps", "runtime"]);
    for (const s of [stage("toolchain"), runtime]) {
      // DL3006/DL3007: an explicit tag, never latest; we also want at least major.minor and Debian slim.
      expect(s.from).toMatch(/^node:20\.\d+(\.\d+)?-bookworm-slim$/);
      expect(s.from).not.toMatch(/latest/);
    }
    expect(stage("toolchain").from).toBe(runtime.from);
    expect(build.from).toBe("toolchain");
    expect(prodDeps.from).toBe("toolchain");
  });

  it("compiles native modules (better-sqlite3 from source when no prebuilt binary can be fetched) outside the runtime", () => {
    expect(runs(stage("toolchain")).join("\n")).toMatch(
      /apt-get install -y --no-install-recommends python3 make g\+\+/,
    );
    // The runtime installs no compiler and runs no npm install: it gets node_modules compiled in prod-deps.
    for (const run of runs(runtime)) {
      expect(run).not.toMatch(COMPILER);
      expect(run).not.toMatch(/\bnpm\b/);
    }
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    // 13.x crashes on Node 20; its install falls back to node-gyp, which the toolchain stage makes possible.
    expect(pkg.dependencies["better-sqlite3"]).toMatch(/^~12\./);
  });

  it("installs with npm ci: all dependencies to build, production ones only for the runtime", () => {
    const allRuns = dockerfile.stages.flatMap(runs).join("\n");
    expect(allRuns).not.toMatch(/\bnpm (install|i)\b/); // reproducible installs from the lockfile only
    expect(runs(build)).toContainEqual(expect.stringMatching(/^npm ci\b/));
    expect(runs(build).join("\n")).toMatch(/\bnpm run build\b/);
    expect(runs(prodDeps).find((r) => /\bnpm ci\b/.test(r))).toMatch(/npm ci --omit=dev\b/);
    // node_modules come from prod-deps only, never from the build stage (which holds the dev dependencies).
    const copies = all(runtime, "COPY").map((i) => i.args);
    expect(copies.filter((c) => c.includes("node_modules"))).toEqual([
      "--from=prod-deps /app/node_modules ./node_modules",
    ]);
    // dist/ holds the compiled server and the built console (dist/admin-ui/); the console's sources stay behind.
    expect(copies).toContain("--from=build /app/dist ./dist");
    expect(copies.filter((c) => c.includes("admin-ui"))).toEqual([]);
    expect(copies).toContain("package.json package-lock.json ./");
  });

  it("installs apt packages hadolint's way: update and install in one RUN, -y, no recommends, lists removed", () => {
    for (const run of dockerfile.stages.flatMap(runs)) {
      expect(run).not.toMatch(/\bapt (install|update|upgrade)\b/); // DL3027: apt-get, not apt
      expect(run).not.toMatch(/\bsudo\b/); // DL3004
      expect(run).not.toMatch(/(^|&&|;)\s*cd\s/); // DL3003: WORKDIR, not cd
      if (!/apt-get install/.test(run)) continue;
      expect(run).toMatch(/apt-get update/); // DL3009-style: never a stale index layer
      expect(run).toMatch(/apt-get install -y --no-install-recommends/); // DL3014, DL3015
      expect(run).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/); // DL3009
      expect(run).not.toMatch(/apt-get upgrade|dist-upgrade/); // DL3005
    }
  });

  it("uses only absolute WORKDIRs, COPY rather than ADD, and no deprecated MAINTAINER", () => {
    for (const stage of dockerfile.stages) {
      for (const w of all(stage, "WORKDIR")) expect(w.args).toMatch(/^\//); // DL3000
      expect(all(stage, "ADD")).toEqual([]); // DL3020
      expect(all(stage, "MAINTAINER")).toEqual([]); // DL4000
    }
  });

  it("runs as a non-root user with home /home/hermes, tini as PID 1, exec-form ENTRYPOINT and CMD", () => {
    const users = all(runtime, "USER").map((i) => i.args);
    expect(users.at(-1)).toBe("hermes"); // DL3002: the last USER is not root
    expect(runs(runtime).join("\n")).toMatch(/usermod --login hermes --home \/home\/hermes/);
    for (const keyword of ["CMD", "ENTRYPOINT", "HEALTHCHECK"]) expect(all(runtime, keyword)).toHaveLength(1); // DL4003/4
    expect(execForm(all(runtime, "ENTRYPOINT")[0]!.args)).toEqual(["/usr/bin/tini", "--"]); // DL3025
    expect(runs(runtime).join("\n")).toMatch(/apt-get install [^&]*\btini\b/);
    expect(execForm(all(runtime, "CMD")[0]!.args)).not.toBeNull(); // DL3025: signals reach node, no sh -c
    const stop = all(runtime, "STOPSIGNAL").map((i) => i.args);
    expect(stop.length === 0 || stop.at(-1) === "SIGTERM").toBe(true);
  });

  it("exposes exactly the three listeners and keeps /data on a volume", () => {
    expect(
      all(runtime, "EXPOSE")
        .flatMap((i) => i.args.split(/\s+/))
        .sort(),
    ).toEqual(["7843", "8645", "8646"]);
    const volumes = all(runtime, "VOLUME").map((i) => execForm(i.args) ?? i.args.split(/\s+/));
    expect(volumes.flat()).toEqual(["/data"]);
  });

  it("sets the production environment, and every variable it sets is one the service reads", () => {
    const env = stageEnv(runtime, { GIT_COMMIT: "abc1234" });
    expect(env).toMatchObject({
      NODE_ENV: "production",
      HOME: "/home/hermes",
      HERMES_BIND_HOST: "0.0.0.0",
      HERMES_ADMIN_PORT: "7843",
      HERMES_PRE_AI_API_PORT: "8645",
      HERMES_POST_AI_API_PORT: "8646",
      HERMES_DATA_DIR: "/data",
      HERMES_GIT_COMMIT: "abc1234",
    });
    expect(stageEnv(runtime).HERMES_GIT_COMMIT).toBe("unknown");
    const known = new Set<string>([...ENV_VARS, "NODE_ENV", "HOME"]);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });

  it("has a HEALTHCHECK on /readyz of the three ports, in exec form, with node and no curl or wget", () => {
    const { options, command } = parseHealthcheck(all(runtime, "HEALTHCHECK")[0]!.args);
    expect(command?.slice(0, 2)).toEqual(["node", "-e"]);
    const script = command![2]!;
    expect(script).toContain("/readyz");
    for (const v of ["HERMES_ADMIN_PORT", "HERMES_PRE_AI_API_PORT", "HERMES_POST_AI_API_PORT"])
      expect(script).toContain(v);
    expect(all(runtime, "HEALTHCHECK")[0]!.args).not.toMatch(/\b(curl|wget)\b/);
    // The start period covers migrations on a cold database; the timeout is longer than the script's own abort.
    expect(Object.keys(options).sort()).toEqual(["interval", "retries", "start-period", "timeout"]);
  });

  it("starts with the production start command the README documents and `npm start` runs", () => {
    const cmd = execForm(all(runtime, "CMD")[0]!.args)!.join(" ");
    expect(cmd).toBe("node dist/src/main.js");
    const readme = read("README.md");
    const documented = [...readme.matchAll(/production start command[^`]*`([^`]+)`/gi)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(0);
    expect(new Set(documented)).toEqual(new Set([cmd]));
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    // `exec` makes the service replace npm's shell, so npm's forwarded SIGTERM reaches it (test/deploy/npm-start).
    expect(pkg.scripts.start!.split("&&").at(-1)!.trim()).toBe(`exec ${cmd}`);
  });
});

describe(".dockerignore", () => {
  const patterns = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  // Docker's rules: later patterns win, `!` re-includes; a pattern matching a directory excludes its contents.
  const toRegex = (p: string) =>
    new RegExp(
      "^" +
        p
          .replace(/^\//, "")
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .split("**")
          .map((part) => part.replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]"))
          .join(".*") +
        "(/.*)?$",
    );
  const ignored = (file: string) => {
    let result = false;
    for (const p of patterns) {
      const negate = p.startsWith("!");
      if (toRegex(negate ? p.slice(1) : p).test(file)) result = !negate;
    }
    return result;
  };

  it("keeps secrets, local state and host builds out of the build context", () => {
    for (const f of [
      ".git/HEAD",
      ".env",
      ".env.production",
      "node_modules/pg/package.json",
      "dist/src/main.js",
    ])
      expect(ignored(f), f).toBe(true);
    for (const f of ["data/pglite/PG_VERSION", "test-results/ci-test.log", "server.log"])
      expect(ignored(f), f).toBe(true);
  });

  it("sends everything the build stage compiles and the runtime stage copies", () => {
    const tsconfig = JSON.parse(read("tsconfig.json")) as { include: string[] };
    const needed = [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "src/main.ts",
      "src/config/config.ts",
      "migrations/index.ts",
      "admin-ui/index.html",
      "admin-ui/vite.config.ts",
      "admin-ui/src/main.tsx",
      ...tsconfig.include.map((g) => g.replace("**/", "").replace("*.ts", "x.ts")),
    ];
    for (const f of needed) expect(ignored(f), f).toBe(false);
  });
});
