/**
 * Cursors are validated as the values they claim to be: a well-formed cursor that decodes to an impossible instant
 * (month 13, 30 February, year 0) is the client's error, not the database's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/audit/audit-query.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
let admin: AdminClient;

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
});
afterAll(async () => {
  await svc?.close();
});

const cursorOf = (ts: string, id: unknown) => Buffer.from(JSON.stringify([ts, id])).toString("base64url");

describe("audit log cursors", () => {
  const impossible: [string, string][] = [
    ["month 13", "2026-13-01T00:00:00.000000Z"],
    ["30 February", "2026-02-30T00:00:00.000000Z"],
    ["hour 24", "2026-01-01T24:00:00.000000Z"],
    ["minute 60", "2026-01-01T10:60:00.000000Z"],
    ["year 0", "0000-01-01T00:00:00.000000Z"],
  ];
  for (const [what, ts] of impossible) {
    it(`a cursor holding ${what} → 400 invalid_request naming cursor`, async () => {
      const r = await admin.get<{ error: { code: string; message: string } }>(
        `/api/admin/logs?cursor=${cursorOf(ts, 1)}`,
      );
      expect(r.status, r.text).toBe(400);
      expect(r.body.error).toEqual({
        code: "invalid_request",
        message: "cursor: is not a cursor this API returned",
      });
    });
  }

  it("a cursor holding an id beyond the int64 range → 400", async () => {
    const r = await admin.get(`/api/admin/logs?cursor=${cursorOf("2026-01-01T00:00:00.000000Z", 1e300)}`);
    expect(r.status).toBe(400);
  });

  it("a cursor this API returns still decodes, microseconds and all", () => {
    const key = { ts: "2024-02-29T23:59:59.999999Z", id: 42 };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(encodeCursor({ ts: "9999-12-31T23:59:59.000001Z", id: 1 })).id).toBe(1);
  });

  it("logged no unhandled error", () => {
    expect(svc.logs.lines().filter((l) => l.msg === "unhandled error")).toEqual([]);
  });
});
