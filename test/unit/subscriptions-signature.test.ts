import { constants, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSignatureVerifier, verifyConcurSignature } from "../../src/subscriptions/signature.js";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
const body = Buffer.from(JSON.stringify({ id: "e1", eventType: "mapping.updated" }));

const pss = (data: Buffer, key = privateKey, saltLength = constants.RSA_PSS_SALTLEN_MAX_SIGN) =>
  sign("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString("base64");
const pkcs1 = (data: Buffer) => sign("sha256", data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }).toString("base64");

describe("verifyConcurSignature", () => {
  it("accepts RSA-PSS SHA-256 with max salt (the ESS default)", () => {
    expect(verifyConcurSignature(body, pss(body), pem)).toBe(true);
  });

  it("accepts RSA-PSS with another salt length (digest-length salt)", () => {
    expect(verifyConcurSignature(body, pss(body, privateKey, 32), pem)).toBe(true);
  });

  it("accepts PKCS#1 v1.5 SHA-256 (spec Q1 fallback)", () => {
    expect(verifyConcurSignature(body, pkcs1(body), pem)).toBe(true);
  });

  it("rejects a tampered body", () => {
    const signature = pss(body);
    const tampered = Buffer.from(body);
    tampered[5] ^= 1;
    expect(verifyConcurSignature(tampered, signature, pem)).toBe(false);
    expect(verifyConcurSignature(tampered, pkcs1(body), pem)).toBe(false);
  });

  it("rejects a signature from another key", () => {
    expect(verifyConcurSignature(body, pss(body, other.privateKey), pem)).toBe(false);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["not base64", "%%%not-base64%%%"],
    ["too short", Buffer.from("abc").toString("base64")],
    ["right length, random", Buffer.alloc(256, 7).toString("base64")],
    ["huge", "A".repeat(100_000)],
  ])("rejects a garbage header (%s) without throwing", (_name, header) => {
    expect(() => verifyConcurSignature(body, header, pem)).not.toThrow();
    expect(verifyConcurSignature(body, header, pem)).toBe(false);
  });

  it("never throws on a bad key (one-shot form) and fails fast in the factory", () => {
    expect(verifyConcurSignature(body, pss(body), "not a pem")).toBe(false);
    expect(() => createSignatureVerifier("not a pem")).toThrow();
  });

  it("factory takes a KeyObject and verifies many bodies with one parsed key", () => {
    const verify = createSignatureVerifier(publicKey);
    const second = Buffer.from("{}");
    expect(verify(body, pss(body))).toBe(true);
    expect(verify(second, pss(second))).toBe(true);
    expect(verify(second, pss(body))).toBe(false);
  });
});
