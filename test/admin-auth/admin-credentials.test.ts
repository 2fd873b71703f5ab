import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantTimeEquals, verifyAdminPassword } from "../../src/admin-auth/admin-credentials.js";
import { AdminClient } from "../admin/admin-client.js";
import { spawnService } from "../harness/spawn-service.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";
import { startTestService } from "../harness/test-service.js";

let tdb: TestDatabase;
/** The password the first test saw generated; the second test checks it stops working. */
let generatedPassword: string | undefined;
beforeAll(async () => {
  tdb = await createTestDatabase("creds");
});
afterAll(async () => {
  await tdb.drop();
});

const PASSWORD_LINE = /admin password: ([A-Za-z0-9_-]{32})/;

async function storedHash(svc: Awaited<ReturnType<typeof startTestService>>): Promise<string> {
  const row = await svc.db
    .selectFrom("admin_accounts")
    .select("password_hash")
    .where("kind", "=", "env")
    .executeTakeFirstOrThrow();
  return row.password_hash!;
}

describe("admin credentials", () => {
  it("generates a password on first start, prints it once in a marked block, stores only its argon2id hash", async () => {
    const first = await startTestService({ databaseUrl: tdb.url });
    let generated: string;
    try {
      const text = first.logs.text();
      const match = PASSWORD_LINE.exec(text);
      expect(match).not.toBeNull();
      generated = match![1]!;
      generatedPassword = generated;
      expect(text.split(generated)).toHaveLength(2); // printed exactly once
      const lines = first.logs.lines().map((l) => String(l.msg));
      const at = lines.findIndex((m) => m.includes(generated));
      expect(lines[at - 3]).toMatch(/^={40,}$/);
      expect(lines[at - 1]).toBe("admin username: admin");
      expect(lines[at + 2]).toMatch(/^={40,}$/);
      const hash = await storedHash(first);
      expect(hash).toMatch(/^\$argon2id\$/);
      expect(hash).not.toContain(generated);

      const client = new AdminClient(first.urls.admin);
      expect((await client.login("admin", generated)).status).toBe(200);
      first.secret(client.cookie!.split("=")[1]!);
      // Nothing else logged it: from here on it counts as a secret for this service's logs.
      expect(
        JSON.stringify(first.logs.lines().filter((l) => !String(l.msg).startsWith("admin password:"))),
      ).not.toContain(generated);
    } finally {
      await first.close();
    }

    // Second start on the same database: no new password, nothing printed, the old one still works.
    const second = await startTestService({ databaseUrl: tdb.url });
    try {
      expect(second.logs.text()).not.toMatch(/GENERATED ADMIN PASSWORD/);
      second.secret(generated);
      const client = new AdminClient(second.urls.admin);
      expect((await client.login("admin", generated)).status).toBe(200);
      second.secret(client.cookie!.split("=")[1]!);
    } finally {
      await second.close();
    }
  });

  it("lets a set HERMES_ADMIN_PASSWORD replace the stored hash and end the old sessions", async () => {
    const password = "a-brand-new-admin-password-2026";
    const oldSessions = await startTestService({ databaseUrl: tdb.url });
    const oldClient = new AdminClient(oldSessions.urls.admin);
    try {
      oldSessions.secret(generatedPassword!);
      expect((await oldClient.login("admin", generatedPassword!)).status).toBe(200);
      oldSessions.secret(oldClient.cookie!.split("=")[1]!);
    } finally {
      await oldSessions.close();
    }
    const svc = await startTestService({ databaseUrl: tdb.url, env: { HERMES_ADMIN_PASSWORD: password } });
    try {
      expect(svc.logs.text()).not.toMatch(/GENERATED ADMIN PASSWORD/);
      const client = new AdminClient(svc.urls.admin);
      expect((await client.login("admin", password)).status).toBe(200);
      svc.secret(client.cookie!.split("=")[1]!);
      // The session opened with the old password is gone.
      oldClient.baseUrl = svc.urls.admin;
      svc.secret(oldClient.cookie!.split("=")[1]!);
      expect((await oldClient.get("/api/auth/me")).status).toBe(401);
      // The generated password from the first test no longer works.
      expect(generatedPassword).toBeDefined();
      svc.secret(generatedPassword!);
      expect((await new AdminClient(svc.urls.admin).login("admin", generatedPassword!)).status).toBe(401);
      expect(await storedHash(svc)).toMatch(/^\$argon2id\$/);
    } finally {
      await svc.close();
    }
    // And the later start without the variable keeps using it.
    const later = await startTestService({ databaseUrl: tdb.url });
    try {
      later.secret(password);
      const client = new AdminClient(later.urls.admin);
      expect((await client.login("admin", password)).status).toBe(200);
      later.secret(client.cookie!.split("=")[1]!);
    } finally {
      await later.close();
    }
  });

  it("refuses to start with a 15-character HERMES_ADMIN_PASSWORD, without printing it", async () => {
    const short = "fifteen-chars15";
    expect(short).toHaveLength(15);
    const proc = spawnService({
      HERMES_ADMIN_PASSWORD: short,
      DATABASE_URL: tdb.url,
      HERMES_ADMIN_PORT: "0",
      HERMES_PRE_AI_API_PORT: "0",
      HERMES_POST_AI_API_PORT: "0",
    });
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.output()).toContain("HERMES_ADMIN_PASSWORD: must be at least 16 characters (got 15)");
    expect(proc.output()).not.toContain(short);
  });
});

describe("verifyAdminPassword", () => {
  it("checks both parts and runs argon2 whichever is wrong", async () => {
    const password = "verify-this-admin-password-1";
    const svc = await startTestService({ env: { HERMES_ADMIN_PASSWORD: password } });
    try {
      expect(await verifyAdminPassword(svc.db, "admin", password)).toMatchObject({ ok: true });
      expect(await verifyAdminPassword(svc.db, "admin", "nope")).toMatchObject({
        ok: false,
        reason: "wrong_password",
      });
      // The right password with a wrong username is still refused.
      expect(await verifyAdminPassword(svc.db, "Admin", password)).toMatchObject({
        ok: false,
        reason: "unknown_username",
      });
      expect(await verifyAdminPassword(svc.db, "", password)).toMatchObject({
        ok: false,
        reason: "unknown_username",
      });
      expect(constantTimeEquals("admin", "admin")).toBe(true);
      expect(constantTimeEquals("admin", "admin ")).toBe(false);
      expect(constantTimeEquals("admin", "x".repeat(10_000))).toBe(false);
    } finally {
      await svc.close();
    }
  });
});
