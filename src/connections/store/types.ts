/**
 * Lifecycle of a company connection (see docs authentication-company-tokens §7):
 * `CONNECTED` has a usable refresh token; `NEEDS_RECONNECT` means Concur refused it (108 / 53 / 123 or expiry
 * passed) and a customer admin must Connect again; `DISCONNECTED` was ended on purpose (revoked by us or the customer).
 */
export type ConnectionState = "CONNECTED" | "NEEDS_RECONNECT" | "DISCONNECTED";

export const CONNECTION_STATES: readonly ConnectionState[] = ["CONNECTED", "NEEDS_RECONNECT", "DISCONNECTED"];

/** The last failure of a token exchange or refresh, safe to show to an admin (never contains a token). */
export interface ConnectionError {
  /** Concur's `/token` code (e.g. "108") or one of ours. */
  code: string;
  message: string;
  /** Epoch ms. */
  at: number;
}

/** Everything stored about one company's Quick Connect link. Only `refreshToken` is secret (encrypted at rest). */
export interface ConnectionRecord {
  /** Concur company UUID; the key of the record. */
  companyId: string;
  /** The company refresh token (secret; encrypted with AES-256-GCM, the company id as AAD). */
  refreshToken: string;
  /** Epoch ms when the refresh token expires (Concur's `refresh_expires_in`, or issued + 180 days). */
  refreshExpiresAt: number;
  /** Base URI for refreshes and API calls, normalised by `normaliseGeolocation` on write. */
  geolocation: string;
  scopes: string[];
  /** Concur user UUID of the admin who clicked Connect. */
  connectedByUserId?: string;
  /** Epoch ms. */
  connectedAt: number;
  /** Epoch ms of the last successful refresh. */
  lastRefreshAt?: number;
  lastError?: ConnectionError;
  state: ConnectionState;
  /** Optimistic-concurrency counter: 1 after the first write, +1 on every write. */
  version: number;
}

/** What `put` takes: a record without its version (the store assigns it). */
export type ConnectionWrite = Omit<ConnectionRecord, "version"> & { version?: number };

/** A record as `list()` returns it: everything but the secret, plus the id of the key that encrypts it. */
export type ConnectionSummary = Omit<ConnectionRecord, "refreshToken"> & {
  /** Key ring id the refresh token is encrypted with; rotation is complete when none names an old key. */
  encryptionKeyId: string;
};

export interface PutOptions {
  /**
   * Write only if the stored version equals this (0 = only if absent); otherwise throw `CONFLICT`.
   * Omit for an unconditional upsert.
   */
  expectedVersion?: number;
}

/** Outcome of {@link ConnectionStore.rekey}. */
export interface RekeyResult {
  /** Records re-encrypted with the current key. */
  rekeyed: number;
  /** Records already under the current key. */
  current: number;
  /** Records changed concurrently while rekeying (they were written with the current key by that writer). */
  skipped: number;
}

/** Durable, encrypted store of company connections. Access tokens are never stored here (memory only). */
export interface ConnectionStore {
  get(companyId: string): Promise<ConnectionRecord | undefined>;
  /** Creates or replaces a record; returns it with its new `version`. Throws `CONFLICT` on a version mismatch. */
  put(record: ConnectionWrite, options?: PutOptions): Promise<ConnectionRecord>;
  /** Returns whether a record was deleted. */
  delete(companyId: string): Promise<boolean>;
  /** All connections, ordered by company id, without decrypting any secret. */
  list(): Promise<ConnectionSummary[]>;
  /**
   * Re-encrypts every refresh token that is not under the current (first) key. Does not change `version`:
   * the plaintext is unchanged, so a refresh that read the record before still writes with its expected version.
   */
  rekey(): Promise<RekeyResult>;
  close(): Promise<void>;
}
