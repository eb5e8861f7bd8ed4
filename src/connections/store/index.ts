/**
 * Durable, encrypted store of company connections (Quick Connect refresh tokens) for `managed` mode.
 *
 * Key rotation: (1) put the new key first in CONNECTION_ENCRYPTION_KEYS and keep the old one after it
 * (`k2:<new>,k1:<old>`) on every instance; (2) run `concur-graph connections rekey`; (3) once
 * `concur-graph connections list` shows no record under the old key id, remove the old key.
 */
export { openConnectionStore, type ConnectionStoreOptions } from "./connection-store.js";
export { createKeyRing, parseEncryptionKeys, SecretDecryptionError, type EncryptionKey, type KeyRing } from "./crypto.js";
export { DEFAULT_DATABASE_URL, describeDatabase, openDatabase, openManagedDatabase, parseDatabaseUrl, StoreMissingError, type DatabaseLocation, type OpenDatabaseOptions, type SqlDatabase } from "./database.js";
export { isStoreUnavailable, StoreUnavailableError, STORE_RETRY_AFTER_SECONDS, type StoreHealth, type StoreState, type StoreStatus } from "./health.js";
export { normaliseGeolocation } from "../../datasources/auth/geolocation.js";
export {
  CONNECTION_STATES,
  type ConnectionError,
  type ConnectionRecord,
  type ConnectionState,
  type ConnectionStore,
  type ConnectionSummary,
  type ConnectionWrite,
  type PutOptions,
  type RekeyResult,
} from "./types.js";
export { createMemoryClaimLedger, createRedisClaimLedger, openSqlClaimLedger, type ClaimLedger, type LedgerRedis, type LedgerKey, type LedgerRow, type LedgerState } from "./claim-ledger.js";
