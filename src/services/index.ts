import { RecentRequests } from "./recent-requests.js";
import { readFileSync } from "node:fs";
import Keyv from "keyv";
import KeyvRedis from "@keyv/redis";
import { Redis } from "ioredis";
import { Agent } from "undici";
import type { ResolvedGatewayConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { CodedError, ErrorCode } from "../errors.js";
import {
  createConcurClient,
  createConcurReader,
  createPageCache,
  createTokenTrust,
  createTokenCompanyCheck,
  createFilesApi,
  type TokenTrust,
  createRegistrar,
  createWriteBatcher,
  passthroughTokens,
  type Caller,
  type ConcurClient,
  type ConcurClientOptions,
  type ConcurReader,
  type PageCache,
  type Registrar,
  type WriteBatch,
  type WriteBatcher,
  type WriteBatchObserver,
} from "../datasources/index.js";
import {
  createEventIngest,
  createGatewayPubSub,
  createStatusPoller,
  createWebhookHandler,
  RequestStatusTracker,
  type GatewayPubSub,
  type RequestStatusValue,
  type StatusPoller,
  type WebhookHandler,
} from "../subscriptions/index.js";
import { createCallerAuthenticator, createJwtVerifier, openApiKeyStore, type ApiKeyStore, type CallerAuthenticator } from "../callers/index.js";
import { createWriteArrivals, type WriteArrivals } from "./write-arrivals.js";
import { createConnectionManager, type ConnectionManager } from "../connections/manager.js";
import { openConnectLog, type ConnectLog } from "../connections/connect-log.js";
import { createFisServices, type FisServices } from "./fis.js";
import { createKeyRing, createMemoryClaimLedger, createRedisClaimLedger, openConnectionStore, openManagedDatabase, openSqlClaimLedger, parseEncryptionKeys, type ClaimLedger, type StoreStatus } from "../connections/store/index.js";
import { createTokenClient } from "../datasources/index.js";
import { createListItemWriter, createListReader, type ListItemWriter, type ListReader } from "../datasources/index.js";
import { createListSync, type ListSync } from "./list-sync.js";
import { createPostingByFile, type PostingByFile } from "./extract-posting.js";
import { createEventDelivery, type EventDelivery } from "./ess-subscriptions.js";
import { createInvoiceServices, type InvoiceServices } from "./invoice.js";
import { createImageService, type ImageService } from "./images.js";

/**
 * Long-lived services, built once per gateway and shared by every operation: the undici agent, the keyv
 * store, the cache, reader, write batcher, pubsub, status tracker, poller and webhook receiver.
 * Per-operation things (caller, loaders) live in the context.
 */
export interface Services {
  /** The Concur client pipeline (token + base URL per company, retries, coded errors). */
  client: ConcurClient;
  cache: PageCache;
  /** Passthrough mode's per-token entries (token trust, token company), each bounded (see docs/benchmarks.md). */
  callerBookkeeping(): { trustedTokens: number; tokenCompanies: number; tokenCompanyLookups: number };
  reader: ConcurReader;
  writer: WriteBatcher;
  /** Mutations received but not yet queued: the HTTP edge counts them, the batcher waits for them. */
  writeArrivals: WriteArrivals;
  registrar: Registrar;
  pubsub: GatewayPubSub;
  tracker: RequestStatusTracker;
  /** The write requests this replica saw lately (bounded memory; the console's Requests page). */
  recentRequests: RecentRequests;
  /** Polls a request on behalf of its newest watcher (its Caller: own token, or in managed mode the company's). */
  poller: StatusPoller<Caller>;
  webhookHandler: WebhookHandler;
  /** Concur lists (List v4 / List Item v4): reader over the 1-based pages, coalescing bulk writer, list sync. */
  listReader: ListReader;
  listWriter: ListItemWriter;
  listSync: ListSync;
  /** Financial Integration Service: READY-queue reader (shrink-safe walks), coalescing acknowledge/confirm writer, READY poller. */
  fis: FisServices;
  /** Posting by file: edition detection, Extracts, Payment Batches, the job follower and download links. */
  posting: PostingByFile;
  /** Concur Invoice vendors, purchase orders and receipts (v3 APIs): reader, coalescing writer, shared write pacing. */
  invoice: InvoiceServices;
  /** Receipt and invoice images (Image v1) for posting: descriptions and streamed downloads through `posting.links`. */
  images: ImageService;
  /** Managed mode: company connections (tokens), the gateway's API keys and its caller authentication. */
  connections?: ConnectionManager;
  apiKeys?: ApiKeyStore;
  callers?: CallerAuthenticator;
  /** Managed mode: the Connect landing page's single use of request tokens and who connected each company. */
  connectLog?: ConnectLog;
  /** The shared Redis (REDIS_URL), for limits kept across replicas at the HTTP edge (the Connect page). */
  sharedRedis?: Redis;
  /** Whether the shared Redis connection is up (readiness); undefined without REDIS_URL. */
  redisReady?: () => boolean;
  /** Managed mode: the store's state (readiness, metrics); see connections/store/health.ts. */
  storeStatus?: () => StoreStatus;
  /** ESS subscriptions the gateway manages (ESS_MANAGE), or why it does not: GraphQL `eventDelivery`, /readyz, metrics. */
  eventDelivery: EventDelivery;
  /** Stop taking writes and events, send queued writes, finish acknowledged events. */
  drain(): Promise<void>;
  /** Release connections (after drain). */
  close(): Promise<void>;
}

/** Observation hooks the composition root passes in (metrics, upstream health); each must not throw. */
export interface ServiceHooks {
  /** After every upstream HTTP exchange (the client pipeline's `onExchange`). */
  onExchange?: ConcurClientOptions["onExchange"];
  /** Every page-cache read: where it was answered from. */
  onCacheLookup?: (result: "local" | "shared" | "joined" | "miss") => void;
  /** Each processing attempt of an accepted ESS event. */
  onEventProcessed?: (eventType: string, outcome: "processed" | "failed") => void;
  /** The observer of one write batcher (time queued, pacer waits, batch sends: metrics and traces). */
  writeBatches?: (writer: WriteBatch["writer"]) => WriteBatchObserver;
  /** Each Redis failure a part of the gateway degraded on (see README, Redis outages). */
  onRedisError?: (component: RedisComponent) => void;
  /** Each verified ESS event: the short id of the signing key that verified it (key rotation). */
  onSigningKeyVerified?: (keyId: string) => void;
}

/** Parts of the gateway that use Redis, as the Redis-errors metric labels them. */
export type RedisComponent = "cache" | "pubsub" | "limiter" | "dedupe" | "locks";

export async function createServices(config: ResolvedGatewayConfig, logger: Logger, hooks: ServiceHooks = {}): Promise<Services> {
  const closers: Array<() => Promise<unknown> | unknown> = [];

  // One keep-alive connection pool to Concur for all callers.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  closers.push(() => dispatcher.close());

  // Shared store: in-memory by default; Redis so replicas share cache, de-duplication and status.
  // Redis down: commands fail at once (no offline queue) and keyv reports them as misses, so reads go to Concur and
  // nothing waits for a reconnect; the client reconnects by itself.
  const store = config.redisUrl
    ? new Keyv({
        store: new KeyvRedis({ url: config.redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000 } }, { throwOnConnectError: false, connectionTimeout: 1_000 }),
        namespace: "concur-graph",
      })
    : new Keyv({ namespace: "concur-graph" });
  const redisError = (component: RedisComponent) => () => hooks.onRedisError?.(component);
  const cacheError = redisError("cache");
  store.on("error", (err: unknown) => {
    if (config.redisUrl) cacheError();
    logger.warn({ err }, "keyv store error");
  });
  closers.push(() => store.disconnect());
  let redis: Redis | undefined;
  if (config.redisUrl) {
    // Short command timeouts: during a Redis outage pacing falls back to its in-process limiter and locks to local
    // single-flight, instead of requests waiting on reconnects.
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1_000, lazyConnect: false });
    redis.on("error", (err: Error) => logger.warn({ err }, "redis connection error"));
    closers.push(() => redis?.quit());
  }

  // The pacers (limiter) and the refresh locks (locks) share one client; each sees it through its own counter.
  const limiterRedis = redis && observedRedis(redis, redisError("limiter"));
  const pubsub = createGatewayPubSub({ redisUrl: config.redisUrl, logger, onRedisError: redisError("pubsub") });
  closers.push(() => pubsub.close());
  // Connections changing (connect, disconnect) move the ESS subscriptions; the subscriptions are built further down.
  let connectionChanged = () => {};
  const managed = config.managed ? await createManagedMode(config, { dispatcher, redis: redis && observedRedis(redis, redisError("locks")), logger, pubsub, closers, onExchange: hooks.onExchange, onConnectionChange: () => connectionChanged() }) : undefined;
  const tokens = managed?.connections.tokenSource(config.concurBaseUrl) ?? passthroughTokens(config.concurBaseUrl);
  // Passthrough: APIs scoped by the token alone answer only for the token's own company (token-company.ts), learnt
  // from Profile v1 (unless CONCUR_PROFILE_V1=false) once per token and trust window, else confirmed on Accounting
  // Integration.
  const tokenCompany = managed
    ? undefined
    : createTokenCompanyCheck({
          ttlMs: config.tokenTrustSeconds * 1000,
          lookup: async (caller) => (config.files.profileV1 ? ((await createFilesApi({ client, authScheme: config.files.xmlAuthScheme }).getCompanyProfile(caller, undefined)).uuid ?? "") : ""),
          // Accounting Integration names the company in its paths and Concur refuses another company's token there.
          confirm: async (caller, companyId) => {
            try {
              await reader.listErps(caller, companyId);
              return true;
            } catch (error) {
              if (error instanceof CodedError && [ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND].includes(error.code)) return false;
              throw error;
            }
          },
        });
  const client = createConcurClient({ tokens, timeoutMs: config.upstreamTimeoutMs, dispatcher, logger, onExchange: hooks.onExchange, tokenCompany });
  // Passthrough: a cached answer reaches a token only while Concur accepted it recently; a refusal seen by any replica
  // is announced to all (managed mode checks the gateway's own callers on every request instead).
  const tokenTrust = managed
    ? undefined
    : createTokenTrust({ windowMs: config.tokenTrustSeconds * 1000, onRefused: (callerKey) => pubsub.publish("TOKEN_REFUSED", { companyId: ALL_COMPANIES, callerKey }) });
  if (tokenTrust) void forgetRefusedTokens(pubsub, tokenTrust, logger);
  // Without Redis the shared store is in-process: pages stay in the page cache's own LRU only (page-cache.ts).
  const cache = createPageCache({ store, ttlSeconds: config.cacheTtlSeconds, logger, onLookup: hooks.onCacheLookup, tokenTrust, sharedPages: Boolean(config.redisUrl) });
  const reader = createConcurReader({ client, cache, maxPageSize: config.maxPageSize });
  const writeArrivals = createWriteArrivals();
  const writer = createWriteBatcher({
    client,
    logger,
    batchWindowMs: config.batchWindowMs,
    pendingArrivals: () => writeArrivals.pending,
    redis: limiterRedis,
    // A write makes that object type's cached pages stale for every caller.
    onWritten: (companyId, erpId, type) => cache.invalidate(companyId, erpId, type),
    observer: hooks.writeBatches?.("accounting"),
  });
  const registrar = createRegistrar({ client, logger, redis: limiterRedis, onChanged: (companyId, erpId) => cache.invalidate(companyId, erpId, "erp") });
  // Payment batch closes: records in the shared store, one run per batch across replicas through the locks' client.
  const posting = createPostingByFile({ client, reader, pubsub, config: config.files, logger, store, redis: redis && observedRedis(redis, redisError("locks")) });
  closers.push(() => posting.close());

  const listReader = createListReader({ client, maxPageSize: config.maxPageSize });
  // One bulk call at a time per company (so per list), at most one per second (list spec Q1 default).
  const listWriter = createListItemWriter({ client, logger, batchWindowMs: config.batchWindowMs, redis: limiterRedis, pendingArrivals: () => writeArrivals.pending, observer: hooks.writeBatches?.("lists") });
  const invoice = createInvoiceServices({ client, logger, batchWindowMs: config.batchWindowMs, pendingArrivals: () => writeArrivals.pending, redis: limiterRedis, observer: hooks.writeBatches?.("invoice") });
  const listSync = createListSync({ reader, listReader, listWriter, pubsub, store, logger });
  const images = createImageService({ client, authScheme: config.files.xmlAuthScheme, logger, maxBytes: config.files.imageMaxBytes });

  const dedupeError = redisError("dedupe");
  const recentRequests = new RecentRequests();
  const tracker = new RequestStatusTracker({ store, pubsub, logger, onStoreError: dedupeError, onStatusSeen: (update) => recentRequests.note(update) });
  const poller = createStatusPoller<Caller>({
    tracker,
    fallbackAfterMs: config.pollFallbackMs,
    maxIntervalMs: Math.max(config.pollFallbackMs, 60_000),
    logger,
    fetchStatus: async (companyId, erpId, requestId, caller: Caller) => {
      const status = await reader.getRequest(caller, companyId, erpId, requestId);
      // An unknown status is refused by the poller itself (it checks against the known values).
      return { status: status.status as RequestStatusValue };
    },
  });
  closers.push(() => poller.close());
  // The FIS claim ledger: in the managed-mode database (durable, shared by replicas); in passthrough in Redis when
  // replicas share one (shared, as durable as Redis is), else this process's memory.
  const fisLedger = managed?.fisLedger ?? (redis ? createRedisClaimLedger({ redis: observedRedis(redis, redisError("locks")) }) : createMemoryClaimLedger());
  const fis = createFisServices({ client, store, pubsub, logger, pollIntervalMs: config.fisPollIntervalMs, batchWindowMs: config.batchWindowMs, arrivals: writeArrivals, ledger: fisLedger, leaseMs: config.fisClaimLeaseMs });
  closers.push(() => fis.close());
  const webhookHandler = createWebhookHandler({
    publicKeyPem: config.webhook.publicKeyPem,
    maxBodyBytes: config.webhook.maxBodyBytes,
    dedupe: store,
    onDedupeError: dedupeError,
    logger,
    topics: fis.topics,
    onSignatureVerified: (key) => hooks.onSigningKeyVerified?.(key.id),
    reloadKeys: config.webhook.publicKeyFile ? () => readFileSync(config.webhook.publicKeyFile!, "utf8") : undefined,
    onEvent: observedEvents(
      createEventIngest({
        tracker,
        pubsub,
        logger,
        onMappingsChanged: (companyId, erpId) => cache.invalidate(companyId, erpId, "mappings"),
      }),
      hooks.onEventProcessed,
    ),
  });

  // Not observed by upstream health: ESS management failing must not take the gateway out of rotation (polling covers).
  const eventDelivery = createEventDelivery(config, { dispatcher, logger, connections: managed?.connections });
  connectionChanged = () => eventDelivery.connectionChanged();
  closers.push(() => eventDelivery.close());

  return {
    eventDelivery,
    client,
    cache,
    callerBookkeeping: () => ({ trustedTokens: tokenTrust?.size ?? 0, tokenCompanies: tokenCompany ? tokenCompany.sizes.tokens + tokenCompany.sizes.confirmed : 0, tokenCompanyLookups: tokenCompany?.sizes.asking ?? 0 }),
    reader,
    writer,
    writeArrivals,
    registrar,
    pubsub,
    tracker,
    recentRequests,
    poller,
    webhookHandler,
    listReader,
    listWriter,
    listSync,
    fis,
    posting,
    invoice,
    images,
    connections: managed?.connections,
    apiKeys: managed?.apiKeys,
    callers: managed?.callers,
    connectLog: managed?.connectLog,
    sharedRedis: limiterRedis,
    redisReady: redis ? () => redis?.status === "ready" && pubsub.connected !== false : undefined,
    storeStatus: managed?.storeStatus,
    async drain() {
      writer.close();
      listWriter.close();
      await Promise.all([writer.drain(), listWriter.drain(), fis.drain(), registrar.drain(), webhookHandler.close(), invoice.drain()]);
    },
    async close() {
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          logger.warn({ err }, "error while closing");
        }
      }
    },
  };
}

/**
 * Managed mode: the durable database (SQLite file or PostgreSQL) holding encrypted refresh tokens and hashed API
 * keys, the token endpoint client, the connection manager and the caller authenticator. Misconfiguration throws
 * ConfigError with what to fix.
 */
async function createManagedMode(
  config: ResolvedGatewayConfig,
  deps: { dispatcher: Agent; redis?: Redis; logger: Logger; pubsub: GatewayPubSub; closers: Array<() => Promise<unknown> | unknown>; onExchange?: ConcurClientOptions["onExchange"]; onConnectionChange?: () => void },
): Promise<{ connections: ConnectionManager; apiKeys: ApiKeyStore; callers: CallerAuthenticator; fisLedger: ClaimLedger; connectLog: ConnectLog; storeStatus: () => StoreStatus }> {
  const managed = config.managed!;
  const keys = parseEncryptionKeys(managed.encryptionKeys);
  // A missing store refuses the start with REQUIRE_EXISTING_STORE=true, else a new one is created with a loud warning.
  const database = await openManagedDatabase(managed.databaseUrl, { requireExisting: managed.requireExistingStore === true, logger: deps.logger });
  deps.closers.push(() => database.close());
  const store = await openConnectionStore({ database, keys });
  const apiKeys = await openApiKeyStore({ database });
  const fisLedger = await openSqlClaimLedger({ database });
  const jwt = managed.jwt ? createJwtVerifier(managed.jwt) : undefined;
  const tokenHttp = createConcurClient({ baseUrl: managed.tokenUrl, timeoutMs: config.upstreamTimeoutMs, dispatcher: deps.dispatcher, logger: deps.logger, onExchange: deps.onExchange });
  const tokens = createTokenClient({ client: tokenHttp, clientId: managed.clientId, clientSecret: managed.clientSecret, tokenUrl: managed.tokenUrl, appGeolocation: managed.appGeolocation });
  const connections = await createConnectionManager({
    store,
    tokens,
    keyRing: createKeyRing(keys),
    redis: deps.redis,
    logger: deps.logger,
    storeHealth: database.health,
    sweepIntervalMs: (managed.sweepIntervalSeconds ?? 86_400) * 1000,
    sweepWindowMs: (managed.sweepWindowDays ?? 30) * 86_400_000,
    onChange: (change) => {
      deps.pubsub.publish("CONNECTION_CHANGED", change);
      if (change.reason === "connected" || change.reason === "disconnected") deps.onConnectionChange?.();
    },
  });
  deps.closers.push(() => connections.close());
  const connectLog = await openConnectLog(database);
  return { connections, apiKeys, callers: createCallerAuthenticator({ apiKeys, jwt }), fisLedger, connectLog, storeStatus: () => database.health.status() };
}

/** The ingest with each processing attempt reported by event type (metrics). */
function observedEvents<E extends { eventType: string }>(ingest: (event: E) => Promise<void> | void, report: ServiceHooks["onEventProcessed"]) {
  if (!report) return ingest;
  return async (event: E): Promise<void> => {
    try {
      await ingest(event);
      report(event.eventType, "processed");
    } catch (error) {
      report(event.eventType, "failed");
      throw error;
    }
  };
}

/**
 * `client` as one of its users sees it: every command that fails (Redis down, command timeout) is also reported to
 * `onError`. The caller still gets the rejection and degrades its own way (pacing's insurance limiter, lock-free
 * refresh).
 */
function observedRedis(client: Redis, onError: () => void): Redis {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || property === "constructor") return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.then(undefined, onError);
        return result;
      };
    },
  });
}

/** Channel "company" of events that concern every company (token refusals carry no company). */
const ALL_COMPANIES = "*";

/** Applies the token refusals other replicas (and this one) announce, until the pubsub closes. */
async function forgetRefusedTokens(pubsub: GatewayPubSub, trust: TokenTrust, logger: Logger): Promise<void> {
  try {
    for await (const event of pubsub.subscribe("TOKEN_REFUSED", ALL_COMPANIES)) trust.forget(event.callerKey);
  } catch (err) {
    logger.warn({ err }, "token refusal feed ended");
  }
}
