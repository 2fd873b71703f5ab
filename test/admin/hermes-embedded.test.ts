import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelConfigView } from "../../src/admin/routes/hermes/model.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { ADMIN_ENV, signedInClient } from "./admin-client.js";

let fx: FixtureRoot;
let svc: TestService;
beforeAll(async () => {
  fx = copyFixtureRoot(["complete"]);
  svc = await startTestService({ database: "embedded", env: { ...ADMIN_ENV, ...fx.env } });
});
afterAll(async () => {
  await svc?.close();
  fx.cleanup();
});

describe("Hermes state on the embedded database", () => {
  it("edits the model configuration (advisory lock and trail) and runs a health round", async () => {
    const admin = await signedInClient(svc);
    const view = await admin.get<ModelConfigView>("/api/admin/tenants/default/hermes/model");
    const res = await admin.patch<ModelConfigView>("/api/admin/tenants/default/hermes/model", {
      etag: view.body.etag,
      model: "nous/hermes-4-70b",
    });
    expect(res.status).toBe(200);
    expect(res.body.model.default).toBe("nous/hermes-4-70b");
    expect(await svc.deps.hermesHealth.runRound(60_000)).toBe(true);
    expect(await svc.deps.hermesHealth.runRound(60_000)).toBe(false);
  });
});
