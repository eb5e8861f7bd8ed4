import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import { ConfigError } from "../config.js";
import { openDatabase, parseDatabaseUrl, type SqlDatabase } from "../connections/store/database.js";
import { badInput } from "../errors.js";
import { isStoreUnavailable } from "../connections/store/health.js";
import { parseCompanies, parseRole, ROLES, type CallerIdentity, type Role } from "./identity.js";

/** An API key as stored, without its secret or hash. */
export interface ApiKeyRecord {
  /** Public part of the key (`cg_<keyId>_…`), safe to log. */
  keyId: string;
  name: string;
  role: Role;
  companies: "*" | string[];
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; set once revoked. */
  revokedAt?: number;
}

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  companies: "*" | string[];
}

export interface ApiKeyStore {
  /** Creates a key; `key` is returned only here (only its hash is stored). */
  create(input: CreateApiKeyInput): Promise<{ key: string; record: ApiKeyRecord }>;
  /** All keys, oldest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Revokes a key (idempotent); undefined if no such key. Other instances' caches honour it within `cacheTtlMs`. */
  revoke(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The identity of a valid, unrevoked key; null for anything else (malformed, unknown, wrong secret, revoked). */
  verify(presentedKey: string): Promise<CallerIdentity | null>;
  close(): Promise<void>;
}

/** Options of {@link openApiKeyStore}. */
export interface ApiKeyStoreOptions {
  /** Same URLs as the connection store (`sqlite:`/`file:`/`postgres://`); ignored when `database` is given. */
  databaseUrl?: string;
  /** A database shared with the connection store; `close()` then leaves it open. */
  database?: SqlDatabase;
  /**
   * How long a verified key is served from memory, ms (default 10 000). This bounds how late a revoke made
   * through another instance (or the CLI) takes effect; a revoke through this store evicts at once. 0 disables.
   */
  cacheTtlMs?: number;
  /** Most verified keys kept in memory (default 10 000). */
  cacheMax?: number;
  /**
   * While the store cannot be read (STORE_UNAVAILABLE), a key verified within this long is still accepted, ms
   * (default 60 000 = {@link API_KEY_OUTAGE_GRACE_MS}). This bounds how long a key revoked elsewhere can be honoured
   * by an instance that cannot reach the store; past it the key's requests answer STORE_UNAVAILABLE. 0 disables.
   */
  outageGraceMs?: number;
  /** Clock, epoch ms (default `Date.now`). */
  now?: () => number;
}

const TABLE = "cg_api_keys";
/** Default {@link ApiKeyStoreOptions.outageGraceMs}: one minute (README, Operations, Store outages). */
export const API_KEY_OUTAGE_GRACE_MS = 60_000;
const DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    companies TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  )`,
];
const COLUMNS = "key_id, name, role, companies, created_at, revoked_at";
const SQL = {
  insert: `INSERT INTO ${TABLE} (key_id, name, role, companies, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  list: `SELECT ${COLUMNS} FROM ${TABLE} ORDER BY created_at, key_id`,
  get: `SELECT ${COLUMNS} FROM ${TABLE} WHERE key_id = ?`,
  verify: `SELECT ${COLUMNS}, secret_sha256 FROM ${TABLE} WHERE key_id = ?`,
  revoke: `UPDATE ${TABLE} SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL`,
  scopes: `SELECT key_id, companies FROM ${TABLE}`,
  rescope: `UPDATE ${TABLE} SET companies = ? WHERE key_id = ? AND companies = ?`,
};

/** `cg_<12 hex keyId>_<43 base64url secret>`; the secret may itself contain `_`. */
const KEY_FORMAT = /^cg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_PREFIX = "cg_";

interface Row {
  key_id: string;
  name: string;
  role: string;
  companies: string;
  created_at: number | string;
  revoked_at: number | string | null;
  secret_sha256?: string;
}

/**
 * Opens the API key store (table `cg_api_keys`, created if missing).
 *
 * Secrets are 256 random bits, so they are stored as a plain SHA-256: a slow password hash (scrypt) protects
 * guessable secrets, which these are not, and would cost ~50 ms of CPU per uncached request on the hot path.
 */
export async function openApiKeyStore(options: ApiKeyStoreOptions): Promise<ApiKeyStore> {
  const owned = !options.database;
  let db = options.database;
  if (!db) {
    if (!options.databaseUrl) throw new ConfigError("The API key store needs a databaseUrl (sqlite:<path> or postgres://…) or a shared database.");
    db = await openDatabase(parseDatabaseUrl(options.databaseUrl));
  }
  try {
    await db.migrate(DDL);
    await canonicalizeStoredCompanies(db);
  } catch (error) {
    if (owned) await db.close().catch(() => {});
    throw new ConfigError(`Cannot create the ${TABLE} table in ${db.description}: ${(error as Error).message}.`);
  }
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? 10_000;
  const grace = Math.max(ttl, options.outageGraceMs ?? API_KEY_OUTAGE_GRACE_MS);
  // Keyed by the SHA-256 of the whole presented key: neither the key nor its secret is kept in memory. An entry is
  // fresh for `ttl` after its verification; older ones (up to `grace`) only answer while the store cannot be read.
  const cache =
    ttl > 0 ? new LRUCache<string, { identity: CallerIdentity; keyId: string; verifiedAt: number }>({ max: options.cacheMax ?? 10_000, ttl: grace, ttlAutopurge: false }) : undefined;
  const database = db;

  return {
    async create(input) {
      const name = typeof input.name === "string" ? input.name.trim() : "";
      if (name === "" || name.length > 200) throw badInput("name must be 1-200 characters.", { field: "name" });
      const role = parseRole(input.role);
      if (!role) throw badInput(`role must be one of ${ROLES.join(", ")}, got ${JSON.stringify(input.role)}.`, { field: "role" });
      const companies = input.companies === "*" ? "*" : parseCompanies(input.companies);
      if (companies !== "*" && companies.length === 0) throw badInput(`companies must be "*" or at least one company id.`, { field: "companies" });
      const keyId = randomBytes(6).toString("hex");
      const secret = randomBytes(32).toString("base64url");
      const record: ApiKeyRecord = { keyId, name, role, companies, createdAt: now() };
      await database.execute(SQL.insert, [keyId, name, role, JSON.stringify(companies), sha256(secret).toString("hex"), record.createdAt]);
      return { key: `${API_KEY_PREFIX}${keyId}_${secret}`, record };
    },

    async list() {
      return (await database.query<Row>(SQL.list)).map(toRecord);
    },

    async revoke(keyId) {
      // Forgotten here first: even when the store cannot take the revoke, this instance stops honouring the key.
      if (cache) for (const [hash, entry] of cache.entries()) if (entry.keyId === keyId) cache.delete(hash);
      await database.execute(SQL.revoke, [now(), keyId]);
      const [row] = await database.query<Row>(SQL.get, [keyId]);
      return row ? toRecord(row) : undefined;
    },

    async verify(presentedKey) {
      const match = KEY_FORMAT.exec(presentedKey.trim());
      if (!match) return null;
      const [, keyId, secret] = match;
      const cacheKey = cache ? sha256(presentedKey.trim()).toString("hex") : "";
      const cached = cache?.get(cacheKey);
      if (cached && now() - cached.verifiedAt < ttl) return cached.identity;
      let row: Row | undefined;
      try {
        [row] = await database.query<Row>(SQL.verify, [keyId]);
      } catch (error) {
        // Store down: a key this instance verified within the grace window keeps working; anything else waits.
        if (cached && isStoreUnavailable(error) && now() - cached.verifiedAt < grace) return cached.identity;
        throw error;
      }
      if (!row || !row.secret_sha256) {
        cache?.delete(cacheKey);
        return null;
      }
      const stored = Buffer.from(row.secret_sha256, "hex");
      const presented = sha256(secret);
      if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return null;
      if (row.revoked_at !== null) {
        cache?.delete(cacheKey);
        return null;
      }
      const record = toRecord(row);
      const identity: CallerIdentity = { kind: "apiKey", id: keyId, role: record.role, companies: record.companies };
      cache?.set(cacheKey, { identity, keyId, verifiedAt: now() });
      return identity;
    },

    async close() {
      cache?.clear();
      if (owned) await database.close();
    },
  };
}

/** Splits `cg_<keyId>_<secret>` without checking it; the key id is safe to log, the rest never is. */
export function apiKeyIdOf(presentedKey: string): string | undefined {
  return KEY_FORMAT.exec(presentedKey.trim())?.[1];
}

/**
 * Rewrites the company scopes of keys stored before company ids were canonical (`03A4AC48-…` -> `03a4ac48-…`), so
 * the table holds one form. Idempotent, and harmless when several instances run it at once (same result). Keys are
 * verified through parseCompanies, which canonicalises anyway: this keeps what operators query in SQL honest.
 */
async function canonicalizeStoredCompanies(db: SqlDatabase): Promise<void> {
  for (const row of await db.query<{ key_id: string; companies: string }>(SQL.scopes)) {
    let stored: unknown;
    try {
      stored = JSON.parse(row.companies);
    } catch {
      continue; // unreadable: left as it is (only this migration reads it leniently)
    }
    const canonical = JSON.stringify(parseCompanies(stored));
    if (canonical !== row.companies) await db.execute(SQL.rescope, [canonical, row.key_id, row.companies]);
  }
}

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

function toRecord(row: Row): ApiKeyRecord {
  const record: ApiKeyRecord = {
    keyId: row.key_id,
    name: row.name,
    role: parseRole(row.role) ?? "read",
    companies: parseCompanies(JSON.parse(row.companies)),
    createdAt: Number(row.created_at),
  };
  if (row.revoked_at !== null) record.revokedAt = Number(row.revoked_at);
  return record;
}
