import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { splitPemBlocks } from "./pem.js";

/** Everything the gateway needs, parsed and validated once from the environment, then frozen. */
export interface GatewayConfig {
  /** HTTP + WebSocket port for `/graphql` (0 = any free port). Env `PORT`, default 4000. */
  port: number;
  /** Interface to listen on. Env `HOST`, default 127.0.0.1. */
  host: string;
  /**
   * Base URL of Concur (the token's `geolocation`, e.g. https://us2.api.concursolutions.com).
   * Env `CONCUR_BASE_URL`; unset means "start the embedded emulator" (filled in by the entry point).
   */
  concurBaseUrl?: string;
  /** Port of the embedded emulator when `concurBaseUrl` is unset. Env `EMULATOR_PORT`, default 0 (free port). */
  emulatorPort: number;
  /** ESS webhook receiver. */
  webhook: {
    /** Path on the gateway's HTTP server. Env `WEBHOOK_PATH`, default `/webhooks/concur`. */
    path: string;
    /**
     * Concur's ESS signing keys: PEM text with one or more public keys (or certificates); any of them verifies an event,
     * so a yearly key rotation loses nothing. Env `CONCUR_WEBHOOK_PUBLIC_KEY` (one PEM), `CONCUR_WEBHOOK_PUBLIC_KEYS`
     * (several PEMs, e.g. current and next) or `CONCUR_WEBHOOK_PUBLIC_KEY_FILE` (a file with one or several PEMs); in
     * embedded mode the emulator's key is used when unset. Without a key the receiver refuses every event.
     */
    publicKeyPem?: string;
    /**
     * The key file (env `CONCUR_WEBHOOK_PUBLIC_KEY_FILE`) when the keys came from one: read again, at most every 30 s,
     * when an event verifies with none of the keys, so a key added to the file counts without a restart.
     */
    publicKeyFile?: string;
    /** Largest accepted webhook body in bytes. Env `WEBHOOK_MAX_BYTES`, default 1 MiB. */
    maxBodyBytes: number;
  };
  /** Shared Redis for cache, pubsub and the global upstream rate limit. Env `REDIS_URL`; unset = in-process. */
  redisUrl?: string;
  /** TTL of cached upstream pages and mappings, seconds. Env `CACHE_TTL_SECONDS`, default 300. */
  cacheTtlSeconds: number;
  /**
   * Passthrough mode: cached answers are served to a token only if Concur accepted it within this many seconds;
   * otherwise the read goes to Concur (which checks the token). A token Concur refuses is forgotten at once on every
   * replica. Env `TOKEN_TRUST_SECONDS`, default 30; 0 = every read checks the token at Concur.
   */
  tokenTrustSeconds: number;
  /** Upstream request timeout, ms. Env `UPSTREAM_TIMEOUT_MS`, default 30000. */
  upstreamTimeoutMs: number;
  /** Largest `first` a connection accepts. Env `MAX_PAGE_SIZE`, default 1000. */
  maxPageSize: number;
  /**
   * Quiet time that closes a write batch, ms: the first PATCH of an idle endpoint leaves once no write arrived
   * for this long (at most 1 s after the first). Env `BATCH_WINDOW_MS`, default 25.
   */
  batchWindowMs: number;
  /** Start polling a PROCESSING request when no webhook arrived after this many ms. Env `POLL_FALLBACK_MS`, default 5000. */
  pollFallbackMs: number;
  /**
   * FIS poller (where ESS readyForIntegration events are not subscribed): gap between polls of a company's READY
   * queues while someone subscribes to financialDocumentReady, ms; idle polls back off up to 4x. Env
   * `FIS_POLL_INTERVAL_MS`, default 900000 (15 min, spec Q14).
   */
  fisPollIntervalMs: number;
  /**
   * FIS claim ledger: how long the owner of an acknowledgement or confirmation may work on it before another caller
   * may take it over and settle it by reading the document back (an owner killed between send and answer), ms. Must
   * exceed the longest a FIS POST can take with its retries. Env `FIS_CLAIM_LEASE_MS`, default 300000 (5 min).
   */
  fisClaimLeaseMs: number;
  /** pino level. Env `LOG_LEVEL`, default `info` (the test helpers pass `silent`). */
  logLevel: string;
  /**
   * Env `LOG_FORMAT`: `json` (one JSON object per line), `pretty` (pino-pretty), or `auto` (default: pretty when
   * stdout is a terminal and `NODE_ENV` is not `production`, else json).
   */
  logFormat: "json" | "pretty" | "auto";
  /** `NODE_ENV === "production"`. */
  production: boolean;
  /**
   * Who holds the Concur company tokens. Env `CONCUR_AUTH_MODE`: `passthrough` (callers send a company access
   * token, which is forwarded; the default with CONCUR_BASE_URL) or `managed` (the gateway holds each connected
   * company's tokens; callers authenticate with the gateway's API keys or JWTs; the default of the embedded demo).
   */
  authMode: "passthrough" | "managed";
  /** Managed mode only; undefined in passthrough mode (and in the embedded demo until the emulator is up). */
  managed?: ManagedModeConfig;
  /**
   * The embedded demo's store (no `CONCUR_BASE_URL`, managed mode): env `DATABASE_URL`, default
   * `sqlite:./data/concur-graph.db` (the CLI's default too, so `concur-graph keys …` manages the running demo's keys),
   * and `CONNECTION_ENCRYPTION_KEYS` (unset: the demo keeps a generated key in a file beside a SQLite store).
   */
  demoStore?: { databaseUrl: string; encryptionKeys?: string };
  /** The App Center landing page (managed mode): partner sign-in, abuse limits, wording. See {@link ConnectPageConfig}. */
  connectPage: ConnectPageConfig;
  /** Posting by file: edition detection, Extracts, Payment Batches and file downloads (docs/posting-by-file.md). */
  files: FilesConfig;
  /** Operation limits, checked once per distinct text before execution (README, Security). */
  limits: OperationLimits;
  /**
   * Strip "Did you mean …" suggestions (they describe the schema) from error messages. Env
   * `HIDE_SCHEMA_SUGGESTIONS` (`true`/`false`), default true when `NODE_ENV=production`.
   */
  hideSchemaSuggestions: boolean;
  /** Budget of the compiled-query cache (graphql-jit), bytes of query text. Env `COMPILED_QUERY_CACHE_BYTES`, default 16 MiB. */
  compiledQueryCacheBytes: number;
  /**
   * Budget of reusable serialized answers of identical queries (see src/http/result-sharing.ts), bytes. Env
   * `ANSWER_CACHE_BYTES`, default 32 MiB; 0 turns reuse off (identical queries in flight together still run once).
   */
  answerCacheBytes: number;
  /** Path of the Prometheus endpoint on the gateway's port. Env `METRICS_PATH`, default `/metrics`; `off` disables it. */
  metricsPath?: string;
  /** How far back readiness looks at upstream calls, seconds. Env `UPSTREAM_HEALTH_WINDOW_SECONDS`, default 60. */
  upstreamHealthWindowSeconds: number;
  /** Traces (OpenTelemetry), exported over OTLP only when an endpoint is set (README, Operations, Traces). */
  tracing: TracingConfig;
  /** ESS webhook subscriptions the gateway manages itself (docs/ess-subscriptions.md). */
  ess: EssConfig;
  /**
   * Trusted documents (docs/security.md): env `TRUSTED_DOCUMENTS` = `off` (default), `log` (operations outside the
   * manifest run and are logged once each) or `enforce` (they are refused with PERSISTED_QUERY_NOT_IN_LIST);
   * `TRUSTED_DOCUMENTS_FILE` = the manifest (Apollo persisted-query manifest or the client preset's
   * persisted-documents.json), required unless off.
   */
  trustedDocuments: { mode: "off" | "log" | "enforce"; manifestPath?: string };
}

/** ESS subscriptions managed by the gateway: app token per data center, one subscription per topic there. */
export interface EssConfig {
  /**
   * Env `ESS_MANAGE`: `on`, `off` or `auto` (default): on when `PUBLIC_URL` is set in managed mode (the app's client
   * credentials get the app token). On needs both.
   */
  manage: boolean;
  /** The features whose topics are subscribed. Env `ESS_TOPICS`: `accounting`, `fis`, comma-separated; default both. */
  topics: readonly EssTopicKey[];
  /**
   * Start of every subscription id (ids are unique across all of Concur's apps): `<prefix>.<topic>.<data center>`.
   * Env `ESS_SUBSCRIPTION_PREFIX`; default `concur-graph.<PUBLIC_URL host>`.
   */
  subscriptionPrefix: string;
  /** How often the subscriptions are checked again (Concur deletes idle ones after 30 days), ms. Env `ESS_CHECK_INTERVAL_MS`, default 6 h. */
  checkIntervalMs: number;
  /** First retry after a failure, ms, doubling up to the check interval. Env `ESS_RETRY_MS`, default 60000. */
  retryMs: number;
}

/** Features with an ESS topic: Accounting Integration request statuses, FIS readyForIntegration. */
export type EssTopicKey = "accounting" | "fis";

/** OpenTelemetry traces, from the standard OTel environment variables. */
export interface TracingConfig {
  /**
   * Where spans are sent (OTLP over HTTP, JSON): env `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. Unset (or `OTEL_SDK_DISABLED=true`): no tracing SDK is started.
   * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`, if set, must be `http/json` (the one exporter shipped).
   */
  otlpTracesUrl?: string;
  /** `service.name` of the spans. Env `OTEL_SERVICE_NAME`, default `concur-graph`. */
  serviceName: string;
}

/** Operation limits; 0 turns one off. See src/http/limits.ts for how each is counted. */
export interface OperationLimits {
  /** Lexical tokens the parser reads before giving up. Env `MAX_TOKENS`, default 5000. */
  maxTokens: number;
  /**
   * Aliased fields per operation (`__typename` not counted). Env `MAX_ALIASES`, default 100 (aliased write fields
   * of one operation share a PATCH, so mutations alias by design).
   */
  maxAliases: number;
  /** Field nesting depth (introspection not counted). Env `MAX_DEPTH`, default 12. */
  maxDepth: number;
  /** Directives per operation. Env `MAX_DIRECTIVES`, default 50. */
  maxDirectives: number;
  /**
   * What an operation may fetch: each field costs 1 plus its children; a connection's children count `first`
   * times (its default when omitted), `_entities`' children once per representation. Env `MAX_COST`, default 50000.
   */
  maxCost: number;
}

/** What managed mode needs; every field is validated at start. */
export interface ManagedModeConfig {
  /** Env `CONCUR_CLIENT_ID` (required): the partner app's client id. */
  clientId: string;
  /** Env `CONCUR_CLIENT_SECRET` (required). Never logged. */
  clientSecret: string;
  /** Env `CONCUR_TOKEN_URL`, default `https://glz.api.concursolutions.com`: host of the request-token exchange. */
  tokenUrl: string;
  /** Env `CONCUR_APP_GEOLOCATION`: the app's default geolocation, tried once when the exchange at GLZ fails (spec Q1). */
  appGeolocation?: string;
  /** Env `CONNECTION_ENCRYPTION_KEYS` (required): `id:base64key[,oldId:oldKey…]`, 32-byte AES keys, first encrypts. */
  encryptionKeys: string;
  /** Env `DATABASE_URL`, default `sqlite:./data/concur-graph.db`; `postgres://…` for several replicas. */
  databaseUrl: string;
  /**
   * Env `REQUIRE_EXISTING_STORE`, default false: refuse to start when the store is missing (no SQLite file, or a
   * database without the gateway's tables) instead of creating an empty one with a loud warning. Set it once the
   * deployment's first start created the store.
   */
  requireExistingStore?: boolean;
  /** Env `JWT_JWKS_URL`: accept JWTs signed by this JWKS as callers (besides API keys). */
  jwt?: {
    jwksUrl: string;
    /** Env `JWT_ISSUER`: the `iss` a caller's JWT must carry. Default any. */
    issuer?: string;
    /** Env `JWT_AUDIENCE`: the `aud` a caller's JWT must carry. Default any. */
    audience?: string;
    /** Env `JWT_COMPANIES_CLAIM`, default `concur_companies`: the claim listing the caller's companies (array or space/comma string, `*` = all). */
    companiesClaim: string;
    /** Env `JWT_ROLE_CLAIM`, default `concur_role`: the claim holding the caller's role (`read`, `write`, `admin`). */
    roleClaim: string;
  };
  /** Env `CONNECT_PATH`, default `/concur/connect`: the App Center landing URL (Concur's Connect redirect). */
  connectPath: string;
  /**
   * How often the sweep renews every refresh token close to its expiry (so an idle customer is never disconnected by
   * Concur's 6-month expiry), seconds. Env `CONNECTION_SWEEP_INTERVAL_SECONDS`, default 86400 (daily), at most 604800 (weekly); 0 = never.
   */
  sweepIntervalSeconds?: number;
  /** The sweep renews the refresh tokens expiring within this many days. Env `CONNECTION_SWEEP_WINDOW_DAYS`, default 30. */
  sweepWindowDays?: number;
}

/** Configuration of one gateway instance: the environment's config with the upstream resolved. */
export type ResolvedGatewayConfig = Readonly<GatewayConfig> & { readonly concurBaseUrl: string };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected a whole number from ${min} to ${max}.`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected true or false.`);
}

function metricsPath(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.METRICS_PATH || "/metrics";
  if (raw === "off") return undefined;
  if (!raw.startsWith("/") || raw === "/graphql") throw new ConfigError(`METRICS_PATH=${JSON.stringify(raw)} is invalid: expected a path such as /metrics (not /graphql), or off.`);
  return raw;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a URL: expected for example ${protocols[0]}//host:port.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} must use ${protocols.join(" or ")}.`);
  }
  return raw.replace(/\/+$/, "");
}

function publicKey(env: NodeJS.ProcessEnv): string | undefined {
  const set = ["CONCUR_WEBHOOK_PUBLIC_KEY", "CONCUR_WEBHOOK_PUBLIC_KEYS", "CONCUR_WEBHOOK_PUBLIC_KEY_FILE"].filter((name) => env[name]);
  if (set.length > 1) throw new ConfigError(`Set only one of ${set.join(" and ")}: list every key (current and next) in one of them.`);
  const inline = env.CONCUR_WEBHOOK_PUBLIC_KEY || env.CONCUR_WEBHOOK_PUBLIC_KEYS;
  const file = env.CONCUR_WEBHOOK_PUBLIC_KEY_FILE;
  let pem = inline;
  if (file) {
    try {
      pem = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(`CONCUR_WEBHOOK_PUBLIC_KEY_FILE=${file} cannot be read: ${(error as Error).message}`);
    }
  }
  if (pem === undefined || pem === "") return undefined;
  pem = pem.replace(/\\n/g, "\n");
  // One or more PEM blocks (public keys or certificates), each parsed: a bad key fails the start, not the first event.
  const blocks = splitPemBlocks(pem);
  if (blocks.length === 0) {
    throw new ConfigError("The Concur webhook public key must be a PEM starting with -----BEGIN PUBLIC KEY----- (several PEMs may follow one another).");
  }
  blocks.forEach((block, i) => {
    try {
      createPublicKey(block);
    } catch (error) {
      throw new ConfigError(`The Concur webhook public key #${i + 1} cannot be read: ${(error as Error).message}`);
    }
  });
  return pem;
}

/** The only reader of `process.env`. Throws ConfigError with an actionable message on bad values. */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<GatewayConfig> {
  const config: GatewayConfig = {
    port: integer(env, "PORT", 4000, 0, 65535),
    host: env.HOST || "127.0.0.1",
    concurBaseUrl: url(env, "CONCUR_BASE_URL", ["https:", "http:"]),
    emulatorPort: integer(env, "EMULATOR_PORT", 0, 0, 65535),
    webhook: {
      path: env.WEBHOOK_PATH || "/webhooks/concur",
      publicKeyPem: publicKey(env),
      publicKeyFile: env.CONCUR_WEBHOOK_PUBLIC_KEY_FILE || undefined,
      maxBodyBytes: integer(env, "WEBHOOK_MAX_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"]),
    cacheTtlSeconds: integer(env, "CACHE_TTL_SECONDS", 300, 0, 86_400),
    tokenTrustSeconds: integer(env, "TOKEN_TRUST_SECONDS", 30, 0, 3_600),
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", 30_000, 100, 600_000),
    maxPageSize: integer(env, "MAX_PAGE_SIZE", 1000, 1, 10_000),
    batchWindowMs: integer(env, "BATCH_WINDOW_MS", 25, 0, 5_000),
    pollFallbackMs: integer(env, "POLL_FALLBACK_MS", 5_000, 10, 3_600_000),
    fisPollIntervalMs: integer(env, "FIS_POLL_INTERVAL_MS", 900_000, 50, 86_400_000),
    fisClaimLeaseMs: integer(env, "FIS_CLAIM_LEASE_MS", 300_000, 100, 86_400_000),
    logLevel: env.LOG_LEVEL || "info",
    logFormat: logFormat(env),
    production: env.NODE_ENV === "production",
    authMode: "passthrough",
    files: filesConfig(env),
    limits: {
      maxTokens: integer(env, "MAX_TOKENS", 5000, 0, 1_000_000),
      maxAliases: integer(env, "MAX_ALIASES", 100, 0, 100_000),
      maxDepth: integer(env, "MAX_DEPTH", 12, 0, 1000),
      maxDirectives: integer(env, "MAX_DIRECTIVES", 50, 0, 100_000),
      maxCost: integer(env, "MAX_COST", 50_000, 0, 1_000_000_000),
    },
    hideSchemaSuggestions: boolean(env, "HIDE_SCHEMA_SUGGESTIONS", env.NODE_ENV === "production"),
    compiledQueryCacheBytes: integer(env, "COMPILED_QUERY_CACHE_BYTES", 16 * 1024 * 1024, 0, 4 * 1024 * 1024 * 1024),
    answerCacheBytes: integer(env, "ANSWER_CACHE_BYTES", 32 * 1024 * 1024, 0, 4 * 1024 * 1024 * 1024),
    metricsPath: metricsPath(env),
    upstreamHealthWindowSeconds: integer(env, "UPSTREAM_HEALTH_WINDOW_SECONDS", 60, 1, 86_400),
    tracing: tracingConfig(env),
    ess: { manage: false, topics: [], subscriptionPrefix: "", checkIntervalMs: 0, retryMs: 0 },
    trustedDocuments: trustedDocumentsConfig(env),
    connectPage: connectPageConfig(env),
  };
  config.authMode = authMode(env, config.concurBaseUrl === undefined);
  config.ess = essConfig(env, config.authMode, config.files.publicUrl);
  // Embedded (no CONCUR_BASE_URL): the demo fills managed mode in with the emulator's app and a throw-away store.
  if (config.authMode === "managed" && config.concurBaseUrl !== undefined) config.managed = managedMode(env);
  if (config.authMode === "managed" && config.concurBaseUrl === undefined) {
    config.demoStore = { databaseUrl: env.DATABASE_URL || "sqlite:./data/concur-graph.db", encryptionKeys: env.CONNECTION_ENCRYPTION_KEYS || undefined };
  }
  if (!config.webhook.path.startsWith("/")) throw new ConfigError(`WEBHOOK_PATH must start with "/", got ${JSON.stringify(config.webhook.path)}.`);
  if (config.webhook.path === "/graphql") throw new ConfigError("WEBHOOK_PATH cannot be /graphql: that path serves GraphQL.");
  return Object.freeze(config);
}

function authMode(env: NodeJS.ProcessEnv, embedded: boolean): "passthrough" | "managed" {
  const raw = env.CONCUR_AUTH_MODE || (embedded ? "managed" : "passthrough");
  if (raw !== "passthrough" && raw !== "managed") throw new ConfigError(`CONCUR_AUTH_MODE=${JSON.stringify(raw)} is invalid: expected passthrough or managed.`);
  return raw;
}

function requiredText(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value || value.trim() === "") throw new ConfigError(`${name} is required in managed mode (CONCUR_AUTH_MODE=managed): ${what}.`);
  return value.trim();
}

function managedMode(env: NodeJS.ProcessEnv): ManagedModeConfig {
  const clientId = requiredText(env, "CONCUR_CLIENT_ID", "the client id of your Concur partner app");
  const clientSecret = requiredText(env, "CONCUR_CLIENT_SECRET", "the client secret of your Concur partner app");
  const encryptionKeys = requiredText(env, "CONNECTION_ENCRYPTION_KEYS", "id:key with a 32-byte key in base64 (e.g. k1:$(openssl rand -base64 32)) that encrypts refresh tokens at rest");
  const jwksUrl = url(env, "JWT_JWKS_URL", ["https:", "http:"]);
  return {
    clientId,
    clientSecret,
    tokenUrl: url(env, "CONCUR_TOKEN_URL", ["https:", "http:"]) ?? "https://glz.api.concursolutions.com",
    appGeolocation: url(env, "CONCUR_APP_GEOLOCATION", ["https:", "http:"]),
    encryptionKeys,
    databaseUrl: env.DATABASE_URL || "sqlite:./data/concur-graph.db",
    requireExistingStore: boolean(env, "REQUIRE_EXISTING_STORE", false),
    jwt: jwksUrl
      ? { jwksUrl, issuer: env.JWT_ISSUER || undefined, audience: env.JWT_AUDIENCE || undefined, companiesClaim: env.JWT_COMPANIES_CLAIM || "concur_companies", roleClaim: env.JWT_ROLE_CLAIM || "concur_role" }
      : undefined,
    connectPath: env.CONNECT_PATH || "/concur/connect",
    sweepIntervalSeconds: integer(env, "CONNECTION_SWEEP_INTERVAL_SECONDS", 86_400, 0, 7 * 86_400),
    sweepWindowDays: integer(env, "CONNECTION_SWEEP_WINDOW_DAYS", 30, 1, 366),
  };
}

/** Posting by file (docs/posting-by-file.md); every value validated at start. */
export interface FilesConfig {
  /**
   * Authorization scheme of the XML APIs (Extracts, Payment Batches; spec Q1). Env `CONCUR_XML_AUTH_SCHEME`:
   * `bearer`, `oauth` (as the old docs show) or `bearer-then-oauth` (Bearer; on a 401 once more with OAuth), the default.
   */
  xmlAuthScheme: "bearer" | "oauth" | "bearer-then-oauth";
  /**
   * Ask the deprecated Profile v1 company resource for the edition when the Accounting mappings do not tell it.
   * Env `CONCUR_PROFILE_V1` (`true`/`false`), default true.
   */
  profileV1: boolean;
  /** How long a detected edition is kept before it is checked again, ms. Env `EDITION_RECHECK_HOURS`, default 168 (weekly). */
  editionRecheckMs: number;
  /** Companies on the Financial Integration Service (their posting channel is FIS). Env `FIS_COMPANIES`: UUIDs, comma-separated, or `*`. Default none. */
  fisCompanies: readonly string[];
  /** First poll of a followed extract job, ms; doubles per poll up to the max. Env `EXTRACT_POLL_MIN_MS`, default 2000. */
  extractPollMinMs: number;
  /** Longest pause between polls, ms (spec Q3: 15 s). Env `EXTRACT_POLL_MAX_MS`, default 15000. */
  extractPollMaxMs: number;
  /** A followed job not final after this long ends as TIMED_OUT, ms (spec Q3: 30 min). Env `EXTRACT_FOLLOW_TIMEOUT_MS`, default 1800000. */
  extractFollowTimeoutMs: number;
  /**
   * Longest closePaymentBatch / paymentBatchFile wait before answering what is known (CLOSING, CLOSED_FILE_PENDING)
   * while the close goes on, ms. Env `PAYMENT_BATCH_CLOSE_ANSWER_MS`, default 20000.
   */
  paymentBatchAnswerMs: number;
  /** First pause between batch-list checks while a closed batch is not listed CLOSED yet, ms; doubles up to the max. Env `PAYMENT_BATCH_POLL_MIN_MS`, default 1000. */
  paymentBatchPollMinMs: number;
  /** Longest pause between those checks, ms. Env `PAYMENT_BATCH_POLL_MAX_MS`, default 15000. */
  paymentBatchPollMaxMs: number;
  /** How long after its close the gateway waits for a batch to be listed CLOSED (then a later call may close again), ms. Env `PAYMENT_BATCH_CLOSE_WAIT_MS`, default 1800000. */
  paymentBatchCloseWaitMs: number;
  /** Lifetime of a download URL, seconds. Env `FILE_URL_TTL_SECONDS`, default 300. */
  downloadTtlSeconds: number;
  /**
   * HMAC key of download URLs, shared by every replica. Env `FILE_URL_SECRET` (at least 32 characters); default a
   * random key per instance (a URL then works only on the replica that made it).
   */
  downloadSecret?: string;
  /** Origin download URLs are built on (behind a proxy). Env `PUBLIC_URL`; default the gateway's own origin. */
  publicUrl?: string;
  /**
   * Largest receipt or invoice image a download streams, bytes: a larger one (by Content-Length, or counted while it
   * streams) ends with PAYLOAD_TOO_LARGE. Env `IMAGE_DOWNLOAD_MAX_BYTES`, default 52428800 (50 MiB; Image v1 uploads
   * are at most 10 MB), at least 1024.
   */
  imageMaxBytes: number;
}

function filesConfig(env: NodeJS.ProcessEnv): FilesConfig {
  const scheme = env.CONCUR_XML_AUTH_SCHEME || "bearer-then-oauth";
  if (scheme !== "bearer" && scheme !== "oauth" && scheme !== "bearer-then-oauth") {
    throw new ConfigError(`CONCUR_XML_AUTH_SCHEME=${JSON.stringify(scheme)} is invalid: expected bearer, oauth or bearer-then-oauth.`);
  }
  const profile = env.CONCUR_PROFILE_V1 || "true";
  if (!/^(true|false)$/i.test(profile)) throw new ConfigError(`CONCUR_PROFILE_V1=${JSON.stringify(profile)} is invalid: expected true or false.`);
  const fis = (env.FIS_COMPANIES ?? "").split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  const bad = fis.find((s) => s !== "*" && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s));
  if (bad !== undefined) throw new ConfigError(`FIS_COMPANIES contains ${JSON.stringify(bad)}: expected company UUIDs separated by commas, or *.`);
  const secret = env.FILE_URL_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) throw new ConfigError("FILE_URL_SECRET must be at least 32 characters (e.g. $(openssl rand -base64 32)).");
  const pollMin = integer(env, "EXTRACT_POLL_MIN_MS", 2_000, 10, 600_000);
  const pollMax = integer(env, "EXTRACT_POLL_MAX_MS", 15_000, 10, 3_600_000);
  if (pollMax < pollMin) throw new ConfigError(`EXTRACT_POLL_MAX_MS (${pollMax}) must be at least EXTRACT_POLL_MIN_MS (${pollMin}).`);
  const batchPollMin = integer(env, "PAYMENT_BATCH_POLL_MIN_MS", 1_000, 10, 600_000);
  const batchPollMax = integer(env, "PAYMENT_BATCH_POLL_MAX_MS", 15_000, 10, 3_600_000);
  if (batchPollMax < batchPollMin) throw new ConfigError(`PAYMENT_BATCH_POLL_MAX_MS (${batchPollMax}) must be at least PAYMENT_BATCH_POLL_MIN_MS (${batchPollMin}).`);
  return Object.freeze({
    xmlAuthScheme: scheme,
    profileV1: profile.toLowerCase() === "true",
    editionRecheckMs: integer(env, "EDITION_RECHECK_HOURS", 168, 0, 24 * 365) * 3_600_000,
    fisCompanies: Object.freeze(fis),
    extractPollMinMs: pollMin,
    extractPollMaxMs: pollMax,
    extractFollowTimeoutMs: integer(env, "EXTRACT_FOLLOW_TIMEOUT_MS", 1_800_000, 100, 86_400_000),
    paymentBatchAnswerMs: integer(env, "PAYMENT_BATCH_CLOSE_ANSWER_MS", 20_000, 100, 600_000),
    paymentBatchPollMinMs: batchPollMin,
    paymentBatchPollMaxMs: batchPollMax,
    paymentBatchCloseWaitMs: integer(env, "PAYMENT_BATCH_CLOSE_WAIT_MS", 1_800_000, 100, 86_400_000),
    downloadTtlSeconds: integer(env, "FILE_URL_TTL_SECONDS", 300, 1, 3_600),
    downloadSecret: secret,
    publicUrl: url(env, "PUBLIC_URL", ["https:", "http:"]),
    imageMaxBytes: integer(env, "IMAGE_DOWNLOAD_MAX_BYTES", 52_428_800, 1_024, 4 * 1024 ** 3),
  });
}

function essConfig(env: NodeJS.ProcessEnv, mode: "passthrough" | "managed", publicUrl: string | undefined): EssConfig {
  const raw = (env.ESS_MANAGE || "auto").toLowerCase();
  if (raw !== "on" && raw !== "off" && raw !== "auto") throw new ConfigError(`ESS_MANAGE=${JSON.stringify(env.ESS_MANAGE)} is invalid: expected on, off or auto.`);
  if (raw === "on" && !publicUrl) throw new ConfigError("ESS_MANAGE=on needs PUBLIC_URL: the public https origin ESS posts events to (PUBLIC_URL + WEBHOOK_PATH).");
  if (raw === "on" && mode !== "managed") throw new ConfigError("ESS_MANAGE=on needs CONCUR_AUTH_MODE=managed: the app token comes from CONCUR_CLIENT_ID / CONCUR_CLIENT_SECRET.");
  const topics = (env.ESS_TOPICS || "accounting,fis").split(",").map((t) => t.trim().toLowerCase()).filter((t) => t !== "");
  const bad = topics.find((t) => t !== "accounting" && t !== "fis");
  if (bad !== undefined || topics.length === 0) throw new ConfigError(`ESS_TOPICS=${JSON.stringify(env.ESS_TOPICS)} is invalid: expected accounting, fis or both, comma-separated.`);
  const prefix = env.ESS_SUBSCRIPTION_PREFIX || defaultSubscriptionPrefix(publicUrl);
  // [MGMT] ids: lowercase letters, digits, "." and "-"; the topic and data center are appended.
  if (!/^[a-z0-9][a-z0-9.-]{0,150}$/.test(prefix)) throw new ConfigError(`ESS_SUBSCRIPTION_PREFIX=${JSON.stringify(prefix)} is invalid: lowercase letters, digits, "." and "-" only (at most 151).`);
  const checkIntervalMs = integer(env, "ESS_CHECK_INTERVAL_MS", 6 * 3_600_000, 1_000, 7 * 24 * 3_600_000);
  return Object.freeze({
    manage: raw === "on" || (raw === "auto" && publicUrl !== undefined && mode === "managed"),
    topics: Object.freeze([...new Set(topics)] as EssTopicKey[]),
    subscriptionPrefix: prefix,
    checkIntervalMs,
    retryMs: Math.min(integer(env, "ESS_RETRY_MS", 60_000, 10, 24 * 3_600_000), checkIntervalMs),
  });
}

/** `concur-graph.<host>[-<port>]` of PUBLIC_URL: unique per deployment, as ESS ids are unique across every app. */
function defaultSubscriptionPrefix(publicUrl: string | undefined): string {
  if (!publicUrl) return "concur-graph";
  const { hostname, port } = new URL(publicUrl);
  const host = `${hostname}${port ? `-${port}` : ""}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[.-]+|[.-]+$/g, "");
  return `concur-graph.${host}`.slice(0, 151);
}

function tracingConfig(env: NodeJS.ProcessEnv): TracingConfig {
  const serviceName = env.OTEL_SERVICE_NAME || "concur-graph";
  if (boolean(env, "OTEL_SDK_DISABLED", false)) return Object.freeze({ serviceName });
  const traces = url(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ["http:", "https:"]);
  const base = url(env, "OTEL_EXPORTER_OTLP_ENDPOINT", ["http:", "https:"]);
  const otlpTracesUrl = traces ?? (base === undefined ? undefined : `${base}/v1/traces`);
  if (otlpTracesUrl !== undefined) {
    // Only the OTLP/HTTP JSON exporter ships with the gateway; a collector's port 4318 takes it.
    const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
    const protocol = env[name];
    if (protocol && protocol !== "http/json") {
      throw new ConfigError(`${name}=${JSON.stringify(protocol)} is not supported: concur-graph exports traces as OTLP over HTTP with JSON (a collector's port 4318); set http/json or leave it unset.`);
    }
  }
  return Object.freeze({ otlpTracesUrl, serviceName });
}

function logFormat(env: NodeJS.ProcessEnv): "json" | "pretty" | "auto" {
  const raw = env.LOG_FORMAT || "auto";
  if (raw !== "json" && raw !== "pretty" && raw !== "auto") throw new ConfigError(`LOG_FORMAT=${JSON.stringify(raw)} is invalid: expected json, pretty or auto.`);
  return raw;
}

/** The Connect landing page a customer's browser reaches from the App Center (managed mode; docs/connecting-customers.md). */
export interface ConnectPageConfig {
  /**
   * Env `CONNECT_SIGN_IN`: `none` (default: the request token of Concur's redirect is the credential) or `oidc` (the
   * person first signs in with the partner's OpenID Connect provider, and who connected is recorded).
   */
  signIn: "none" | "oidc";
  /** With `CONNECT_SIGN_IN=oidc`: env `CONNECT_OIDC_ISSUER`, `CONNECT_OIDC_CLIENT_ID`, `CONNECT_OIDC_CLIENT_SECRET` (required). */
  oidc?: {
    issuer: string;
    clientId: string;
    /** Never logged. */
    clientSecret: string;
    /** Env `CONNECT_OIDC_SCOPES`, default `openid email profile`. */
    scopes: string;
    /** Env `CONNECT_OIDC_REDIRECT_URL`; default `<PUBLIC_URL or the gateway's origin><CONNECT_PATH>/callback`. Register it at the provider. */
    redirectUrl?: string;
  };
  /** Landing requests per client IP per window (0 = no limit). Env `CONNECT_RATE_PER_IP`, default 30. */
  ratePerIp: number;
  /** Landing requests per company per window (0 = no limit). Env `CONNECT_RATE_PER_COMPANY`, default 10. */
  ratePerCompany: number;
  /** Env `CONNECT_RATE_WINDOW_SECONDS`, default 600. */
  rateWindowSeconds: number;
  /** The app's name as customers know it, shown on the page. Env `CONNECT_APP_NAME`, default `concur-graph`. */
  appName: string;
  /** Who to contact when connecting fails (text: an e-mail address, URL or phone), shown on failure pages. Env `CONNECT_SUPPORT_CONTACT`. */
  supportContact?: string;
}

function connectPageConfig(env: NodeJS.ProcessEnv): ConnectPageConfig {
  const signIn = env.CONNECT_SIGN_IN || "none";
  if (signIn !== "none" && signIn !== "oidc") throw new ConfigError(`CONNECT_SIGN_IN=${JSON.stringify(signIn)} is invalid: expected none or oidc.`);
  let oidc: ConnectPageConfig["oidc"];
  if (signIn === "oidc") {
    const need = (name: string, what: string) => {
      const value = env[name]?.trim();
      if (!value) throw new ConfigError(`${name} is required with CONNECT_SIGN_IN=oidc: ${what}.`);
      return value;
    };
    need("CONNECT_OIDC_ISSUER", "the issuer URL of your OpenID Connect provider (its /.well-known/openid-configuration is read)");
    const scopes = env.CONNECT_OIDC_SCOPES?.trim() || "openid email profile";
    if (!scopes.split(/\s+/).includes("openid")) throw new ConfigError(`CONNECT_OIDC_SCOPES=${JSON.stringify(scopes)} must include openid.`);
    oidc = {
      issuer: url(env, "CONNECT_OIDC_ISSUER", ["https:", "http:"])!,
      clientId: need("CONNECT_OIDC_CLIENT_ID", "the client id the provider gave the landing page"),
      clientSecret: need("CONNECT_OIDC_CLIENT_SECRET", "that client's secret"),
      scopes,
      redirectUrl: url(env, "CONNECT_OIDC_REDIRECT_URL", ["https:", "http:"]),
    };
  }
  return Object.freeze({
    signIn,
    oidc: oidc && Object.freeze(oidc),
    ratePerIp: integer(env, "CONNECT_RATE_PER_IP", 30, 0, 1_000_000),
    ratePerCompany: integer(env, "CONNECT_RATE_PER_COMPANY", 10, 0, 1_000_000),
    rateWindowSeconds: integer(env, "CONNECT_RATE_WINDOW_SECONDS", 600, 1, 86_400),
    appName: env.CONNECT_APP_NAME?.trim() || "concur-graph",
    supportContact: env.CONNECT_SUPPORT_CONTACT?.trim() || undefined,
  });
}

function trustedDocumentsConfig(env: NodeJS.ProcessEnv): GatewayConfig["trustedDocuments"] {
  const mode = (env.TRUSTED_DOCUMENTS || "off").trim().toLowerCase();
  if (mode !== "off" && mode !== "log" && mode !== "enforce") {
    throw new ConfigError(`TRUSTED_DOCUMENTS=${JSON.stringify(env.TRUSTED_DOCUMENTS)} is invalid: expected off, log or enforce.`);
  }
  const manifestPath = env.TRUSTED_DOCUMENTS_FILE || undefined;
  if (mode !== "off" && !manifestPath) throw new ConfigError(`TRUSTED_DOCUMENTS=${mode} needs TRUSTED_DOCUMENTS_FILE: the manifest your front-end's build writes (Apollo persisted-query manifest or persisted-documents.json).`);
  return Object.freeze({ mode, manifestPath });
}
