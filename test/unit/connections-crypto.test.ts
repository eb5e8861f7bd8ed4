import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { createKeyRing, parseEncryptionKeys, SecretDecryptionError } from "../../src/connections/store/crypto.js";

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };
const token = "e013335d-b4ce-4c43-a7e4-b67abc1adcb0";

describe("key ring (AES-256-GCM)", () => {
  it("round-trips and never contains the plaintext", () => {
    const ring = createKeyRing([k1]);
    const sealed = ring.seal(token, "company-a");
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(token);
    expect(Buffer.from(sealed.split(":")[3], "base64url").toString("latin1")).not.toContain(token);
    expect(ring.open(sealed, "company-a")).toBe(token);
    expect(ring.keyIdOf(sealed)).toBe("k1");
  });

  it("uses a fresh 96-bit IV every time", () => {
    const ring = createKeyRing([k1]);
    const a = ring.seal(token, "c").split(":");
    const b = ring.seal(token, "c").split(":");
    expect(Buffer.from(a[2], "base64url")).toHaveLength(12);
    expect(a[2]).not.toBe(b[2]);
    expect(a[3]).not.toBe(b[3]);
  });

  it("rejects an altered ciphertext, IV or tag", () => {
    const ring = createKeyRing([k1]);
    const [v, kid, iv, data] = ring.seal(token, "c").split(":");
    const bytes = Buffer.from(data, "base64url");
    for (const index of [0, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index] ^= 1;
      expect(() => ring.open([v, kid, iv, altered.toString("base64url")].join(":"), "c")).toThrow(SecretDecryptionError);
    }
    const ivBytes = Buffer.from(iv, "base64url");
    ivBytes[0] ^= 1;
    expect(() => ring.open([v, kid, ivBytes.toString("base64url"), data].join(":"), "c")).toThrow(SecretDecryptionError);
    expect(() => ring.open("not-sealed", "c")).toThrow(SecretDecryptionError);
  });

  it("binds the company id as AAD: a row copied to another company does not decrypt", () => {
    const ring = createKeyRing([k1]);
    const sealed = ring.seal(token, "company-a");
    expect(() => ring.open(sealed, "company-b")).toThrow(/failed authentication/);
  });

  it("rotation: the first key encrypts, older keys still decrypt, a dropped key names itself", () => {
    const old = createKeyRing([k1]).seal(token, "c");
    const rotated = createKeyRing([k2, k1]);
    expect(rotated.currentKeyId).toBe("k2");
    expect(rotated.open(old, "c")).toBe(token);
    const resealed = rotated.seal(rotated.open(old, "c"), "c");
    expect(rotated.keyIdOf(resealed)).toBe("k2");
    const withoutOld = createKeyRing([k2]);
    expect(withoutOld.open(resealed, "c")).toBe(token);
    expect(() => withoutOld.open(old, "c")).toThrow(/key "k1", which is not in CONNECTION_ENCRYPTION_KEYS/);
  });

  it("refuses an empty ring, duplicate ids, bad ids and short keys", () => {
    expect(() => createKeyRing([])).toThrow(ConfigError);
    expect(() => createKeyRing([k1, { id: "k1", key: randomBytes(32) }])).toThrow(/appears twice/);
    expect(() => createKeyRing([{ id: "a:b", key: randomBytes(32) }])).toThrow(/key id/);
    expect(() => createKeyRing([{ id: "k", key: randomBytes(16) }])).toThrow(/16 bytes; AES-256 needs exactly 32/);
  });
});

describe("parseEncryptionKeys", () => {
  it("parses base64, URL-safe base64 and hex, first = current", () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const c = randomBytes(32);
    const keys = parseEncryptionKeys(` k3:${a.toString("base64")}, k2:${b.toString("base64url")},k1:${c.toString("hex")} `);
    expect(keys.map((k) => k.id)).toEqual(["k3", "k2", "k1"]);
    expect(keys[0].key.equals(a)).toBe(true);
    expect(keys[1].key.equals(b)).toBe(true);
    expect(keys[2].key.equals(c)).toBe(true);
  });

  it.each([
    [undefined, /is not set.*openssl rand -base64 32/],
    ["", /is not set/],
    ["nokeyid", /entry 1 has no key id/],
    [`k1:${randomBytes(16).toString("base64")}`, /decodes to 16 bytes; it must be exactly 32/],
    [`k1:${randomBytes(16).toString("hex")}`, /16 bytes of hex; it must be 32 bytes/],
    ["k1:not base64!", /neither base64 nor hex/],
    [`k1:${randomBytes(32).toString("hex")},k1:${randomBytes(32).toString("hex")}`, /appears twice/],
  ])("refuses %j with a ConfigError saying what to fix", (spec, message) => {
    let thrown: unknown;
    try {
      parseEncryptionKeys(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toMatch(/^CONNECTION_ENCRYPTION_KEYS/);
  });

  it("never repeats key material in its messages", () => {
    const short = randomBytes(20).toString("base64");
    expect(() => parseEncryptionKeys(`k1:${short}`)).toThrow(ConfigError);
    try {
      parseEncryptionKeys(`k1:${short}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});
