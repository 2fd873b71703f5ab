/**
 * A client that abandons its request body halfway (connection closed before the declared length, or mid-chunk) is a
 * client event: answered (if anyone is still listening) and logged as a 4xx, never as a 500 "unhandled error".
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
});
afterAll(async () => {
  await svc?.close();
});

/** Sends the head and part of a body, then closes the connection. */
async function abandon(path: string, headers: string, partial: string): Promise<void> {
  const port = Number(new URL(svc.urls.admin).port);
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncookie: ${admin.cookie}\r\n` +
      `content-type: application/json\r\n${headers}\r\n${partial}`,
  );
  // Let the server start reading the body before the client goes away.
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
}

async function requestLines(path: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 50; i++) {
    const lines = svc.logs.lines().filter((l) => l.msg === "request" && l.path === path);
    if (lines.length > 0) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

describe("an abandoned admin request body", () => {
  it("with a declared length: logged as a 400, no unhandled error", async () => {
    await abandon("/api/admin/tenants", "content-length: 1000\r\n", '{"id":"aband');
    const lines = await requestLines("/api/admin/tenants");
    expect(lines.map((l) => l.status)).toEqual([400]);
    expect(svc.logs.lines().filter((l) => l.msg === "unhandled error")).toEqual([]);
  });

  it("chunked: logged as a 400, no unhandled error", async () => {
    await abandon("/api/admin/api-users", "transfer-encoding: chunked\r\n", '10\r\n{"name":"abandon');
    const lines = await requestLines("/api/admin/api-users");
    expect(lines.map((l) => l.status)).toEqual([400]);
    expect(svc.logs.lines().filter((l) => l.msg === "unhandled error")).toEqual([]);
  });

  it("the service goes on answering", async () => {
    expect((await admin.get("/api/admin/tenants")).status).toBe(200);
    expect(await svc.db.selectFrom("tenants").select("id").where("id", "like", "aband%").execute()).toEqual(
      [],
    );
  });
});
