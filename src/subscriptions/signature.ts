import { constants, createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { splitPemBlocks } from "../pem.js";

export { splitPemBlocks };

/**
 * Verifies ESS's `Concur-Signature` header over the raw request body (spec section 2.3 and Q1).
 *
 * SAP does not document the algorithm; the known receiver verifies RSA-PSS / SHA-256 / MGF1-SHA-256
 * with the maximum salt length. We accept any PSS salt length (`RSA_PSS_SALTLEN_AUTO`) and fall back
 * to PKCS#1 v1.5 SHA-256, so either signing style passes and nothing else does.
 *
 * SAP rotates the signing key with its yearly webhook certificate (ESS spec §3, Q2), so the receiver holds a **key
 * set**: a signature is good when any key of the set verifies it (the current key, the next one published ahead of a
 * rotation, the previous one while retries of older events arrive).
 */
export type SignatureVerifier = (rawBody: Buffer, signatureHeader: string | undefined) => boolean;

/** One key of the set: what logs and metrics name it by (never the key itself). */
export interface SigningKeyInfo {
  /** First 16 hex digits of the SHA-256 of the key's SPKI DER: stable, short, public. */
  id: string;
  modulusBits?: number;
}

/** A key-set verifier: which key verified the signature, or undefined when none did. */
export interface KeySetVerifier {
  verify(rawBody: Buffer, signatureHeader: string | undefined): SigningKeyInfo | undefined;
  readonly keys: readonly SigningKeyInfo[];
}

// Standard base64 (with optional padding) only: `Buffer.from(x, "base64")` silently skips junk.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The short public id of a key (see {@link SigningKeyInfo.id}). */
export function signingKeyId(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

/**
 * Parses every key once (throws on a bad key or a text with none: a configuration mistake should fail at start-up).
 * `publicKeys`: PEM text with one or more blocks, a KeyObject, or a list of either.
 */
export function createKeySetVerifier(publicKeys: string | KeyObject | ReadonlyArray<string | KeyObject>): KeySetVerifier {
  const inputs = Array.isArray(publicKeys) ? publicKeys : [publicKeys as string | KeyObject];
  const parsed: KeyObject[] = [];
  for (const input of inputs) {
    if (typeof input !== "string") {
      parsed.push(input);
      continue;
    }
    const blocks = splitPemBlocks(input);
    if (blocks.length === 0) throw new Error("no PEM public key or certificate found (expected -----BEGIN PUBLIC KEY----- …)");
    for (const block of blocks) parsed.push(createPublicKey(block));
  }
  if (parsed.length === 0) throw new Error("the signing key set is empty");
  // The same key listed twice (a file and a variable) is checked once.
  const byId = new Map<string, { key: KeyObject; info: SigningKeyInfo }>();
  for (const key of parsed) {
    const info = { id: signingKeyId(key), modulusBits: key.asymmetricKeyDetails?.modulusLength };
    if (!byId.has(info.id)) byId.set(info.id, { key, info });
  }
  const keys = [...byId.values()];
  return {
    keys: keys.map((k) => k.info),
    verify(rawBody, signatureHeader) {
      if (typeof signatureHeader !== "string") return undefined;
      const trimmed = signatureHeader.trim();
      if (trimmed === "" || trimmed.length > 4096 || !BASE64.test(trimmed)) return undefined;
      const signature = Buffer.from(trimmed, "base64");
      for (const { key, info } of keys) {
        // An RSA signature is exactly as long as the modulus; anything else is garbage for this key.
        if (info.modulusBits !== undefined && signature.length !== Math.ceil(info.modulusBits / 8)) continue;
        if (
          safeVerify(rawBody, signature, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }) ||
          safeVerify(rawBody, signature, { key, padding: constants.RSA_PKCS1_PADDING })
        ) {
          return info;
        }
      }
      return undefined;
    },
  };
}

/** The boolean form of {@link createKeySetVerifier} (one key or several). */
export function createSignatureVerifier(publicKeys: string | KeyObject | ReadonlyArray<string | KeyObject>): SignatureVerifier {
  const set = createKeySetVerifier(publicKeys);
  return (rawBody, signatureHeader) => set.verify(rawBody, signatureHeader) !== undefined;
}

function safeVerify(data: Buffer, signature: Buffer, key: Parameters<typeof verify>[2]): boolean {
  try {
    return verify("sha256", data, key, signature);
  } catch {
    return false;
  }
}

/**
 * One-shot form of {@link createSignatureVerifier}. Never throws: a key that cannot be parsed verifies nothing.
 * Prefer the factory on hot paths (it parses the key once).
 */
export function verifyConcurSignature(rawBody: Buffer, signatureHeader: string | undefined, publicKeyPem: string | KeyObject): boolean {
  let verifier: SignatureVerifier;
  try {
    verifier = createSignatureVerifier(publicKeyPem);
  } catch {
    return false;
  }
  return verifier(rawBody, signatureHeader);
}
