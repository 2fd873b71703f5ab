import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARS } from "../../src/config/config.js";

const read = (p: string) => fs.readFileSync(path.resolve(p), "utf8");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("every environment variable the code reads is documented", () => {
  it("only src/config/config.ts reads process.env", () => {
    const readers = sourceFiles("src").filter((f) => /process\.env/.test(read(f)));
    expect(readers).toEqual([path.join("src", "config", "config.ts")]);
  });

  it("the config schema reads exactly ENV_VARS", () => {
    const text = read("src/config/config.ts");
    const schema = text.slice(text.indexOf("const envSchema"), text.indexOf("export type Gateway"));
    const keys = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect([...keys].sort()).toEqual([...ENV_VARS].sort());
  });

  it.each(ENV_VARS)("%s is in the README configuration table", (name) => {
    expect(read("README.md")).toMatch(new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, "m"));
  });

  it.each(ENV_VARS)("%s is in .env.example", (name) => {
    expect(read(".env.example")).toMatch(new RegExp(`^#?\\s*${name}=`, "m"));
  });

  it("the README and .env.example list no variable the code does not read", () => {
    // Compose-only variables (docker-compose.yml reads them, the service does not; test/deploy checks them).
    const composeOnly = [
      "HERMES_CONTAINER_USER",
      "HERMES_HOST_DIR",
      "HERMES_PUBLISH_ADDRESS",
      "HERMES_ADMIN_PUBLISHED_PORT",
      "HERMES_PRE_PUBLISHED_PORT",
      "HERMES_POST_PUBLISHED_PORT",
      "POSTGRES_USER",
      "POSTGRES_PASSWORD",
      "POSTGRES_DB",
      "PROMETHEUS_PUBLISHED_PORT",
      "GRAFANA_PUBLISHED_PORT",
      "GRAFANA_ADMIN_PASSWORD",
    ];
    const known = new Set<string>([...ENV_VARS, ...composeOnly, "TEST_DATABASE_URL"]);
    const readmeVars = [...read("README.md").matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!);
    const exampleVars = [...read(".env.example").matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(readmeVars.filter((v) => !known.has(v))).toEqual([]);
    expect(exampleVars.filter((v) => !known.has(v))).toEqual([]);
  });
});
