/**
 * A real Prometheus (Debian's `prometheus` package; .ci/run installs it) scrapes the real service on loopback with a
 * generated configuration and the metrics token; PromQL through its HTTP API returns the requests this test made,
 * per gateway and tenant, and the audit rows written. Also: the shipped alert rules load in `promtool check rules`,
 * and every metric the shipped Grafana dashboard queries is exported by the service (checked against a real scrape).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, flushAll, sdk } from "../gateway/kit.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { exportedFamilies } from "./scrape.js";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";
const haveProm = fs.existsSync(PROMETHEUS) && fs.existsSync(PROMTOOL);
if (!haveProm)
  console.warn(
    `skipping the Prometheus tests: ${PROMETHEUS} / ${PROMTOOL} not found (apt-get install prometheus; .ci/run does)`,
  );

const TOKEN = "prometheus-test-metrics-token-0123";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

type PromResult = { metric: Record<string, string>; value: [number, string] }[];

describe.skipIf(!haveProm)("Prometheus scrapes the service", () => {
  let svc: TestService;
  let upstream: FakeUpstream;
  let prom: ChildProcess | undefined;
  let promUrl: string;
  let promOutput = "";
  let dir: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    svc = await startTestService({ env: { HERMES_METRICS_TOKEN: TOKEN } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-prom-"));
    fs.writeFileSync(path.join(dir, "token"), TOKEN);
    const admin = new URL(svc.urls.admin);
    fs.writeFileSync(
      path.join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        "  - job_name: hermes-control-plane",
        "    metrics_path: /metrics",
        "    authorization:",
        "      type: Bearer",
        `      credentials_file: ${path.join(dir, "token")}`,
        "    static_configs:",
        `      - targets: ["127.0.0.1:${admin.port}"]`,
        "",
      ].join("\n"),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prom.stdout!.on("data", (d: Buffer) => (promOutput += d.toString()));
    prom.stderr!.on("data", (d: Buffer) => (promOutput += d.toString()));
  });
  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once("exit", r));
      prom.kill("SIGTERM");
      await exited;
    }
    await svc?.close();
    await upstream?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function query(promql: string): Promise<PromResult> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: PromResult }; error?: string };
    if (body.status !== "success") throw new Error(`PromQL ${promql}: ${body.error}`);
    return body.data.result;
  }

  /** Asks until `ok` holds for the answer (Prometheus scrapes every second), or gives up after 30 s. */
  async function eventually(promql: string, ok: (r: PromResult) => boolean): Promise<PromResult> {
    let last: PromResult = [];
    for (let i = 0; i < 60; i++) {
      last = await query(promql).catch(() => []);
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `no satisfying answer to ${promql}: ${JSON.stringify(last)}\nprometheus said:\n${promOutput}`,
    );
  }

  it("returns, through PromQL, the requests made per gateway and tenant and the audit rows written", async () => {
    const a = await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url });
    const b = await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url });
    const keyA = (await createApiUser(svc, { tenantId: a.id })).apiKey;
    const keyB = (await createApiUser(svc, { tenantId: b.id })).apiKey;
    const made: Record<string, number> = {};
    const ask = async (gateway: "pre" | "post", key: string, tenant: string, n: number) => {
      const client = sdk(gateway === "pre" ? svc.urls.pre : svc.urls.post, key);
      for (let i = 0; i < n; i++) {
        if (i % 2 === 0) await client.chat.completions.create({ model: "m", messages: [] });
        else
          for await (const _ of await client.chat.completions.create({
            model: "m",
            messages: [],
            stream: true,
          }))
            void _;
      }
      made[`${gateway}|Tenant ${tenant}`] = n;
    };
    await ask("pre", keyA, a.id, 3);
    await ask("post", keyA, a.id, 2);
    await ask("pre", keyB, b.id, 1);
    await flushAll(svc);
    const rows = await countRows(svc, "audit_log");
    expect(rows).toBe(6);

    const promql = `sum by (gateway, tenant) (hermes_gateway_requests_total{tenant=~"Tenant (${a.id}|${b.id})"})`;
    const result = await eventually(promql, (r) => r.reduce((s, x) => s + Number(x.value[1]), 0) === 6);
    const got = Object.fromEntries(
      result.map((r) => [`${r.metric.gateway}|${r.metric.tenant}`, Number(r.value[1])]),
    );
    expect(got).toEqual(made);

    const written = await eventually(
      'hermes_audit_rows_written_total{job="hermes-control-plane"}',
      (r) => r.length === 1 && Number(r[0]!.value[1]) === rows,
    );
    expect(Number(written[0]!.value[1])).toBe(rows);
    expect(Number((await query('up{job="hermes-control-plane"}'))[0]!.value[1])).toBe(1);
  });

  it("every metric the Grafana dashboard queries is one the service exports", async () => {
    // The upstream-health gauges exist once a tenant has been probed.
    const t = await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url });
    await svc.deps.hermesHealth.probeNow(t.id);
    const scrape = await (
      await fetch(`${svc.urls.admin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    const families = exportedFamilies(scrape);
    const dashboard = JSON.parse(fs.readFileSync("deploy/grafana/hermes-control-plane.json", "utf8")) as {
      panels: { title: string; targets?: { expr: string }[] }[];
      templating: { list: { query?: { query?: string } | string }[] };
    };
    const panelExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    // Template variables use Grafana's label_values(metric, label): the metric is checked, not the function.
    const exprs = [
      ...panelExprs,
      ...dashboard.templating.list.flatMap((v) =>
        typeof v.query === "object" && v.query.query ? [v.query.query] : [],
      ),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const named = new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b((?:hermes|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!)),
    );
    const missing = [...named].filter((name) => {
      const family = name.replace(/_(bucket|count|sum)$/, "");
      return !families.has(name) && !families.has(family);
    });
    expect(missing).toEqual([]);
    // And the panels the issue asks for are there.
    const titles = dashboard.panels.map((p) => p.title).join("\n");
    for (const t of [
      "Requests per tenant",
      "Errors per tenant",
      "Rejections by reason",
      "Gateway's own overhead",
      "Tokens per tenant",
      "Audit backlog",
      "Audit spool",
      "Upstream health",
    ])
      expect(titles).toContain(t);
    // Every query is valid PromQL to the real Prometheus (Grafana's $__ variables replaced as Grafana would).
    for (const e of panelExprs) {
      const promql = e.replace(/\$__rate_interval|\$__range/g, "5m").replace(/\$(gateway|tenant)/g, ".*");
      await query(promql);
    }
  });

  it("the compose profile's prometheus.yml passes promtool check config (its container paths mapped here)", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-promcfg-"));
    try {
      fs.copyFileSync("deploy/prometheus/alerts.yml", path.join(tmp, "alerts.yml"));
      fs.writeFileSync(path.join(tmp, "metrics-token"), TOKEN);
      const config = fs
        .readFileSync("deploy/prometheus/prometheus.yml", "utf8")
        .replaceAll("/etc/prometheus/alerts.yml", path.join(tmp, "alerts.yml"))
        .replaceAll("/tmp/metrics-token", path.join(tmp, "metrics-token"));
      fs.writeFileSync(path.join(tmp, "prometheus.yml"), config);
      const run = spawnSync(PROMTOOL, ["check", "config", path.join(tmp, "prometheus.yml")], {
        encoding: "utf8",
      });
      expect(run.stdout + run.stderr).toMatch(/SUCCESS: 6 rules found/);
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("the alert rules load in promtool", () => {
    const run = spawnSync(PROMTOOL, ["check", "rules", "deploy/prometheus/alerts.yml"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/SUCCESS: 6 rules found/);
    expect(run.status).toBe(0);
  });
});
