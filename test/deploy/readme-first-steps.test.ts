/**
 * @module Runs the README's "First steps" verbatim against the real service and a fake Hermes: the curl login,
 * the API user creation, the gateway call, and the Node.js `openai` snippet. Only hosts, ports, the admin password
 * and the key placeholder are substituted.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { read } from "./deploy-files.js";

const PASSWORD = "first-steps-admin-password";
const readme = read("README.md");
const section = readme.slice(
  readme.indexOf("## First steps"),
  readme.indexOf("\n## ", readme.indexOf("## First steps") + 3),
);
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
/** The curl commands of the sh block, continuation lines joined. */
const curls = blocks("sh")[0]!
  .replace(/\\\n\s*/g, "")
  .split("\n")
  .filter((l) => l.startsWith("curl "));

let svc: TestService;
let pre: FakeUpstream;
let post: FakeUpstream;
let dir: string;

beforeAll(async () => {
  pre = await startFakeUpstream();
  post = await startFakeUpstream();
  svc = await startTestService({
    env: {
      HERMES_ADMIN_PASSWORD: PASSWORD,
      HERMES_PRE_UPSTREAM_URL: pre.url,
      HERMES_POST_UPSTREAM_URL: post.url,
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-first-steps-"));
});

afterAll(async () => {
  await svc?.close();
  await pre?.close();
  await post?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The README's addresses become the test service's. */
function localise(text: string): string {
  return text
    .replaceAll("http://127.0.0.1:7843", svc.urls.admin)
    .replaceAll("http://127.0.0.1:8645", svc.urls.pre)
    .replaceAll("http://127.0.0.1:8646", svc.urls.post)
    .replaceAll("<your admin password>", PASSWORD);
}

/** Async on purpose: the service runs in this process, so a synchronous child would block it from answering. */
function run(file: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      file,
      args,
      { ...options, env: { PATH: process.env.PATH!, ...options.env }, timeout: 30_000, encoding: "utf8" },
      (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const sh = (command: string, env: Record<string, string> = {}) =>
  run("sh", ["-c", localise(command)], { cwd: dir, env });

describe("README first steps", () => {
  it("logs in, creates a key and calls the gateway with curl, then with the openai package", async () => {
    expect(curls).toHaveLength(3);
    const login = await sh(curls[0]!);
    expect(login.status).toBe(0);
    expect(JSON.parse(login.stdout)).toEqual({ username: "admin", role: "owner" });

    const created = await sh(curls[1]!);
    expect(created.status).toBe(0);
    const issued = JSON.parse(created.stdout) as {
      api_key: string;
      api_user: { id: string; tenant_id: string };
    };
    expect(issued.api_key).toMatch(/^hms_/);
    expect(issued.api_user.tenant_id).toBe("default");
    svc.secret(issued.api_key);
    const key = { HERMES_API_KEY: issued.api_key };

    const chat = await sh(curls[2]!, key);
    expect(chat.stderr).toBe("");
    expect(chat.status).toBe(0);
    const completion = JSON.parse(chat.stdout) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(post.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(1);

    // The Node.js snippet, run as an ES module from the repository (where `openai` is installed).
    const js = blocks("js")[0]!;
    const node = await run(process.execPath, ["--input-type=module", "-e", localise(js)], {
      cwd: process.cwd(),
      env: key,
    });
    expect(node.stderr).toBe("");
    expect(node.status).toBe(0);
    expect(node.stdout).toBe(`${completion.choices[0]!.message.content}\n`);
    expect(post.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(2);

    // "Every request is then in the audit log": both calls, for this API user (the writer flushes in the background).
    const logged = async () => {
      const url = `http://127.0.0.1:7843/api/admin/logs?api_user_id=${issued.api_user.id}`;
      const r = await sh(`curl -sf -b cookies.txt "${url}"`);
      return r.status === 0 ? (JSON.parse(r.stdout) as { data: unknown[] }).data.length : -1;
    };
    await expect.poll(logged, { timeout: 10_000 }).toBe(2);
  });
});
