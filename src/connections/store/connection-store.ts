import { canonicalCompanyId } from "../../company-id.js";
import { ConfigError } from "../../config.js";
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import { createKeyRing, SecretDecryptionError, type EncryptionKey, type KeyRing } from "./crypto.js";
import { openDatabase, parseDatabaseUrl, type SqlDatabase } from "./database.js";
import { normaliseGeolocation } from "../../datasources/auth/geolocation.js";
import {
  CONNECTION_STATES,
  type ConnectionRecord,
  type ConnectionStore,
  type ConnectionSummary,
  type ConnectionWrite,
  type PutOptions,
  type RekeyResult,
} from "./types.js";

/** Options of {@link openConnectionStore}. */
export interface ConnectionStoreOptions {
  /**
   * `sqlite:<path>` / `file:<path>` or `postgres://…` / `postgresql://…` (see `parseDatabaseUrl`).
   * Ignored when `database` is given.
   */
  databaseUrl?: string;
  /** An already open database to share with other stores (e.g. the API key store); `close()` then leaves it open. */
  database?: SqlDatabase;
  /** Key ring; the first key encrypts, all decrypt (see `parseEncryptionKeys`). */
  keys: readonly EncryptionKey[];
  /**
   * Open without keys, for metadata-only tools (`concur-graph connections list`): `list()` and `delete()` work,
   * everything that touches a secret throws a `ConfigError`. Default false.
   */
  allowMissingKeys?: boolean;
  /** Clock for `updated_at`, epoch ms (default `Date.now`). */
  now?: () => number;
}

const TABLE = "cg_connections";

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    company_id TEXT PRIMARY KEY,
    refresh_token_sealed TEXT NOT NULL,
    encryption_key_id TEXT NOT NULL,
    refresh_expires_at BIGINT NOT NULL,
    geolocation TEXT NOT NULL,
    scopes TEXT NOT NULL,
    connected_by_user_id TEXT,
    connected_at BIGINT NOT NULL,
    last_refresh_at BIGINT,
    last_error TEXT,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
];

const COLUMNS = [
  "company_id",
  "refresh_token_sealed",
  "encryption_key_id",
  "refresh_expires_at",
  "geolocation",
  "scopes",
  "connected_by_user_id",
  "connected_at",
  "last_refresh_at",
  "last_error",
  "state",
  "updated_at",
] as const;
const METADATA_COLUMNS = COLUMNS.filter((column) => column !== "refresh_token_sealed").concat("version" as never);

interface Row {
  company_id: string;
  refresh_token_sealed?: string;
  encryption_key_id: string;
  refresh_expires_at: number | string;
  geolocation: string;
  scopes: string;
  connected_by_user_id: string | null;
  connected_at: number | string;
  last_refresh_at: number | string | null;
  last_error: string | null;
  state: string;
  version: number | string;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const INSERT = `INSERT INTO ${TABLE} (${COLUMNS.join(", ")}, version) VALUES (${placeholders(COLUMNS.length)}, 1)`;
const UPDATE_SET = COLUMNS.filter((column) => column !== "company_id").map((column) => `${column} = excluded.${column}`);
const SQL = {
  upsert: `${INSERT} ON CONFLICT (company_id) DO UPDATE SET ${UPDATE_SET.join(", ")}, version = ${TABLE}.version + 1 RETURNING version`,
  insertIfAbsent: `${INSERT} ON CONFLICT (company_id) DO NOTHING RETURNING version`,
  updateIfVersion: `UPDATE ${TABLE} SET ${COLUMNS.filter((c) => c !== "company_id")
    .map((c) => `${c} = ?`)
    .join(", ")}, version = version + 1 WHERE company_id = ? AND version = ? RETURNING version`,
  get: `SELECT ${METADATA_COLUMNS.join(", ")}, refresh_token_sealed FROM ${TABLE} WHERE company_id = ?`,
  version: `SELECT version FROM ${TABLE} WHERE company_id = ?`,
  list: `SELECT ${METADATA_COLUMNS.join(", ")} FROM ${TABLE} ORDER BY company_id`,
  delete: `DELETE FROM ${TABLE} WHERE company_id = ?`,
  sealedOutdated: `SELECT company_id, refresh_token_sealed, encryption_key_id FROM ${TABLE} WHERE encryption_key_id <> ?`,
  countCurrent: `SELECT COUNT(*) AS n FROM ${TABLE} WHERE encryption_key_id = ?`,
  // Only replaces the exact ciphertext read: a concurrent writer's newer value is left alone.
  reseal: `UPDATE ${TABLE} SET refresh_token_sealed = ?, encryption_key_id = ? WHERE company_id = ? AND refresh_token_sealed = ?`,
};

/**
 * Opens the durable connection store on SQLite or PostgreSQL, creating its table `cg_connections` if missing.
 * Only the refresh token is encrypted; the other columns are plain metadata so operators can query them.
 *
 * @throws ConfigError on an unusable URL, database or key ring
 */
export async function openConnectionStore(options: ConnectionStoreOptions): Promise<ConnectionStore> {
  let ring: KeyRing | undefined;
  if (options.keys.length > 0 || !options.allowMissingKeys) ring = createKeyRing(options.keys);
  const owned = !options.database;
  let db = options.database;
  if (!db) {
    if (!options.databaseUrl) throw new ConfigError("The connection store needs a databaseUrl (sqlite:<path> or postgres://…) or a shared database.");
    db = await openDatabase(parseDatabaseUrl(options.databaseUrl));
  }
  try {
    await db.migrate(DDL);
  } catch (error) {
    if (owned) await db.close().catch(() => {});
    throw new ConfigError(`Cannot create the ${TABLE} table in ${db.description}: ${(error as Error).message}.`);
  }
  if (ring) await canonicalizeStoredCompanyIds(db, ring, options.now ?? Date.now);
  return createConnectionStore(db, ring, owned, options.now ?? Date.now);
}

function createConnectionStore(db: SqlDatabase, ring: KeyRing | undefined, owned: boolean, now: () => number): ConnectionStore {
  const keyRing = (): KeyRing => {
    if (!ring) throw new ConfigError("This connection store was opened without encryption keys: set CONNECTION_ENCRYPTION_KEYS to read or write refresh tokens.");
    return ring;
  };

  const conflict = async (companyId: string, expected: number): Promise<never> => {
    const [row] = await db.query<{ version: number | string }>(SQL.version, [companyId]);
    const actual = row ? `is at version ${Number(row.version)}` : "does not exist";
    throw new CodedError(
      ErrorCode.CONFLICT,
      expected === 0
        ? `A connection for company ${companyId} already exists (version ${Number(row?.version)}): read it and write with its version.`
        : `The connection for company ${companyId} changed: expected version ${expected} but it ${actual}. Read it again and retry.`,
      { companyId, expectedVersion: expected, actualVersion: row ? Number(row.version) : null },
    );
  };

  return {
    async get(companyId) {
      const [row] = await db.query<Row>(SQL.get, [companyId]);
      if (!row) return undefined;
      const { encryptionKeyId: _keyId, ...fields } = toSummaryFields(row);
      return { ...fields, refreshToken: keyRing().open(row.refresh_token_sealed!, row.company_id) };
    },

    async put(input: ConnectionWrite, putOptions: PutOptions = {}) {
      const record = validate(input);
      const sealed = keyRing().seal(record.refreshToken, record.companyId);
      const values = [
        record.companyId,
        sealed,
        keyRing().currentKeyId,
        record.refreshExpiresAt,
        record.geolocation,
        JSON.stringify(record.scopes),
        record.connectedByUserId ?? null,
        record.connectedAt,
        record.lastRefreshAt ?? null,
        record.lastError ? JSON.stringify(record.lastError) : null,
        record.state,
        now(),
      ];
      const expected = putOptions.expectedVersion;
      let rows: { version: number | string }[];
      if (expected === undefined) rows = await db.query(SQL.upsert, values);
      else if (!Number.isInteger(expected) || expected < 0) throw badInput(`expectedVersion must be a whole number >= 0, got ${expected}.`);
      else if (expected === 0) rows = await db.query(SQL.insertIfAbsent, values);
      else rows = await db.query(SQL.updateIfVersion, [...values.slice(1), record.companyId, expected]);
      if (rows.length === 0) return conflict(record.companyId, expected!);
      return { ...record, version: Number(rows[0].version) };
    },

    async delete(companyId) {
      return (await db.execute(SQL.delete, [companyId])) > 0;
    },

    async list() {
      return (await db.query<Row>(SQL.list)).map(toSummaryFields);
    },

    async rekey(): Promise<RekeyResult> {
      const keys = keyRing();
      const outdated = await db.query<Row>(SQL.sealedOutdated, [keys.currentKeyId]);
      const [{ n }] = await db.query<{ n: number | string }>(SQL.countCurrent, [keys.currentKeyId]);
      let rekeyed = 0;
      let skipped = 0;
      for (const row of outdated) {
        const plaintext = keys.open(row.refresh_token_sealed!, row.company_id);
        const changed = await db.execute(SQL.reseal, [keys.seal(plaintext, row.company_id), keys.currentKeyId, row.company_id, row.refresh_token_sealed]);
        if (changed > 0) rekeyed++;
        else skipped++;
      }
      return { rekeyed, current: Number(n), skipped };
    },

    async close() {
      if (owned) await db.close();
    },
  };
}

function toSummaryFields(row: Row): ConnectionSummary {
  const summary: ConnectionSummary = {
    companyId: row.company_id,
    refreshExpiresAt: Number(row.refresh_expires_at),
    geolocation: row.geolocation,
    scopes: JSON.parse(row.scopes) as string[],
    connectedAt: Number(row.connected_at),
    state: row.state as ConnectionSummary["state"],
    version: Number(row.version),
    encryptionKeyId: row.encryption_key_id,
  };
  if (row.connected_by_user_id !== null) summary.connectedByUserId = row.connected_by_user_id;
  if (row.last_refresh_at !== null) summary.lastRefreshAt = Number(row.last_refresh_at);
  if (row.last_error !== null) summary.lastError = JSON.parse(row.last_error) as ConnectionSummary["lastError"];
  return summary;
}

/** Checks a write and returns it normalised (geolocation origin, deduplicated scopes). */
function validate(input: ConnectionWrite): Omit<ConnectionRecord, "version"> {
  if (typeof input.companyId !== "string" || input.companyId.trim() === "") throw badInput("companyId must be a non-empty string.", { field: "companyId" });
  if (typeof input.refreshToken !== "string" || input.refreshToken === "") throw badInput("refreshToken must be a non-empty string.", { field: "refreshToken" });
  for (const field of ["refreshExpiresAt", "connectedAt", "lastRefreshAt"] as const) {
    const value = input[field];
    if (value === undefined && field === "lastRefreshAt") continue;
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw badInput(`${field} must be epoch milliseconds, got ${value}.`, { field });
  }
  if (!CONNECTION_STATES.includes(input.state)) throw badInput(`state must be one of ${CONNECTION_STATES.join(", ")}, got ${input.state}.`, { field: "state" });
  if (!Array.isArray(input.scopes) || input.scopes.some((scope) => typeof scope !== "string")) throw badInput("scopes must be an array of strings.", { field: "scopes" });
  const { version: _ignored, ...rest } = input;
  const record: Omit<ConnectionRecord, "version"> = { ...rest, companyId: canonicalCompanyId(input.companyId), geolocation: normaliseGeolocation(input.geolocation), scopes: [...new Set(input.scopes)] };
  if (record.connectedByUserId === undefined) delete record.connectedByUserId;
  if (record.lastRefreshAt === undefined) delete record.lastRefreshAt;
  if (record.lastError === undefined) delete record.lastError;
  return record;
}

/**
 * Migration: rows stored before company ids were canonical (Concur's redirect may send `03A4AC48-…`) move to the
 * canonical id (trimmed, lower case), so a lookup by the lower-case UUID finds them. The refresh token is sealed with
 * the company id as authenticated data, so each moved row is re-sealed, which needs the keys: a store opened without
 * them (`connections list`) leaves the rows for the next keyed open (every gateway start). When both forms of one
 * company exist, the more recently written row wins and the other is deleted. Every statement names the exact row it
 * read, so instances migrating at once never delete or overwrite what another one moved.
 */
async function canonicalizeStoredCompanyIds(db: SqlDatabase, ring: KeyRing, now: () => number): Promise<void> {
  type Stray = { company_id: string; refresh_token_sealed: string; updated_at: number | string };
  const strays = await db.query<Stray>(`SELECT company_id, refresh_token_sealed, updated_at FROM ${TABLE} WHERE company_id <> lower(trim(company_id))`);
  for (const stray of strays) {
    const companyId = canonicalCompanyId(stray.company_id);
    const [twin] = await db.query<Stray>(`SELECT company_id, refresh_token_sealed, updated_at FROM ${TABLE} WHERE company_id = ?`, [companyId]);
    if (twin && Number(twin.updated_at) >= Number(stray.updated_at)) {
      await db.execute(`DELETE FROM ${TABLE} WHERE company_id = ? AND refresh_token_sealed = ?`, [stray.company_id, stray.refresh_token_sealed]);
      continue;
    }
    let resealed: string;
    try {
      resealed = ring.seal(ring.open(stray.refresh_token_sealed, stray.company_id), companyId);
    } catch (error) {
      // Sealed with a key no longer configured: unusable under either id; left for an operator (connections list).
      if (error instanceof SecretDecryptionError) continue;
      throw error;
    }
    if (twin) await db.execute(`DELETE FROM ${TABLE} WHERE company_id = ? AND refresh_token_sealed = ?`, [twin.company_id, twin.refresh_token_sealed]);
    await db.execute(
      `UPDATE ${TABLE} SET company_id = ?, refresh_token_sealed = ?, encryption_key_id = ?, updated_at = ? WHERE company_id = ? AND refresh_token_sealed = ?`,
      [companyId, resealed, ring.currentKeyId, now(), stray.company_id, stray.refresh_token_sealed],
    );
  }
}
