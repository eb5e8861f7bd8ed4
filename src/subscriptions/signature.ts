import { constants, createPublicKey, verify, type KeyObject } from "node:crypto";

/**
 * Verifies ESS's `Concur-Signature` header over the raw request body (spec section 2.3 and Q1).
 *
 * SAP does not document the algorithm; the known receiver verifies RSA-PSS / SHA-256 / MGF1-SHA-256
 * with the maximum salt length. We accept any PSS salt length (`RSA_PSS_SALTLEN_AUTO`) and fall back
 * to PKCS#1 v1.5 SHA-256, so either signing style passes and nothing else does.
 */
export type SignatureVerifier = (rawBody: Buffer, signatureHeader: string | undefined) => boolean;

// Standard base64 (with optional padding) only: `Buffer.from(x, "base64")` silently skips junk.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses the PEM once (throws on a bad key: a configuration mistake should fail at start-up). */
export function createSignatureVerifier(publicKey: string | KeyObject): SignatureVerifier {
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  return (rawBody, signatureHeader) => {
    if (typeof signatureHeader !== "string") return false;
    const trimmed = signatureHeader.trim();
    if (trimmed === "" || trimmed.length > 4096 || !BASE64.test(trimmed)) return false;
    const signature = Buffer.from(trimmed, "base64");
    // An RSA signature is exactly as long as the modulus; anything else is garbage.
    if (modulusBits !== undefined && signature.length !== Math.ceil(modulusBits / 8)) return false;
    return (
      safeVerify(rawBody, signature, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }) ||
      safeVerify(rawBody, signature, { key, padding: constants.RSA_PKCS1_PADDING })
    );
  };
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
