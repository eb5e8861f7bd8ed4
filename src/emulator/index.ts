import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { addAdminRoutes } from "./admin.js";
import { DEFAULT_SCOPES, EMULATOR_CLIENT_ID, TokenService } from "./auth.js";
import type { EmulatorContext, RuntimeConfig } from "./context.js";
import { Counters } from "./counters.js";
import { addDataRoutes } from "./data.routes.js";
import { addErpRoutes } from "./erps.routes.js";
import { DEFAULT_FAULTS, type Faults } from "./faults.js";
import { LIMITS } from "./limits.js";
import { addMappingRoutes } from "./mappings.routes.js";
import { addOAuthRoutes } from "./oauth.routes.js";
import { ProcessingQueue } from "./processing.js";
import { addRequestRoutes } from "./requests.routes.js";
import { Router } from "./router.js";
import { seedDemo } from "./seed.js";
import { createHttpServer } from "./server.js";
import { Store } from "./store.js";
import { TimerSet } from "./timers.js";
import type { Clock, RandomSource } from "./types.js";
import { WebhookSender } from "./webhooks.js";

export { DEMO } from "./seed.js";
export { LIMITS } from "./limits.js";
export { DEFAULT_FAULTS, type Faults } from "./faults.js";
export { SCOPE_READ, SCOPE_WRITE, EMULATOR_CLIENT_ID } from "./auth.js";
export { EVENT_TOPIC, type EventEnvelope, type EventType, type DeliveryLogEntry } from "./webhooks.js";
export type * from "./types.js";

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 = a free port. Default 0. */
  port?: number;
  /** Interface to bind. Default "127.0.0.1". */
  host?: string;
  /** GET page byte budget (whole serialized response). Default 1_000_000. */
  pageBytes?: number;
  /** Delay before an accepted write is processed. Default 50 ms. */
  processingDelayMs?: number;
  /** ESS subscriber endpoints that receive signed events. Default none. */
  webhookUrls?: string[];
  /** Webhook retry backoff base; doubles per attempt, capped at 300 × base. Default 1000 ms. */
  webhookRetryBaseMs?: number;
  /** "demo" = the fixed DEMO company/ERP with data; "none" = empty. Default "none". */
  seed?: "demo" | "none";
  /** Start-up faults (see Faults for defaults). */
  faults?: Partial<Faults>;
  /** RSA private key (PEM) signing Concur-Signature; a 2048-bit key is generated when absent. */
  privateKeyPem?: string;
  /** Clock for rate limits, token expiry, TTLs and webhook retention. Default Date.now. */
  now?: Clock;
  /** Random source for fault rates. Default Math.random. */
  random?: RandomSource;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:PORT — Concur paths under /accountingintegration/v4/…, OAuth at /oauth2/v0/token. */
  url: string;
  port: number;
  /** SPKI PEM of the webhook signing key. */
  publicKeyPem: string;
  /** A non-expiring bearer token for a company; default scopes read + write. */
  issueToken(companyId: string, scopes?: string[]): string;
  setWebhookUrls(urls: string[]): void;
  /** Closes the server and cancels timers, queued writes and pending webhook retries. */
  stop(): Promise<void>;
}

function loadKey(pem: string | undefined): Promise<KeyObject> {
  if (pem) return Promise.resolve(createPrivateKey(pem));
  return new Promise((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, _publicKey, privateKey) => (err ? reject(err) : resolve(privateKey)));
  });
}

/** Starts one self-contained emulator instance (no shared state between instances). */
export async function createEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const privateKey = await loadKey(options.privateKeyPem);
  const publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now: Clock = () => baseNow() + clockOffset;
  const random = options.random ?? Math.random;
  const startFaults = (): Faults => ({ ...DEFAULT_FAULTS, ...options.faults });
  const startConfig = (): RuntimeConfig => ({
    pageBytes: options.pageBytes ?? LIMITS.pageBytes,
    processingDelayMs: options.processingDelayMs ?? 50,
    processingPaused: false,
    webhookUrls: [...(options.webhookUrls ?? [])],
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 1000,
  });
  const seed = (s: Store) => {
    if (options.seed === "demo") seedDemo(s, now());
  };

  const store = new Store();
  seed(store);
  const timers = new TimerSet();
  const faults = startFaults();
  const config = startConfig();
  let url = "";

  const webhooks = new WebhookSender({
    privateKey,
    now,
    random,
    timers,
    faults: () => faults,
    retryBaseMs: () => config.webhookRetryBaseMs,
    urls: () => config.webhookUrls,
  });
  const processing = new ProcessingQueue({
    store,
    timers,
    now,
    delayMs: () => config.processingDelayMs,
    paused: () => config.processingPaused,
    onFinished: (request) => {
      webhooks.publish(
        "data.statusUpdated",
        {
          companyId: request.companyId,
          erpId: request.erpId,
          partnerId: request.partnerId,
          data: {
            requestId: request.requestId,
            status: request.status,
            companyId: request.companyId,
            erpId: request.erpId,
            // [INFERRED Q2] the documented event example's href (no erps/{erpId} segment) under `_links`.
            _links: { errors: { href: `/v4/companies/${request.companyId}/requests/${request.requestId}/errors` } },
          },
        },
        request.correlationId,
      );
    },
  });

  const ctx: EmulatorContext = {
    store,
    tokens: new TokenService(now),
    counters: new Counters(),
    timers,
    webhooks,
    processing,
    faults,
    config,
    now,
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    random,
    publicKeyPem,
    url: () => url,
    reset: () => {
      processing.reset();
      webhooks.reset();
      ctx.counters.reset();
      store.clear();
      clockOffset = 0;
      seed(store);
      Object.assign(faults, startFaults());
      Object.assign(config, startConfig());
    },
  };

  const router = new Router();
  addOAuthRoutes(router, ctx);
  addErpRoutes(router, ctx);
  addDataRoutes(router, ctx);
  addMappingRoutes(router, ctx);
  addRequestRoutes(router, ctx);
  addAdminRoutes(router, ctx);

  const server = createHttpServer(ctx, router);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    publicKeyPem,
    issueToken: (companyId, scopes) =>
      ctx.tokens.mint({ companyId: companyId.toLowerCase(), scopes: [...(scopes ?? DEFAULT_SCOPES)], clientId: EMULATOR_CLIENT_ID }),
    setWebhookUrls: (urls) => {
      config.webhookUrls = [...urls];
    },
    stop: () => {
      stopping ??= (async () => {
        timers.close();
        processing.reset();
        await webhooks.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
}
