import { createPrivateKey, generateKeyPair, type KeyObject } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { accountingApi, ACCOUNTING_LIMITS } from "./accounting/index.js";
import { extractsApi } from "./extracts/index.js";
import { fisApi, FIS_LIMITS } from "./fis/index.js";
import { listsApi, LISTS_LIMITS } from "./lists/index.js";
import { invoiceApi, INVOICE_LIMITS } from "./invoice/index.js";
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
import { WebhookSender, type SendableEvent } from "./core/webhooks.js";
import { SigningKeys } from "./core/signing-keys.js";
import { essApi } from "./ess/index.js";
import { FisStore } from "./fis/store.js";
import { imagesApi } from "./images/index.js";
import { oauthApi, OAUTH_LIMITS, type AppCenterConnectOptions, type AppCenterRedirect, type IssuedRequestToken, type PartnerClient, type RefreshRotation } from "./oauth/index.js";
import { DEFAULT_DATA_CENTERS, GLZ, type Site } from "./core/sites.js";

export { DEMO, SCOPE_READ, SCOPE_WRITE, EVENT_TOPIC, type EventEnvelope, type EventType } from "./accounting/index.js";
export { DEFAULT_FAULTS, type Faults } from "./core/faults.js";
export { FILES_DEMO, EXTRACTS_SCOPES, EMPTY_BATCH_MESSAGE, type ExtractsSettings } from "./extracts/index.js";
export { FIS_AMOUNTS, FIS_DEMO_COUNTS, FIS_EVENT_TOPIC, FIS_ROUTES, FisCode, SCOPE_FIS, type FisDocType, type FisDocStatus, type FisEventEnvelope } from "./fis/index.js";
export { DEMO_LISTS, LIST_SCOPES, LIST_API } from "./lists/index.js";
export { INVOICE_LIMITS, INVOICE_SCOPES, VENDOR_API, PURCHASE_ORDER_API } from "./invoice/index.js";
export { EMULATOR_CLIENT_ID } from "./core/auth.js";
export { EMULATOR_CLIENT_SECRET, TOKEN_PATH, CONNECTIONS_PATH } from "./oauth/index.js";
export type { AppCenterConnectOptions, AppCenterRedirect, IssuedRequestToken, PartnerClient, RefreshRotation, TokenFaultKind } from "./oauth/index.js";
export { signBody, type DeliveryLogEntry } from "./core/webhooks.js";
export type { EmulatedApi, ApiInstance, ConfigSection } from "./core/api.js";
export type * from "./core/types.js";
export type * from "./accounting/types.js";

/** Every documented limit the emulator enforces (shared edge, OAuth, Accounting), in one object. */
export const LIMITS = { ...CORE_LIMITS, ...OAUTH_LIMITS, ...ACCOUNTING_LIMITS, ...FIS_LIMITS, ...LISTS_LIMITS, ...INVOICE_LIMITS } as const;

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** TCP port of the primary data center; 0 = a free port. Default 0. */
  port?: number;
  /**
   * The emulated data centers, primary first; each listens on its own port (0 / absent = a free port; the primary's
   * port defaults to `port`). Default `[{name: "us2"}, {name: "eu2"}]`.
   */
  dataCenters?: { name: string; port?: number }[];
  /** Port of the GLZ token host. Default 0 (a free port). */
  glzPort?: number;
  /** Registered partner apps. Default one app: EMULATOR_CLIENT_ID / EMULATOR_CLIENT_SECRET. */
  clients?: PartnerClient[];
  /** Whether a refresh returns a new refresh token: "never", "always" or a probability 0..1. Default "never". */
  refreshRotation?: RefreshRotation;
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
  /** "demo" = the fixed DEMO companies (primary and second data center) with data; "none" = empty. Default "none". */
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
  /**
   * Base URL of the primary data center, e.g. http://127.0.0.1:PORT — Concur paths under /accountingintegration/v4/…,
   * OAuth at /oauth2/v0/token, admin at /_emulator/…. Companies created without a data center live here.
   */
  url: string;
  /** Port of the primary data center. */
  port: number;
  /** Every emulated data center (primary first) and its base URL: the `geolocation` of the companies living there. */
  dataCenters: { name: string; url: string }[];
  /** Base URL of the GLZ token host (the company password grant works there for every company). */
  tokenUrl: string;
  /** SPKI PEM of the key webhooks are signed with now (it changes when the signing key is rotated). */
  readonly publicKeyPem: string;
  /** A non-expiring bearer token for a company; default scopes: every emulated API's (Accounting read + write). */
  issueToken(companyId: string, scopes?: string[]): string;
  /** A company request token (as the App Center makes it on Connect): 24 h, reusable, bound to the client. */
  issueRequestToken(companyId: string, clientId?: string): IssuedRequestToken;
  /**
   * A customer's click on Connect in the App Center: a request token and the redirect URL to the partner's landing
   * page (`?id=<COMPANY UUID, upper case by default>&requestToken=…&userId=…`). Also `POST|GET /_emulator/companies/{id}/connect`.
   */
  appCenterRedirect(companyId: string, options: AppCenterConnectOptions & { clientId?: string }): AppCenterRedirect;
  setWebhookUrls(urls: string[]): void;
  /** Closes the server and cancels timers, queued writes and pending webhook retries. */
  stop(): Promise<void>;
}

/** The emulated Concur APIs besides OAuth, in routing order. A new API is a folder under src/emulator plus one line here. */
function emulatedApis(options: EmulatorOptions): EmulatedApi[] {
  // FIS documents are read by Image v1 too (the receipts and invoice images of the documents FIS hands out).
  const fisDocuments = new FisStore();
  return [
    accountingApi({ pageBytes: options.pageBytes, processingDelayMs: options.processingDelayMs, seed: options.seed }),
    extractsApi({ seed: options.seed }),
    fisApi({ seed: options.seed, store: fisDocuments }),
    listsApi({ seed: options.seed }),
    invoiceApi(),
    essApi(),
    imagesApi({ fis: fisDocuments }),
  ];
}

/** Data-center sites from the options; names must be unique and not GLZ. */
function dataCenterSites(options: EmulatorOptions): { site: Site; port: number }[] {
  const specs: { name: string; port?: number }[] = options.dataCenters ?? DEFAULT_DATA_CENTERS.map((name) => ({ name }));
  if (specs.length === 0) throw new Error("EmulatorOptions.dataCenters must name at least one data center");
  const names = specs.map((dc) => dc.name);
  if (new Set(names).size !== names.length || names.some((n) => !n || n === GLZ)) {
    throw new Error(`EmulatorOptions.dataCenters names must be unique, non-empty and not "${GLZ}": ${names.join(", ")}`);
  }
  return specs.map((dc, i) => ({ site: { name: dc.name, kind: "dataCenter", url: "" }, port: dc.port ?? (i === 0 ? (options.port ?? 0) : 0) }));
}

function loadKey(pem: string | undefined): Promise<KeyObject> {
  if (pem) return Promise.resolve(createPrivateKey(pem));
  return new Promise((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, _publicKey, privateKey) => (err ? reject(err) : resolve(privateKey)));
  });
}

/** Starts one self-contained emulator instance (no shared state between instances). */
export async function createEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const signingKeys = new SigningKeys(await loadKey(options.privateKeyPem));
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now: Clock = () => baseNow() + clockOffset;
  const random = options.random ?? Math.random;
  const startFaults = (): Faults => ({ ...DEFAULT_FAULTS, ...options.faults });
  const startConfig = (): CoreConfig => ({
    webhookUrls: [...(options.webhookUrls ?? [])],
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 1000,
  });

  // OAuth is installed like every API but kept by name: RunningEmulator.issueRequestToken reaches into it.
  const oauth = oauthApi({ clients: options.clients, refreshRotation: options.refreshRotation });
  const apis = emulatedApis(options);
  const dataCenters = dataCenterSites(options);
  const glz: Site = { name: GLZ, kind: "glz", url: "" };
  const timers = new TimerSet();
  const faults = startFaults();
  const config = startConfig();

  const webhookTargets: CoreContext["webhookTargets"] = [];
  // The admin-configured URLs get every event; ESS subscriptions add theirs; one POST per URL and event.
  const deliveryUrls = (event: SendableEvent) => [...new Set([...config.webhookUrls, ...webhookTargets.flatMap((target) => target(event))])];
  const core: CoreContext = {
    companies: new CompanyDirectory(dataCenters[0].site.name),
    tokens: new TokenService(now),
    counters: new Counters(),
    timers,
    webhooks: new WebhookSender({
      signingKey: () => signingKeys.current(),
      now,
      random,
      timers,
      faults: () => faults,
      retryBaseMs: () => config.webhookRetryBaseMs,
      urls: deliveryUrls,
    }),
    faults,
    config,
    now,
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    random,
    get publicKeyPem() {
      return signingKeys.publicKeyPem;
    },
    signingKeys,
    webhookTargets,
    companyTokenIssued: [],
    appTokenScopes: () => [],
    url: () => dataCenters[0].site.url,
    dataCenters: dataCenters.map((dc) => dc.site),
    glz,
    defaultScopes: [...new Set([oauth, ...apis].flatMap((api) => api.scopes))],
  };

  const router = new Router();
  const oauthInstance = oauth.install(core, router);
  const installed = [oauthInstance, ...apis.map((api) => api.install(core, router))];
  addCoreAdminRoutes(router, core, {
    configSections: installed.flatMap((api) => (api.config ? [api.config] : [])),
    reset: () => {
      core.webhooks.reset();
      core.counters.reset();
      core.companies.clear();
      signingKeys.reset();
      clockOffset = 0;
      Object.assign(faults, startFaults());
      Object.assign(config, startConfig());
      for (const api of installed) api.reset();
    },
  });

  const host = options.host ?? "127.0.0.1";
  const servers: Server[] = [];
  const listen = async (site: Site, port: number): Promise<number> => {
    const server = createHttpServer(core, router, site);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = (server.address() as AddressInfo).port;
    site.url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    return bound;
  };
  const closeServers = () =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })));
  let port: number;
  try {
    port = await listen(dataCenters[0].site, dataCenters[0].port);
    for (const dc of dataCenters.slice(1)) await listen(dc.site, dc.port);
    await listen(glz, options.glzPort ?? 0);
  } catch (err) {
    timers.close();
    await closeServers();
    throw err;
  }
  const url = dataCenters[0].site.url;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dataCenters: dataCenters.map(({ site }) => ({ name: site.name, url: site.url })),
    tokenUrl: glz.url,
    get publicKeyPem() {
      return signingKeys.publicKeyPem;
    },
    issueRequestToken: (companyId, clientId) => oauthInstance.issueRequestToken(companyId, clientId),
    appCenterRedirect: (companyId, options) => oauthInstance.appCenterRedirect(companyId, options),
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
        await closeServers();
      })();
      return stopping;
    },
  };
}
