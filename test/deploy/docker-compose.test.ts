/**
 * @module Static checks of docker-compose.yml (no Docker engine here): it parses, resolves with the example
 * variables through Compose's interpolation, and wires services, ports, healthchecks, volumes and variables right.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ENV_VARS, loadConfig } from "../../src/config/config.js";
import {
  COMPOSE_ONLY_VARS,
  InterpolationError,
  composeVariables,
  durationMs,
  parseDockerfile,
  parseDotenv,
  read,
  resolveCompose,
  stageEnv,
} from "./deploy-files.js";

const text = read("docker-compose.yml");
const example = parseDotenv(read(".env.example"));
/** The two values an operator must supply; .env.example leaves them empty on purpose (no deployable placeholder). */
const REQUIRED = { POSTGRES_PASSWORD: "d4f1c2b3a4958677", HERMES_ADMIN_PASSWORD: "an-admin-password-of-24c" };
const resolved = resolveCompose(text, { ...example, ...REQUIRED });
const cp = resolved.services["control-plane"]!;
const pg = resolved.services.postgres!;
const imageEnv = stageEnv(parseDockerfile(read("Dockerfile")).stages.at(-1)!);

describe("docker-compose.yml", () => {
  it("interpolates like Compose: defaults, required values, $$ escapes", () => {
    expect(resolveCompose("a: ${X:-d}-${Y-e}-${Z:+p}-$$V-${W}", { Y: "", Z: "1" })).toEqual({
      a: "d--p-$V-",
    });
    expect(() => resolveCompose("a: ${X:?say X}", { X: "" })).toThrow(InterpolationError);
    expect(resolveCompose("a: ${X?say X}", { X: "" })).toEqual({ a: "" });
  });

  it("has the control-plane and postgres services, Prometheus and Grafana only in the observability profile, and no env_file", () => {
    expect(Object.keys(resolved).sort()).toEqual(["services", "volumes"]);
    expect(Object.keys(resolved.services).sort()).toEqual([
      "control-plane",
      "grafana",
      "postgres",
      "prometheus",
    ]);
    const profiled = Object.entries(resolved.services).filter(([, s]) => s.profiles !== undefined);
    expect(Object.fromEntries(profiled.map(([name, s]) => [name, s.profiles]))).toEqual({
      prometheus: ["observability"],
      grafana: ["observability"],
    });
    for (const service of Object.values(resolved.services)) expect(service).not.toHaveProperty("env_file");
  });

  it("provisions Prometheus (scrape config, alert rules, the metrics token) and Grafana (datasource, dashboard)", () => {
    const prom = resolved.services.prometheus!;
    const grafana = resolved.services.grafana!;
    const mounts = (s: typeof prom) =>
      Object.fromEntries(s.volumes!.map((v) => [v.split(":")[1]!, v.split(":")[0]!]));
    const pm = mounts(prom);
    expect(pm["/etc/prometheus/prometheus.yml"]).toBe("./deploy/prometheus/prometheus.yml");
    expect(pm["/etc/prometheus/alerts.yml"]).toBe("./deploy/prometheus/alerts.yml");
    const gm = mounts(grafana);
    expect(gm["/etc/grafana/provisioning"]).toBe("./deploy/grafana/provisioning");
    expect(gm["/var/lib/grafana/dashboards/hermes-control-plane.json"]).toBe(
      "./deploy/grafana/hermes-control-plane.json",
    );
    for (const host of [...Object.values(pm), ...Object.values(gm)].filter((h) => h.startsWith("./")))
      expect(fs.existsSync(host), host).toBe(true);
    // Prometheus scrapes the control plane's admin port with the same token the control plane requires.
    const promConfig = parseYaml(read("deploy/prometheus/prometheus.yml")) as {
      rule_files: string[];
      scrape_configs: {
        metrics_path: string;
        authorization: { credentials_file: string };
        static_configs: { targets: string[] }[];
      }[];
    };
    const job = promConfig.scrape_configs[0]!;
    expect(job.metrics_path).toBe("/metrics");
    expect(job.static_configs[0]!.targets).toEqual([`control-plane:${imageEnv.HERMES_ADMIN_PORT}`]);
    expect(promConfig.rule_files).toEqual(["/etc/prometheus/alerts.yml"]);
    const withToken = resolveCompose(text, { ...REQUIRED, HERMES_METRICS_TOKEN: "a-metrics-token-0123" });
    expect(withToken.services.prometheus!.environment).toEqual({
      HERMES_METRICS_TOKEN: "a-metrics-token-0123",
    });
    expect(withToken.services["control-plane"]!.environment!.HERMES_METRICS_TOKEN).toBe(
      "a-metrics-token-0123",
    );
    expect(prom.entrypoint!.join(" ")).toContain(job.authorization.credentials_file);
    // Prometheus is published on loopback only; Grafana where the gateways are.
    expect(prom.ports).toEqual(["127.0.0.1:9090:9090"]);
    expect(grafana.ports).toEqual(["0.0.0.0:3000:3000"]);
    const ds = parseYaml(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as {
      datasources: { type: string; url: string }[];
    };
    expect(ds.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const dashboards = parseYaml(read("deploy/grafana/provisioning/dashboards/hermes.yml")) as {
      providers: { options: { path: string } }[];
    };
    expect(dashboards.providers[0]!.options.path).toBe("/var/lib/grafana/dashboards");
    expect(Object.keys(resolved.volumes!).sort()).toEqual([
      "grafana-data",
      "hermes-data",
      "postgres-data",
      "prometheus-data",
    ]);
  });

  it("requires exactly POSTGRES_PASSWORD and HERMES_ADMIN_PASSWORD, and resolves with only those set", () => {
    expect([...composeVariables(text).required].sort()).toEqual(Object.keys(REQUIRED).sort());
    expect(() => resolveCompose(text, {})).toThrow(/POSTGRES_PASSWORD/);
    expect(() => resolveCompose(text, { POSTGRES_PASSWORD: "x" })).toThrow(/HERMES_ADMIN_PASSWORD/);
    expect(() => resolveCompose(text, REQUIRED)).not.toThrow();
    // .env.example leaves both empty, so a copied .env stops with a message instead of deploying a placeholder.
    for (const name of Object.keys(REQUIRED)) expect(example[name]).toBe("");
    expect(() => resolveCompose(text, example)).toThrow(InterpolationError);
  });

  it("builds the control plane from this repository, rebuilding on every up, with the git commit as build arg", () => {
    expect(cp.build).toMatchObject({ context: ".", dockerfile: "Dockerfile" });
    expect(fs.existsSync(cp.build!.dockerfile!)).toBe(true);
    expect(cp.build!.args).toEqual({ GIT_COMMIT: "unknown" });
    expect(
      resolveCompose(text, { ...REQUIRED, HERMES_GIT_COMMIT: "abc123" }).services["control-plane"]!.build!
        .args,
    ).toEqual({ GIT_COMMIT: "abc123" });
    expect(cp.pull_policy).toBe("build");
    expect(cp.image).toBeUndefined();
  });

  it("publishes the three listeners on configurable host ports, and never PostgreSQL", () => {
    expect(cp.ports).toEqual(["0.0.0.0:7843:7843", "0.0.0.0:8645:8645", "0.0.0.0:8646:8646"]);
    const custom = resolveCompose(text, {
      ...REQUIRED,
      HERMES_PUBLISH_ADDRESS: "127.0.0.1",
      HERMES_ADMIN_PUBLISHED_PORT: "17843",
      HERMES_PRE_PUBLISHED_PORT: "18645",
      HERMES_POST_PUBLISHED_PORT: "18646",
    }).services["control-plane"]!;
    expect(custom.ports).toEqual(["127.0.0.1:17843:7843", "127.0.0.1:18645:8645", "127.0.0.1:18646:8646"]);
    // The container side matches the ports the image listens on and exposes.
    expect(cp.ports!.map((p) => p.split(":").at(-1))).toEqual([
      imageEnv.HERMES_ADMIN_PORT,
      imageEnv.HERMES_PRE_AI_API_PORT,
      imageEnv.HERMES_POST_AI_API_PORT,
    ]);
    expect(pg.ports).toBeUndefined();
    expect(pg.expose).toBeUndefined();
  });

  it("starts the control plane after PostgreSQL is healthy, restarts both, and outlasts the shutdown grace", () => {
    expect(cp.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(cp.restart).toBe("unless-stopped");
    expect(pg.restart).toBe("unless-stopped");
    const grace = loadConfig({}).shutdownGraceMs;
    expect(durationMs(cp.stop_grace_period!)).toBeGreaterThanOrEqual(grace + 10_000);
    expect(pg.healthcheck!.test[0]).toBe("CMD-SHELL");
    expect(pg.healthcheck!.test[1]).toMatch(/^pg_isready /);
    // $$ keeps the variables for the container's shell, where the postgres image has them set.
    expect(pg.healthcheck!.test[1]).toContain("${POSTGRES_USER}");
  });

  it("runs the control plane as 0:0 by default and as HERMES_CONTAINER_USER when set", () => {
    expect(cp.user).toBe("0:0");
    const as1000 = resolveCompose(text, { ...REQUIRED, HERMES_CONTAINER_USER: "1000:1000" });
    expect(as1000.services["control-plane"]!.user).toBe("1000:1000");
  });

  it("uses the official PostgreSQL image, a pinned major version, on a named volume", () => {
    expect(pg.image).toMatch(/^postgres:(15|16)(-bookworm)?$/);
    expect(pg.volumes).toEqual(["postgres-data:/var/lib/postgresql/data"]);
    expect(pg.environment).toEqual({
      POSTGRES_USER: "hermes",
      POSTGRES_PASSWORD: REQUIRED.POSTGRES_PASSWORD,
      POSTGRES_DB: "hermes",
    });
  });

  it("bind-mounts the Hermes state from /opt/hermes-control-plane, read-only where the control plane only reads", () => {
    expect(cp.volumes).toEqual([
      "hermes-data:/data",
      "/opt/hermes-control-plane/hermes:/home/hermes/.hermes",
      "/opt/hermes-control-plane/codex:/home/hermes/.codex:ro",
      "/opt/hermes-control-plane/claude:/home/hermes/.claude:ro",
      "/opt/hermes-control-plane/gemini:/home/hermes/.gemini:ro",
    ]);
    expect(imageEnv.HOME).toBe("/home/hermes");
    expect(imageEnv.HERMES_DATA_DIR).toBe("/data");
    const moved = resolveCompose(text, { ...REQUIRED, HERMES_HOST_DIR: "/srv/hcp" }).services[
      "control-plane"
    ]!;
    expect(moved.volumes![1]).toBe("/srv/hcp/hermes:/home/hermes/.hermes");
  });

  it("passes every service variable through, except the ones the image fixes, and nothing unknown", () => {
    const env = Object.keys(cp.environment!);
    expect(env.filter((k) => !(ENV_VARS as readonly string[]).includes(k))).toEqual([]);
    const fixedByImage = Object.keys(imageEnv).filter((k) => (ENV_VARS as readonly string[]).includes(k));
    expect(env.filter((k) => fixedByImage.includes(k))).toEqual([]);
    const missing = ENV_VARS.filter((v) => !env.includes(v) && !fixedByImage.includes(v));
    expect(missing, "add these to control-plane.environment in docker-compose.yml").toEqual([]);
  });

  it("builds DATABASE_URL for the postgres service from the same POSTGRES_* values", () => {
    const custom = resolveCompose(text, { ...REQUIRED, POSTGRES_USER: "hcp", POSTGRES_DB: "gw" });
    const url = new URL(String(custom.services["control-plane"]!.environment!.DATABASE_URL));
    expect([url.protocol, url.hostname, url.port, url.pathname]).toEqual([
      "postgres:",
      "postgres",
      "5432",
      "/gw",
    ]);
    expect([url.username, url.password]).toEqual(["hcp", REQUIRED.POSTGRES_PASSWORD]);
    expect(custom.services.postgres!.environment).toMatchObject({ POSTGRES_USER: "hcp", POSTGRES_DB: "gw" });
  });

  it("gives the container the service's own defaults, so compose and the code cannot drift apart", () => {
    const toStrings = (e: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? "" : String(v)]));
    const defaults = resolveCompose(text, REQUIRED).services["control-plane"]!.environment!;
    const container = loadConfig({ ...imageEnv, ...toStrings(defaults) });
    const bare = loadConfig({
      ...imageEnv,
      DATABASE_URL: String(defaults.DATABASE_URL),
      HERMES_ADMIN_PASSWORD: REQUIRED.HERMES_ADMIN_PASSWORD,
    });
    expect(container).toEqual(bare);
    // And the example values are valid for the service as the container receives them.
    expect(() => loadConfig({ ...imageEnv, ...toStrings(cp.environment!) })).not.toThrow();
  });

  it("documents every compose-only variable in the README and .env.example", () => {
    const used = [...composeVariables(text).all].filter((v) => !(ENV_VARS as readonly string[]).includes(v));
    expect(used.filter((v) => v !== "HERMES_GIT_COMMIT").sort()).toEqual([...COMPOSE_ONLY_VARS].sort());
    const readme = read("README.md");
    for (const v of COMPOSE_ONLY_VARS) {
      expect(readme, v).toMatch(new RegExp(`^\\|\\s*\`${v}\`\\s*\\|`, "m"));
      expect(example, v).toHaveProperty(v);
    }
  });

  const dockerCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
  // Debian's docker-compose (1.29) validates against the Compose schema offline; CI has it when .ci/run installs it.
  it.skipIf(!dockerCompose)(
    "passes `docker-compose config` (schema and interpolation of the real tool)",
    () => {
      const run = (env: Record<string, string>) =>
        spawnSync("docker-compose", ["-f", "docker-compose.yml", "config"], {
          env: { PATH: process.env.PATH!, ...env },
          encoding: "utf8",
        });
      const ok = run({ ...REQUIRED });
      expect(ok.stderr).toBe("");
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain("condition: service_healthy");
      expect(ok.stdout).toContain("/opt/hermes-control-plane/codex:/home/hermes/.codex:ro");
      const bad = run({ HERMES_ADMIN_PASSWORD: REQUIRED.HERMES_ADMIN_PASSWORD });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain("set POSTGRES_PASSWORD");
      expect(
        execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "--services"], {
          env: { PATH: process.env.PATH!, ...REQUIRED },
          encoding: "utf8",
        })
          .trim()
          .split("\n")
          .sort(),
      ).toEqual(["control-plane", "grafana", "postgres", "prometheus"]);
    },
  );
});
