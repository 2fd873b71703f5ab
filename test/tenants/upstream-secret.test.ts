import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decryptUpstreamSecret,
  encryptUpstreamSecret,
  fingerprintUpstreamSecret,
  upstreamSecretWarning,
} from "../../src/tenants/upstream-secret.js";

const KEY = randomBytes(32);
const SECRET = "sk-upstream-credential-1234567890";

describe("upstream secret at rest", () => {
  it("encrypts with AES-256-GCM into v1:<iv>:<tag>:<ciphertext> and decrypts back", () => {
    const stored = encryptUpstreamSecret(SECRET, KEY);
    expect(stored).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain(SECRET);
    expect(decryptUpstreamSecret(stored, KEY)).toBe(SECRET);
  });

  it("uses a fresh IV per encryption", () => {
    expect(encryptUpstreamSecret(SECRET, KEY)).not.toBe(encryptUpstreamSecret(SECRET, KEY));
  });

  it("refuses a wrong key, a missing key and altered data without echoing the value", () => {
    const stored = encryptUpstreamSecret(SECRET, KEY);
    expect(() => decryptUpstreamSecret(stored, randomBytes(32))).toThrow(/cannot decrypt/);
    expect(() => decryptUpstreamSecret(stored, undefined)).toThrow(/HERMES_SECRET_KEY is not set/);
    const parts = stored.split(":");
    const data = Buffer.from(parts[3]!, "base64url");
    data[0] = data[0]! ^ 1;
    parts[3] = data.toString("base64url");
    expect(() => decryptUpstreamSecret(parts.join(":"), KEY)).toThrow(/cannot decrypt/);
    expect(() => decryptUpstreamSecret("garbage", KEY)).toThrow(/unrecognised/);
  });

  it("stores plain:<value> without a key, and warns about it", () => {
    expect(encryptUpstreamSecret(SECRET, undefined)).toBe(`plain:${SECRET}`);
    expect(decryptUpstreamSecret(`plain:${SECRET}`, undefined)).toBe(SECRET);
    expect(decryptUpstreamSecret(`plain:${SECRET}`, KEY)).toBe(SECRET);
    expect(decryptUpstreamSecret(null, KEY)).toBeNull();
    expect(upstreamSecretWarning(undefined)).toMatch(/HERMES_SECRET_KEY/);
    expect(upstreamSecretWarning(KEY)).toBeNull();
  });

  it("fingerprints as 8 hex characters, stable and distinct", () => {
    const fp = fingerprintUpstreamSecret(SECRET);
    expect(fp).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprintUpstreamSecret(SECRET)).toBe(fp);
    expect(fingerprintUpstreamSecret(`${SECRET}x`)).not.toBe(fp);
    expect(SECRET).not.toContain(fp);
  });
});
