import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { accountingApi, ACCOUNTING_LIMITS } from "./accounting/index.js";
import { addCoreAdminRoutes } from "./core/admin.js";
import type { EmulatedApi } from "./core/api.js";
import { EMULATOR_CLIENT_ID, TokenService } from "./core/auth.js";
import { CompanyDirectory } from "./core/companies.js";
import type { CoreConfig, CoreContext } from "./core/context.js";
import { Counters } from "./core/counters.js";
import { DEFAULT_FAULTS, type Faults } from "./core/faults.js";
import { CORE_LIMITS } from "./core/limits.js";
import { Router } from "./core/router.js";
import { createHttpServer } from "./core/server.js";
import { TimerSet } from "./core/timers.js";
import type { Clock, RandomSource } from "./core/types.js";
import { WebhookSender } from "./core/webhooks.js";
import { oauthApi, OAUTH_LIMITS } from "./oauth/index.js";

export { DEMO, SCOPE_READ, SCOPE_WRITE, EVENT_TOPIC, type EventEnvelope, type EventType } from "./accounting/index.js";
export { DEFAULT_FAULTS, type Faults } from "./core/faults.js";
export { EMULATOR_CLIENT_ID } from "./core/auth.js";
export { signBody, type DeliveryLogEntry } from "./core/webhooks.js";
export type { EmulatedApi, ApiInstance, ConfigSection } from "./core/api.js";
export type * from "./core/types.js";
export type * from "./accounting/types.js";

/** Every documented limit the emulator enforces (shared edge, OAuth, Accounting), in one object. */
export const LIMITS = { ...CORE_LIMITS, ...OAUTH_LIMITS, ...ACCOUNTING_LIMITS } as const;

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
  /** A non-expiring bearer token for a company; default scopes: every emulated API's (Accounting read + write). */
  issueToken(companyId: string, scopes?: string[]): string;
  setWebhookUrls(urls: string[]): void;
  /** Closes the server and cancels timers, queued writes and pending webhook retries. */
  stop(): Promise<void>;
}

/** The emulated APIs, in routing order. A new API is a folder under src/emulator plus one line here. */
function emulatedApis(options: EmulatorOptions): EmulatedApi[] {
  return [
    oauthApi(),
    accountingApi({ pageBytes: options.pageBytes, processingDelayMs: options.processingDelayMs, seed: options.seed }),
  ];
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
  const startConfig = (): CoreConfig => ({
    webhookUrls: [...(options.webhookUrls ?? [])],
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 1000,
  });

  const apis = emulatedApis(options);
  const timers = new TimerSet();
  const faults = startFaults();
  const config = startConfig();
  let url = "";

  const core: CoreContext = {
    companies: new CompanyDirectory(),
    tokens: new TokenService(now),
    counters: new Counters(),
    timers,
    webhooks: new WebhookSender({
      privateKey,
      now,
      random,
      timers,
      faults: () => faults,
      retryBaseMs: () => config.webhookRetryBaseMs,
      urls: () => config.webhookUrls,
    }),
    faults,
    config,
    now,
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    random,
    publicKeyPem,
    url: () => url,
    defaultScopes: [...new Set(apis.flatMap((api) => api.scopes))],
  };

  const router = new Router();
  const installed = apis.map((api) => api.install(core, router));
  addCoreAdminRoutes(router, core, {
    configSections: installed.flatMap((api) => (api.config ? [api.config] : [])),
    reset: () => {
      core.webhooks.reset();
      core.counters.reset();
      core.companies.clear();
      clockOffset = 0;
      Object.assign(faults, startFaults());
      Object.assign(config, startConfig());
      for (const api of installed) api.reset();
    },
  });

  const server = createHttpServer(core, router);
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
      core.tokens.mint({ companyId: companyId.toLowerCase(), scopes: [...(scopes ?? core.defaultScopes)], clientId: EMULATOR_CLIENT_ID }),
    setWebhookUrls: (urls) => {
      config.webhookUrls = [...urls];
    },
    stop: () => {
      stopping ??= (async () => {
        timers.close();
        for (const api of installed) await api.stop?.();
        await core.webhooks.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
}
