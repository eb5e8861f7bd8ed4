import { readFileSync } from "node:fs";

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
     * PEM of Concur's ESS signing key. Env `CONCUR_WEBHOOK_PUBLIC_KEY` (PEM text) or
     * `CONCUR_WEBHOOK_PUBLIC_KEY_FILE`; in embedded mode the emulator's key is used when unset.
     * Without a key the receiver refuses every event (nothing unverified is ever published).
     */
    publicKeyPem?: string;
    /** Largest accepted webhook body in bytes. Env `WEBHOOK_MAX_BYTES`, default 1 MiB. */
    maxBodyBytes: number;
  };
  /** Shared Redis for cache, pubsub and the global upstream rate limit. Env `REDIS_URL`; unset = in-process. */
  redisUrl?: string;
  /** TTL of cached upstream pages and mappings, seconds. Env `CACHE_TTL_SECONDS`, default 300. */
  cacheTtlSeconds: number;
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
  /** pino level. Env `LOG_LEVEL`, default `info` (the test helpers pass `silent`). */
  logLevel: string;
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
  const inline = env.CONCUR_WEBHOOK_PUBLIC_KEY;
  const file = env.CONCUR_WEBHOOK_PUBLIC_KEY_FILE;
  if (inline && file) throw new ConfigError("Set only one of CONCUR_WEBHOOK_PUBLIC_KEY and CONCUR_WEBHOOK_PUBLIC_KEY_FILE.");
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
  if (!pem.includes("-----BEGIN PUBLIC KEY-----")) {
    throw new ConfigError("The Concur webhook public key must be a PEM starting with -----BEGIN PUBLIC KEY-----.");
  }
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
      maxBodyBytes: integer(env, "WEBHOOK_MAX_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"]),
    cacheTtlSeconds: integer(env, "CACHE_TTL_SECONDS", 300, 0, 86_400),
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", 30_000, 100, 600_000),
    maxPageSize: integer(env, "MAX_PAGE_SIZE", 1000, 1, 10_000),
    batchWindowMs: integer(env, "BATCH_WINDOW_MS", 25, 0, 5_000),
    pollFallbackMs: integer(env, "POLL_FALLBACK_MS", 5_000, 10, 3_600_000),
    logLevel: env.LOG_LEVEL || "info",
  };
  if (!config.webhook.path.startsWith("/")) throw new ConfigError(`WEBHOOK_PATH must start with "/", got ${JSON.stringify(config.webhook.path)}.`);
  if (config.webhook.path === "/graphql") throw new ConfigError("WEBHOOK_PATH cannot be /graphql: that path serves GraphQL.");
  return Object.freeze(config);
}
