// Company connections in managed mode: holds each company's refresh token (durable, encrypted) and access token
// (memory; shared encrypted in Redis between replicas), refreshes ahead of expiry and on a 401 (single-flight per
// company, across replicas with a Redis lock), sweeps refresh tokens close to expiry daily, and maps /token failures
// to connection states (docs/emulator/oauth-company-tokens.md, spec §3.4 and §7).
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pRetry from "p-retry";
import { normaliseGeolocation, TokenEndpointError, type Caller, type CompanyTokenGrant, type TokenClient, type TokenSource } from "../datasources/index.js";
import { canonicalCompanyId } from "../company-id.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ConnectionRecord, ConnectionState, ConnectionStore, ConnectionSummary, ConnectionWrite, KeyRing } from "./store/index.js";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS, type StoreHealth } from "./store/health.js";

/** What GraphQL shows of a connection: never a token. */
export interface ConnectionView extends Omit<ConnectionSummary, "encryptionKeyId" | "version"> {
  /** Epoch ms when this replica's access token expires; undefined when it holds none. */
  accessExpiresAt?: number;
}

export interface ConnectionChange {
  companyId: string;
  state: ConnectionState;
  /** Why: connected, refreshed, needs-reconnect, disconnected. */
  reason: string;
}

export interface ConnectionManagerOptions {
  store: ConnectionStore;
  tokens: TokenClient;
  /** Seals access tokens shared through Redis. */
  keyRing: KeyRing;
  /** Shared Redis: one refresh per company across replicas, access tokens shared. Default in-process only. */
  redis?: Redis;
  logger: Logger;
  /** Refresh the access token when less than this is left, ms. Default 5 min (spec Q4). */
  refreshAheadMs?: number;
  /** The sweep refreshes refresh tokens expiring within this window, ms. Default 30 days (spec Q4). */
  sweepWindowMs?: number;
  /** How often the sweep runs, ms. Default 24 h; 0 = never (tests call sweep()). */
  sweepIntervalMs?: number;
  /** Attempts for transient /token failures (134, 5xx, network). Default 3. */
  transientAttempts?: number;
  /** First backoff delay for transient failures, ms. Default 250. */
  retryMinTimeoutMs?: number;
  /**
   * Health of the store under `store`: refresh tokens held in memory while it could not write are written when it
   * is back (and counted in its status). Without it they are retried every `pendingRetryMs` only.
   */
  storeHealth?: StoreHealth;
  /** How often refresh tokens held in memory are written again while the store refuses them, ms. Default 5000. */
  pendingRetryMs?: number;
  /** Called after a connection changed (subscriptions) or was removed (cache drop). */
  onChange?: (change: ConnectionChange) => void | Promise<void>;
  now?: () => number;
}

export interface ConnectionManager {
  /** Exchanges a Connect redirect's request token and stores the connection (retried safely within its 24 h). */
  connect(companyId: string, requestToken: string, userId?: string): Promise<ConnectionView>;
  /** Revokes at Concur (best effort), deletes what is stored and drops the company's tokens. */
  disconnect(companyId: string): Promise<boolean>;
  get(companyId: string): Promise<ConnectionView | undefined>;
  list(): Promise<ConnectionView[]>;
  /** A valid access token for the company, refreshing when needed; coded error when it needs a reconnect. */
  accessToken(companyId: string): Promise<string>;
  /** Refreshes every connection whose refresh token expires within the sweep window. Returns how many. */
  sweep(): Promise<number>;
  /**
   * Identity of the company's current connection inside cache keys: changes on every (re)connect and disconnect,
   * so nothing cached under an earlier connection is ever served again.
   */
  cacheEpoch(companyId: string): string;
  /** The TokenSource of the client pipeline in managed mode. */
  tokenSource(defaultBaseUrl: string): TokenSource;
  /** Companies whose refresh token Concur rotated while the store could not write it (held in memory). */
  readonly pendingRefreshTokens: readonly string[];
  /** Writes the held refresh tokens now; resolves with how many are still held. */
  flushPending(): Promise<number>;
  close(): Promise<void>;
}

interface AccessToken {
  token: string;
  expiresAt: number;
}

const LOCK_TTL_MS = 30_000;
/**
 * How long a token Concur refused with 403 right after its renewal is taken as lacking scope or licence (a later 403
 * on it is answered FORBIDDEN without a token call); after that a 403 on it renews once again.
 */
const NOT_EXPIRED_MS = 60_000;
const CHANGES_CHANNEL = "concur-graph:connections:changed";
const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export async function createConnectionManager(options: ConnectionManagerOptions): Promise<ConnectionManager> {
  const { store, tokens, keyRing, redis, logger } = options;
  const now = options.now ?? Date.now;
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
  const sweepWindowMs = options.sweepWindowMs ?? 30 * 24 * 60 * 60_000;
  const access = new Map<string, AccessToken>();
  const inFlight = new Map<string, Promise<AccessToken>>();
  // The access token each caller was last given, so a late 401 for an already replaced token does not refresh again.
  const handedOut = new WeakMap<Caller, string>();
  // The last access token Concur refused per company: never taken from Redis again.
  const refusedTokens = new Map<string, string>();
  // Per company, the access token Concur answered 403 again right after a renewal (not expired: scope or licence), and
  // until when a 403 on it is taken as that rather than as an expiry.
  const notExpired = new Map<string, { token: string; until: number }>();
  // Geolocation and state of every connection, so the pipeline picks a base URL without a database read.
  const known = new Map<string, { geolocation: string; state: ConnectionState; connectedAt: number }>();
  for (const summary of await store.list()) known.set(summary.companyId, { geolocation: summary.geolocation, state: summary.state, connectedAt: summary.connectedAt });
  // The last record read from or written to the store per company: a refresh while the store cannot be read uses it.
  const lastGood = new Map<string, ConnectionRecord>();
  // Refresh results the store could not take: the refresh token Concur rotated lives only here until written.
  // `expectedVersion` is the stored version the refresh started from (the write is conditional on it).
  const pending = new Map<string, { write: ConnectionWrite; expectedVersion: number; since: number }>();
  const pendingRetryMs = options.pendingRetryMs ?? 5_000;
  let pendingTimer: NodeJS.Timeout | undefined;
  let closed = false;
  // Remembered in the background from the start, so a store outage soon after it does not stop refreshes.
  const remembering = (async () => {
    for (const [companyId, entry] of known) {
      if (closed) return;
      if (entry.state !== "CONNECTED" || lastGood.has(companyId)) continue;
      const record = await store.get(companyId).catch(() => undefined);
      if (record && !lastGood.has(companyId)) lastGood.set(companyId, record);
    }
  })();

  // Replicas tell each other when a connection changes (connected, refreshed, needs reconnect, disconnected), so
  // every replica's geolocation, state and cache epoch follow at once, and none keeps serving the old connection.
  const replicaId = randomUUID();
  const changes = redis?.duplicate();
  if (changes) {
    changes.on("error", (err: Error) => logger.warn({ err }, "connection changes channel error"));
    changes.on("message", (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as { from: string; companyId: string; known: { geolocation: string; state: ConnectionState; connectedAt: number } | null };
        if (message.from === replicaId) return;
        if (message.known) known.set(message.companyId, message.known);
        else known.delete(message.companyId);
        // The new access token (if any) is shared in Redis; this replica's copy may be revoked or replaced.
        access.delete(message.companyId);
      } catch (err) {
        logger.warn({ err }, "unreadable connection change from another replica");
      }
    });
    await changes.subscribe(CHANGES_CHANNEL).catch((err: unknown) => logger.warn({ err }, "could not subscribe to connection changes"));
  }
  const announce = async (companyId: string) => {
    await redis?.publish(CHANGES_CHANNEL, JSON.stringify({ from: replicaId, companyId, known: known.get(companyId) ?? null })).catch((err: unknown) => logger.warn({ err, companyId }, "could not announce a connection change"));
  };

  const sharedKey = (companyId: string) => `concur-graph:access:${companyId}`;
  const lockKey = (companyId: string) => `concur-graph:lock:refresh:${companyId}`;
  const fresh = (t: AccessToken | undefined) => t !== undefined && t.expiresAt - refreshAheadMs > now();

  const notify = async (change: ConnectionChange) => {
    try {
      await options.onChange?.(change);
    } catch (err) {
      logger.warn({ err, companyId: change.companyId }, "connection change hook failed");
    }
  };

  const viewOf = (record: ConnectionRecord | ConnectionSummary): ConnectionView => {
    const { refreshToken: _secret, version: _v, encryptionKeyId: _k, ...rest } = record as ConnectionRecord & { encryptionKeyId?: string };
    const held = access.get(record.companyId);
    return held ? { ...rest, accessExpiresAt: held.expiresAt } : rest;
  };

  const needsReconnect = (companyId: string, state: ConnectionState | undefined) =>
    new CodedError(
      ErrorCode.NEEDS_RECONNECT,
      state === undefined
        ? `Company ${companyId} is not connected to this gateway: a Concur admin of the company must click Connect in the App Center (or an admin calls connectCompany with a request token).`
        : `Company ${companyId} must be connected again (${state}): Concur no longer accepts its refresh token. A Concur admin of the company must click Connect in the App Center (or an admin calls connectCompany with a new request token).`,
      { companyId, connectionState: state ?? "NOT_CONNECTED" },
    );

  async function readShared(companyId: string): Promise<AccessToken | undefined> {
    if (!redis) return undefined;
    try {
      const raw = await redis.get(sharedKey(companyId));
      if (!raw) return undefined;
      const parsed = JSON.parse(keyRing.open(raw, `${companyId}#access`)) as AccessToken;
      return fresh(parsed) && parsed.token !== refusedTokens.get(companyId) ? parsed : undefined;
    } catch (err) {
      logger.warn({ err, companyId }, "shared access token unreadable");
      return undefined;
    }
  }

  async function writeShared(companyId: string, token: AccessToken): Promise<void> {
    if (!redis) return;
    const ttl = Math.max(1, token.expiresAt - refreshAheadMs - now());
    await redis.set(sharedKey(companyId), keyRing.seal(JSON.stringify(token), `${companyId}#access`), "PX", ttl).catch((err: unknown) => logger.warn({ err, companyId }, "sharing the access token failed"));
  }

  /** Runs `fn` holding the company's refresh lock (Redis, when configured); waiters re-check the shared token. */
  async function withRefreshLock(companyId: string, fn: () => Promise<AccessToken>): Promise<AccessToken> {
    if (!redis) return fn();
    const owner = randomUUID();
    const deadline = now() + LOCK_TTL_MS;
    for (;;) {
      const got = await redis.set(lockKey(companyId), owner, "PX", LOCK_TTL_MS, "NX").catch(() => "ERR");
      if (got === "OK" || got === "ERR") break; // Redis down: refresh alone rather than not at all
      const shared = await readShared(companyId);
      if (shared) return shared;
      if (now() > deadline) throw new CodedError(ErrorCode.UPSTREAM_TIMEOUT, `Refreshing the Concur token of company ${companyId} took too long on another replica; try again.`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      // Another replica may have refreshed between our last look and the lock.
      return (await readShared(companyId)) ?? (await fn());
    } finally {
      await redis.eval(RELEASE_LUA, 1, lockKey(companyId), owner).catch(() => undefined);
    }
  }

  async function markNeedsReconnect(record: ConnectionRecord, error: TokenEndpointError): Promise<void> {
    const lastError = { code: String(error.code ?? error.status), message: error.description, at: now() };
    try {
      await store.put({ ...record, state: "NEEDS_RECONNECT", lastError }, { expectedVersion: record.version });
    } catch (err) {
      logger.warn({ err, companyId: record.companyId }, "could not record NEEDS_RECONNECT");
    }
    known.set(record.companyId, { geolocation: record.geolocation, state: "NEEDS_RECONNECT", connectedAt: record.connectedAt });
    access.delete(record.companyId);
    await announce(record.companyId);
    await notify({ companyId: record.companyId, state: "NEEDS_RECONNECT", reason: `Concur refused the refresh token (code ${lastError.code})` });
  }

  const transient = (error: unknown) => error instanceof TokenEndpointError && error.kind === "transient";
  const retryTransient = <T>(fn: () => Promise<T>) =>
    pRetry(fn, { retries: Math.max(0, (options.transientAttempts ?? 3) - 1), minTimeout: options.retryMinTimeoutMs ?? 250, factor: 2, randomize: true, shouldRetry: transient });

  async function storeGrant(companyId: string, grant: CompanyTokenGrant, base: Partial<ConnectionRecord> & { connectedAt: number }, expectedVersion?: number): Promise<ConnectionRecord> {
    const geolocation = normaliseGeolocation(grant.geolocation ?? base.geolocation ?? "");
    const write: ConnectionWrite = {
      companyId,
      refreshToken: grant.refreshToken,
      refreshExpiresAt: grant.refreshExpiresAt,
      geolocation,
      scopes: grant.scopes.length > 0 ? grant.scopes : (base.scopes ?? []),
      connectedByUserId: base.connectedByUserId,
      connectedAt: base.connectedAt,
      lastRefreshAt: now(),
      state: "CONNECTED",
    };
    let record: ConnectionRecord;
    try {
      record = await store.put(write, expectedVersion === undefined ? {} : { expectedVersion });
      pending.delete(companyId);
    } catch (error) {
      // A refresh (expectedVersion known) already rotated the refresh token at Concur: the old one may be dead, so
      // the new one must not be lost. It is held here, used by the next refresh, and written when the store is back.
      // A first connect is not held: its request token stays valid for 24 h, so the caller retries it.
      if (expectedVersion === undefined || !isStoreUnavailable(error)) throw error;
      hold(companyId, write, expectedVersion, error);
      record = { ...(write as Omit<ConnectionRecord, "version">), version: expectedVersion };
    }
    lastGood.set(companyId, record);
    known.set(companyId, { geolocation, state: "CONNECTED", connectedAt: base.connectedAt });
    const token = { token: grant.accessToken, expiresAt: grant.accessExpiresAt };
    access.set(companyId, token);
    await writeShared(companyId, token);
    await announce(companyId);
    return record;
  }

  function hold(companyId: string, write: ConnectionWrite, expectedVersion: number, error: CodedError): void {
    const first = !pending.has(companyId);
    pending.set(companyId, { write, expectedVersion, since: pending.get(companyId)?.since ?? now() });
    logger.error(
      { companyId, errorId: error.extensions.errorId, heldRefreshTokens: pending.size },
      "REFRESH TOKEN NOT STORED: Concur issued a new refresh token and the store cannot write it; it is held in memory, used for the next refresh and written when the store is back. If this process stops before that, the company must be connected again.",
    );
    if (first) schedulePendingRetry();
  }

  function schedulePendingRetry(): void {
    if (pendingTimer || pending.size === 0 || pendingRetryMs <= 0) return;
    pendingTimer = setTimeout(() => {
      pendingTimer = undefined;
      void flushPending().finally(schedulePendingRetry);
    }, pendingRetryMs);
    pendingTimer.unref();
  }

  let flushing: Promise<number> | undefined;
  /** Writes every held refresh result; a newer write by another replica (conflict with a later refresh) wins. */
  function flushPending(): Promise<number> {
    flushing ??= (async () => {
      for (const [companyId, held] of [...pending]) {
        try {
          let record: ConnectionRecord;
          try {
            record = await store.put(held.write, { expectedVersion: held.expectedVersion });
          } catch (error) {
            if (!(error instanceof CodedError) || error.code !== ErrorCode.CONFLICT) throw error;
            // Written meanwhile (another replica, or the row was deleted): keep whichever refresh is newer.
            const current = await store.get(companyId);
            if (!current || (current.lastRefreshAt ?? 0) > (held.write.lastRefreshAt ?? 0)) {
              logger.warn({ companyId }, "a held refresh token was superseded in the store meanwhile; the held one is dropped");
              pending.delete(companyId);
              continue;
            }
            record = await store.put(held.write, { expectedVersion: current.version });
          }
          // Only if nothing newer was held for this company while the write ran.
          if (pending.get(companyId) === held) pending.delete(companyId);
          lastGood.set(companyId, record);
          logger.warn({ companyId, heldForMs: now() - held.since }, "held refresh token written to the store");
        } catch (error) {
          if (!isStoreUnavailable(error)) logger.error({ err: error, companyId }, "writing a held refresh token failed");
        }
      }
      return pending.size;
    })().finally(() => (flushing = undefined));
    return flushing;
  }
  options.storeHealth?.onRecovered(() => void flushPending());
  options.storeHealth?.countPending(() => pending.size);

  /** The record a refresh starts from: one held in memory (newest), else the store's, else the last good read. */
  async function recordForRefresh(companyId: string): Promise<{ record: ConnectionRecord | undefined; unconfirmed: boolean }> {
    if (pending.has(companyId)) await flushPending();
    const held = pending.get(companyId);
    if (held) return { record: { ...(held.write as Omit<ConnectionRecord, "version">), version: held.expectedVersion }, unconfirmed: false };
    try {
      const record = await store.get(companyId);
      if (record) lastGood.set(companyId, record);
      else lastGood.delete(companyId);
      return { record, unconfirmed: false };
    } catch (error) {
      const remembered = lastGood.get(companyId);
      if (!remembered || !isStoreUnavailable(error) || known.get(companyId)?.state !== "CONNECTED") throw error;
      return { record: remembered, unconfirmed: true };
    }
  }

  /** One refresh of one company (callers single-flight it). */
  async function refreshNow(companyId: string): Promise<AccessToken> {
    return withRefreshLock(companyId, async () => {
      const read = await recordForRefresh(companyId);
      const { record } = read;
      // A store that cannot be written (or read) may be missing a newer refresh token another replica holds in its
      // memory: a refusal by Concur then proves nothing about the connection.
      const unconfirmed = read.unconfirmed || (options.storeHealth !== undefined && options.storeHealth.state !== "ok" && !pending.has(companyId));
      if (!record || record.state !== "CONNECTED") throw needsReconnect(companyId, record?.state);
      if (record.refreshExpiresAt <= now()) {
        await markNeedsReconnect(record, new TokenEndpointError("reconnect", 400, 108, "invalid_grant", "the refresh token expired", undefined));
        throw needsReconnect(companyId, "NEEDS_RECONNECT");
      }
      let grant: CompanyTokenGrant;
      try {
        grant = await retryTransient(() => tokens.refresh(record.refreshToken, record.geolocation));
      } catch (error) {
        if (error instanceof TokenEndpointError && error.kind === "reconnect" && unconfirmed) {
          // The store may hold a newer refresh token (another replica's refresh) that this memory does not: no verdict.
          logger.warn({ companyId, code: error.code }, "Concur refused the remembered refresh token while the store cannot be read; not marking NEEDS_RECONNECT");
          throw new CodedError(ErrorCode.STORE_UNAVAILABLE, `The gateway's store cannot be read to refresh the Concur token of company ${companyId}; retry in ${STORE_RETRY_AFTER_SECONDS} s.`, { companyId, retryAfterSeconds: STORE_RETRY_AFTER_SECONDS });
        }
        if (error instanceof TokenEndpointError && error.kind === "reconnect") {
          pending.delete(companyId);
          await markNeedsReconnect(record, error);
          throw needsReconnect(companyId, "NEEDS_RECONNECT");
        }
        if (error instanceof TokenEndpointError) {
          logger.warn({ companyId, status: error.status, code: error.code }, "company token refresh failed");
          throw new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `Concur could not refresh the token of company ${companyId} (${error.code !== undefined ? `code ${error.code}` : `HTTP ${error.status}`}); try again later.`, { companyId });
        }
        throw error;
      }
      // Always overwrite refresh token, expiry and geolocation with what the refresh returned (spec §3.2).
      await storeGrant(companyId, grant, record, record.version);
      logger.info({ companyId }, "company token refreshed");
      return access.get(companyId)!;
    });
  }

  function refreshOnce(companyId: string): Promise<AccessToken> {
    let pending = inFlight.get(companyId);
    if (!pending) {
      pending = refreshNow(companyId).finally(() => inFlight.delete(companyId));
      inFlight.set(companyId, pending);
    }
    return pending;
  }

  async function accessToken(rawCompanyId: string): Promise<string> {
    const companyId = canonicalCompanyId(rawCompanyId);
    const held = access.get(companyId);
    if (fresh(held)) return held!.token;
    const state = known.get(companyId)?.state;
    // No token call for a company that cannot refresh: bounded calls, no retry storm.
    if (state !== "CONNECTED") {
      const record = await store.get(companyId);
      if (!record || record.state !== "CONNECTED") throw needsReconnect(companyId, record?.state);
      known.set(companyId, { geolocation: record.geolocation, state: record.state, connectedAt: record.connectedAt });
    }
    const shared = await readShared(companyId);
    if (shared) {
      access.set(companyId, shared);
      return shared.token;
    }
    return (await refreshOnce(companyId)).token;
  }

  // One sweep at a time: a sweep still running when the next is due (a short interval, a slow Concur) is not doubled.
  let sweeping: Promise<unknown> | undefined;
  const sweepIntervalMs = options.sweepIntervalMs ?? 24 * 60 * 60_000;
  const sweepTimer =
    sweepIntervalMs > 0
      ? setInterval(() => {
          sweeping ??= manager
            .sweep()
            .catch((err: unknown) => logger.warn({ err }, "token sweep failed"))
            .finally(() => (sweeping = undefined));
        }, sweepIntervalMs)
      : undefined;
  sweepTimer?.unref();

  const manager: ConnectionManager = {
    // Every id that enters is canonical (Concur's redirect may send the UUID in upper case): the store, the maps
    // and the Redis keys below only ever see one form of it.
    async connect(rawCompanyId, requestToken, userId) {
      const companyId = canonicalCompanyId(rawCompanyId);
      if (typeof requestToken !== "string" || requestToken.trim() === "") {
        throw new CodedError(ErrorCode.BAD_USER_INPUT, "requestToken: send the requestToken of Concur's Connect redirect (valid 24 h).", { field: "requestToken" });
      }
      let grant: CompanyTokenGrant;
      try {
        // A request token may be reused within its 24 h (spec §1), so transient failures are retried.
        grant = await retryTransient(() => tokens.exchangeRequestToken(companyId, requestToken));
      } catch (error) {
        if (!(error instanceof TokenEndpointError)) throw error;
        if (error.kind === "transient") throw new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `Concur could not exchange the request token now (${error.code !== undefined ? `code ${error.code}` : `HTTP ${error.status}`}); the request token stays valid for 24 h: try again later.`, { companyId });
        const why = error.code === 136 ? "it was issued for another app (client id)" : error.code === 53 ? "the company has not enabled this app" : "it is unknown, expired (24 h) or for another company";
        throw new CodedError(ErrorCode.BAD_USER_INPUT, `Concur refused the request token of company ${companyId}: ${why} (code ${error.code ?? error.status}). Ask a Concur admin of the company to click Connect again.`, { field: "requestToken", upstreamErrorCode: String(error.code ?? "") });
      }
      const previous = await store.get(companyId).catch(() => undefined);
      const record = await storeGrant(companyId, grant, { connectedAt: now(), connectedByUserId: userId, scopes: [] }, undefined);
      pending.delete(companyId);
      logger.info({ companyId, userId, reconnect: previous !== undefined }, "company connected");
      await notify({ companyId, state: "CONNECTED", reason: "connected" });
      return viewOf(record);
    },

    async disconnect(rawCompanyId) {
      const companyId = canonicalCompanyId(rawCompanyId);
      const record = await store.get(companyId);
      if (!record) return false;
      try {
        const token = record.state === "CONNECTED" ? await accessToken(companyId) : undefined;
        if (token) await tokens.revoke(token, record.geolocation);
      } catch (err) {
        // Still forget the tokens: the customer can also revoke in Concur; we must not keep them.
        logger.warn({ companyId, code: (err as CodedError).code }, "revocation at Concur failed; deleting the stored connection anyway");
      }
      await store.delete(companyId);
      pending.delete(companyId);
      lastGood.delete(companyId);
      known.delete(companyId);
      access.delete(companyId);
      await redis?.del(sharedKey(companyId)).catch(() => undefined);
      await announce(companyId);
      await notify({ companyId, state: "DISCONNECTED", reason: "disconnected" });
      return true;
    },

    async get(rawCompanyId) {
      const companyId = canonicalCompanyId(rawCompanyId);
      const record = await store.get(companyId);
      if (record) lastGood.set(companyId, record);
      // A refresh result still held in memory is newer than what the store has.
      const held = pending.get(companyId);
      if (held && record) return viewOf({ ...(held.write as Omit<ConnectionRecord, "version">), version: record.version });
      return record ? viewOf(record) : undefined;
    },

    async list() {
      return (await store.list()).map((summary) => {
        const held = pending.get(summary.companyId);
        return held ? viewOf({ ...summary, ...(held.write as Omit<ConnectionRecord, "version">) }) : viewOf(summary);
      });
    },

    get pendingRefreshTokens() {
      return [...pending.keys()];
    },

    flushPending,

    accessToken,

    async sweep() {
      const started = Date.now();
      let refreshed = 0;
      let failed = 0;
      const connections = await store.list();
      for (const summary of connections) {
        if (closed) break;
        if (summary.state !== "CONNECTED" || summary.refreshExpiresAt - now() > sweepWindowMs) continue;
        try {
          await refreshOnce(summary.companyId);
          refreshed += 1;
        } catch (err) {
          failed += 1;
          logger.warn({ companyId: summary.companyId, code: (err as CodedError).code }, "sweep could not refresh a connection");
        }
      }
      // One line per sweep: how many were due, how long the (sequential) refreshes took.
      logger.info({ connections: connections.length, refreshed, failed, durationMs: Date.now() - started }, "token sweep done");
      return refreshed;
    },

    cacheEpoch(rawCompanyId) {
      const companyId = canonicalCompanyId(rawCompanyId);
      return `${companyId}@${known.get(companyId)?.connectedAt ?? "none"}`;
    },

    tokenSource(defaultBaseUrl) {
      return {
        baseUrlFor: (companyId) => (companyId ? (known.get(canonicalCompanyId(companyId))?.geolocation ?? defaultBaseUrl) : defaultBaseUrl),
        authorizationFor: async (caller: Caller, companyId) => {
          if (!companyId) throw new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, "a managed-mode Concur call without a company");
          const token = await accessToken(companyId);
          handedOut.set(caller, token);
          return `Bearer ${token}`;
        },
        async renewAfterUnauthorized(caller, rawCompanyId, refusal = { status: 401, renewed: false }) {
          if (!rawCompanyId) return false;
          const companyId = canonicalCompanyId(rawCompanyId);
          // A 403 (v3 Invoice: "failed validation or expired, or the company has not granted the app") on a token
          // just renewed for a 403 is no expiry: scope or licence. For a while that token is not renewed on a 403
          // again, so a company lacking the scope costs one token call per NOT_EXPIRED_MS, not one per call.
          if (refusal.status === 403) {
            const refused = handedOut.get(caller);
            if (refusal.renewed) {
              if (refused !== undefined) notExpired.set(companyId, { token: refused, until: now() + NOT_EXPIRED_MS });
              return false;
            }
            const verdict = notExpired.get(companyId);
            if (verdict !== undefined && verdict.token === refused && verdict.until > now()) return false;
          }
          if (refusal.renewed) return false;
          // Concur refused the access token before its expiry (revoked, rotated, or the emulator's clock moved on).
          // A 401 that comes back after another call already refreshed (here or on another replica) must not
          // refresh again: retry with the current token, which accessToken() gets single-flight if it is gone.
          const refused = handedOut.get(caller);
          if (refused === undefined) {
            access.delete(companyId);
            await redis?.del(sharedKey(companyId)).catch(() => undefined);
            await refreshOnce(companyId);
            return true;
          }
          // Never adopt the refused token again (another call may still be reading it from Redis).
          refusedTokens.set(companyId, refused);
          const held = access.get(companyId);
          if (held?.token === refused) access.delete(companyId);
          else return true;
          if (redis) {
            const raw = await redis.get(sharedKey(companyId)).catch(() => null);
            const shared = raw ? await readShared(companyId) : undefined;
            if (shared) {
              access.set(companyId, shared);
              return true;
            }
            // Only the refused token is dropped: a newer one another replica shared meanwhile stays.
            if (raw) await redis.eval(RELEASE_LUA, 1, sharedKey(companyId), raw).catch(() => undefined);
          }
          await refreshOnce(companyId);
          return true;
        },
      };
    },

    async close() {
      closed = true;
      await remembering;
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      await Promise.allSettled([...inFlight.values()]);
      if (pendingTimer) clearTimeout(pendingTimer);
      if (pending.size > 0 && (await flushPending()) > 0) {
        logger.error(
          { companies: [...pending.keys()] },
          "STOPPING WITH REFRESH TOKENS NOT STORED: the store never took the refresh tokens Concur rotated for these companies; a Concur admin of each must connect it again",
        );
      }
      await changes?.quit().catch(() => undefined);
    },
  };
  return manager;
}
