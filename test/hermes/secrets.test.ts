import { describe, expect, it } from "vitest";
import {
  maskedPreview,
  redactDeep,
  redactLine,
  safeUrl,
  secretFingerprint,
} from "../../src/hermes/secrets.js";
import { expectNoPlantedSecrets, newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";

describe("secret masking", () => {
  it("fingerprints like Hermes does and previews at most the last 4 characters", () => {
    expect(secretFingerprint("abc")).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(secretFingerprint("abc")).toBe(secretFingerprint("abc"));
    expect(maskedPreview("sk-or-v1-0123456789abcd")).toBe("…abcd");
    // Short secrets show nothing at all.
    expect(maskedPreview("short-key")).toBe("…");
  });

  it("redacts every credential-looking key of an unknown shape, and token-shaped values anywhere", () => {
    const s = Array.from({ length: 8 }, () => newPlantedSecret());
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${s[7]}`;
    const input = {
      label: "fine",
      auth_type: "oauth",
      max_tokens: 4096,
      access_token: s[0],
      nested: { client_secret: s[1], list: [{ apiKey: s[2] }], password: s[3] },
      headers: { Authorization: `Bearer ${s[4]}` },
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: s[5] },
      credentials: { anything: s[6], count: 3 },
      note: jwt,
      url: `https://user:${s[0]}@example.com/v1?key=${s[1]}&model=x`,
    };
    const out = redactDeep(input) as typeof input;
    expectNoPlantedSecrets(JSON.stringify(out), "redactDeep", s);
    expect(out).toMatchObject({ label: "fine", auth_type: "oauth", max_tokens: 4096 });
    expect(out.access_token).toBe(`[redacted …${s[0]!.slice(-4)}]`);
    expect(out.credentials.count).toBe(3);
    expect(out.url).toBe("https://example.com/v1?key=%5Bredacted%5D&model=x");
  });

  it("redacts credentials in free text (process output)", () => {
    const s = newPlantedSecret("sk-or-v1-");
    const t = newPlantedSecret();
    const lines = [
      `Authorization: Bearer ${t}`,
      `using key ${s} for openrouter`,
      `{"access_token": "${t}", "expires_in": 3600}`,
      `api_key=${t} next`,
      `connecting to https://admin:${t}@db.example.com:5432/x`,
    ];
    for (const line of lines) expectNoPlantedSecrets(redactLine(line), line.slice(0, 20), [s, t]);
    expect(redactLine("GET /health 200 in 3ms")).toBe("GET /health 200 in 3ms");
    expect(safeUrl("http://127.0.0.1:8645/v1")).toBe("http://127.0.0.1:8645/v1");
  });
});
