import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigError } from "../../config.js";

/** One AES-256 key of the key ring. */
export interface EncryptionKey {
  /** Short identifier stored next to every ciphertext (letters, digits, `_`, `-`; at most 32). */
  id: string;
  /** 32 random bytes. */
  key: Buffer;
}

/**
 * Keys for secrets at rest. The first key encrypts; every key decrypts (so old ciphertexts stay readable
 * during a rotation). Build with {@link createKeyRing}.
 */
export interface KeyRing {
  /** Id of the key new ciphertexts are sealed with (the first key). */
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
  /** Encrypts `plaintext`, binding `context` (the company id) as additional authenticated data. */
  seal(plaintext: string, context: string): string;
  /** Decrypts a {@link seal} output; throws {@link SecretDecryptionError} if the key is unknown, the data was altered or the context differs. */
  open(sealed: string, context: string): string;
  /** Key id a sealed value was encrypted with (without decrypting it). */
  keyIdOf(sealed: string): string;
}

/**
 * A stored secret cannot be decrypted: unknown key id, altered ciphertext or a row moved to another company.
 * Deliberately not a `CodedError`: the formatter masks it for GraphQL callers and logs it for operators.
 */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptionError";
  }
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const FORMAT = "v1";
/** Binds ciphertexts to their purpose as well as to the company, so a sealed value cannot be replayed elsewhere. */
const aadFor = (context: string) => Buffer.from(`concur-graph/connection-refresh-token/${context}`, "utf8");

/** Validates and freezes a key ring (first key = current). Throws {@link ConfigError} on a bad ring. */
export function createKeyRing(keys: readonly EncryptionKey[], name = "CONNECTION_ENCRYPTION_KEYS"): KeyRing {
  if (keys.length === 0) {
    throw new ConfigError(`${name} has no key: set it to "<keyId>:<base64 of 32 random bytes>", for example "k1:$(openssl rand -base64 32)".`);
  }
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!KEY_ID.test(id)) throw new ConfigError(`${name}: key id ${JSON.stringify(id)} is invalid: use 1-32 letters, digits, "_" or "-".`);
    if (byId.has(id)) throw new ConfigError(`${name}: key id "${id}" appears twice: give every key its own id.`);
    if (!Buffer.isBuffer(key) || key.length !== 32) {
      throw new ConfigError(`${name}: key "${id}" is ${Buffer.isBuffer(key) ? key.length : 0} bytes; AES-256 needs exactly 32 bytes.`);
    }
    byId.set(id, Buffer.from(key));
  }
  const currentKeyId = keys[0].id;
  const current = byId.get(currentKeyId)!;

  const parse = (sealed: string) => {
    const parts = sealed.split(":");
    if (parts.length !== 4 || parts[0] !== FORMAT) throw new SecretDecryptionError("stored secret is not in the v1:<keyId>:<iv>:<data> format");
    return { keyId: parts[1], iv: Buffer.from(parts[2], "base64url"), data: Buffer.from(parts[3], "base64url") };
  };

  return Object.freeze({
    currentKeyId,
    keyIds: Object.freeze([...byId.keys()]),
    seal(plaintext: string, context: string) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(aadFor(context));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `${FORMAT}:${currentKeyId}:${iv.toString("base64url")}:${data.toString("base64url")}`;
    },
    open(sealed: string, context: string) {
      const { keyId, iv, data } = parse(sealed);
      const key = byId.get(keyId);
      if (!key) {
        throw new SecretDecryptionError(
          `stored secret was encrypted with key "${keyId}", which is not in ${name} (has ${[...byId.keys()].join(", ")}): add that key back`,
        );
      }
      if (iv.length !== 12 || data.length < 16) throw new SecretDecryptionError("stored secret is truncated");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(aadFor(context));
        decipher.setAuthTag(data.subarray(data.length - 16));
        return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretDecryptionError(`stored secret for "${context}" failed authentication (altered, or stored under another company)`);
      }
    },
    keyIdOf(sealed: string) {
      return parse(sealed).keyId;
    },
  });
}

/**
 * Parses a key list such as `"k2:<base64>,k1:<hex>"` (first = current). Each key is 32 bytes given as base64
 * (standard or URL-safe, 43-44 characters) or hex (64 characters). Throws a {@link ConfigError} saying what to fix;
 * the message never contains key material.
 *
 * @param name the setting's name for messages (default `CONNECTION_ENCRYPTION_KEYS`)
 */
export function parseEncryptionKeys(spec: string | undefined, name = "CONNECTION_ENCRYPTION_KEYS"): EncryptionKey[] {
  const example = `"k1:$(openssl rand -base64 32)"`;
  if (spec === undefined || spec.trim() === "") {
    throw new ConfigError(`${name} is not set: company refresh tokens are encrypted at rest. Set it to a comma-separated list of <keyId>:<base64 32 bytes>, for example ${example}.`);
  }
  const keys = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const colon = entry.indexOf(":");
      if (colon <= 0) throw new ConfigError(`${name}: entry ${index + 1} has no key id: write <keyId>:<key>, for example ${example}.`);
      const id = entry.slice(0, colon);
      const encoded = entry.slice(colon + 1).trim();
      return { id, key: decodeKey(id, encoded, name) };
    });
  createKeyRing(keys, name); // validates ids, duplicates and lengths with the same messages
  return keys;
}

function decodeKey(id: string, encoded: string, name: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(encoded)) return Buffer.from(encoded, "hex");
  if (/^[0-9a-fA-F]+$/.test(encoded) && encoded.length % 2 === 0 && encoded.length !== 44) {
    throw new ConfigError(`${name}: key "${id}" is ${encoded.length / 2} bytes of hex; it must be 32 bytes (64 hex characters).`);
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
    throw new ConfigError(`${name}: key "${id}" is neither base64 nor hex: give 32 random bytes as base64 (openssl rand -base64 32) or 64 hex characters.`);
  }
  const key = Buffer.from(encoded.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== 32) {
    throw new ConfigError(`${name}: key "${id}" decodes to ${key.length} bytes; it must be exactly 32 bytes (openssl rand -base64 32).`);
  }
  return key;
}
