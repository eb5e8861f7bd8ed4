// Starts the real thing for integration/e2e tests: the Concur emulator and a gateway on free ports, wired by the
// same function `npm start` uses (src/embedded.ts: the gateway's webhook endpoint subscribed to the emulator's ESS).
import { Writable } from "node:stream";
import { print, type DocumentNode } from "graphql";
import { request } from "undici";
import { loadConfig } from "../../src/config.js";
import type { ResolvedGatewayConfig } from "../../src/config.js";
import { startEmbeddedStack, type EmbeddedStackOptions } from "../../src/embedded.js";
import type { Gateway } from "../../src/gateway.js";
import type { GraphiQLDefaults } from "../../src/http/graphiql.js";
import type { EmulatorOptions, RunningEmulator } from "../../src/emulator/index.js";
import type { Logger } from "../../src/logger.js";
import { startTracing, TRACING_OFF, type TracingOptions } from "../../src/observability/tracing.js";
import { registerCleanup } from "./cleanup.js";

export interface Stack {
  emulator: RunningEmulator;
  gateway: Gateway;
  companyId: string;
  erpId: string;
  /** Read + write token of the demo company (managed mode: the demo admin API key of the three demo companies). */
  token: string;
  /** The second demo company (the emulator's second data center); connected too in managed mode. */
  secondCompanyId: string;
  /** The Standard-edition demo company (Payment Batches, no Accounting ERP); connected too in managed mode. */
  standardCompanyId: string;
  /** The configuration the gateway runs with (managed mode: its store URL and encryption keys). */
  config: ResolvedGatewayConfig;
  /** POST a GraphQL operation (text, or a document such as test/generated/graphql.ts exports) to the gateway over HTTP. */
  graphql<T = any>(query: string | DocumentNode, variables?: Record<string, unknown>, token?: string | null): Promise<{ data?: T; errors?: any[] }>;
  /** Upstream call counts by "<METHOD> <route template>" and status, from the emulator's admin API. */
  counters(): Promise<Record<string, Record<string, number>>>;
  resetCounters(): Promise<void>;
  /** PUT/POST to the emulator's admin API (`/_emulator/...`). */
  admin(method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<any>;
  /** Stops the gateway, then the emulator unless it was shared. The cleanup registry runs it if the test does not. */
  stop(): Promise<void>;
}

export interface StackOptions {
  emulator?: EmulatorOptions;
  /** Environment-style overrides of the gateway config (as `loadConfig` reads them). */
  env?: Record<string, string>;
  /** Subscribe the gateway's webhook to the emulator (default true). */
  webhooks?: boolean;
  /** Reuse an emulator (multi-gateway tests). */
  sharedEmulator?: RunningEmulator;
  /** What GraphiQL opens with, as `npm start` passes it (the demo token header, an example query). Default none. */
  graphiql?: (demo: { companyId: string; erpId: string; token: string }) => GraphiQLDefaults;
  /**
   * Managed mode (CONCUR_AUTH_MODE=managed): the store (default a throw-away SQLite file and key) and whether the
   * demo companies are connected through the landing route (default true). Unset: passthrough mode.
   */
  managed?: EmbeddedStackOptions["managed"];
  /** The gateway's logger (capture its lines with `createLogger(level, { destination })`). Default: silent. */
  logger?: Logger;
  /**
   * Traces: tracing is started for this process with these span processors (e.g. a SimpleSpanProcessor over an
   * InMemorySpanExporter) and shut down by `stop()`. Default off.
   */
  tracing?: Pick<TracingOptions, "spanProcessors">;
}

export const ROUTES = {
  accounts: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts",
  patchAccounts: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts",
  patchVendors: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/vendors",
  patchLists: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/lists",
  request: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/requests/{requestId}",
  mappings: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/mappings",
  /** Every /token call (password and refresh grants), at GLZ or a data center. */
  token: "POST /oauth2/v0/token",
  /** App-management revocation of a company's tokens. */
  revokeConnection: "DELETE /app-mgmt/v0/connections",
} as const;

export function sumCalls(counters: Record<string, Record<string, number>>, route: string, status?: string): number {
  const byStatus = counters[route] ?? {};
  return Object.entries(byStatus).reduce((sum, [code, n]) => (status === undefined || code === status ? sum + n : sum), 0);
}

/** Emulator defaults for tests: any free port, the demo seed, fast processing and fast webhook retries. */
const TEST_EMULATOR: EmulatorOptions = { port: 0, seed: "demo", processingDelayMs: 20, webhookRetryBaseMs: 20 };

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tracing = options.tracing ? await startTracing({ serviceName: "concur-graph", ...options.tracing }) : TRACING_OFF;
  let embedded: Awaited<ReturnType<typeof startEmbeddedStack>>;
  try {
    embedded = await startEmbeddedStack({
      config: loadConfig({ PORT: "0", LOG_LEVEL: "silent", CONCUR_AUTH_MODE: options.managed ? "managed" : "passthrough", ...options.env }),
      emulator: options.sharedEmulator ?? { ...TEST_EMULATOR, ...options.emulator },
      graphiql: options.graphiql,
      webhooks: options.webhooks,
      managed: options.managed,
      logger: options.logger,
      tracing,
    });
  } catch (error) {
    await tracing.shutdown();
    throw error;
  }
  const { emulator, gateway, demo, config } = embedded;
  const { token } = demo;
  const stop = registerCleanup(`the stack at ${gateway.origin}`, async () => {
    try {
      await embedded.stop();
    } finally {
      await tracing.shutdown();
    }
  });

  const admin = async (method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown) => {
    const res = await request(`${emulator.url}/_emulator${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return text ? JSON.parse(text) : undefined;
  };

  return {
    emulator,
    gateway,
    companyId: demo.companyId,
    erpId: demo.erpId,
    token,
    secondCompanyId: demo.secondCompanyId,
    standardCompanyId: demo.standardCompanyId,
    config,
    async graphql(query, variables, tokenOverride) {
      const auth = tokenOverride === null ? undefined : `Bearer ${tokenOverride ?? token}`;
      const res = await request(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ query: typeof query === "string" ? query : print(query), variables }),
      });
      return (await res.body.json()) as any;
    },
    async counters() {
      return (await admin("GET", "/counters")).counters;
    },
    async resetCounters() {
      await admin("POST", "/counters/reset");
    },
    admin,
    stop,
  };
}

// ---- Managed mode (CONCUR_AUTH_MODE=managed): the gateway holds company tokens; callers send its API keys. ----

/** Every field of a company connection GraphQL shows (none is a token). */
export const CONNECTION_FIELDS =
  "companyId state geolocation scopes accessTokenExpiresAt refreshTokenExpiresAt lastRefreshAt connectedAt connectedByUserId lastError { code message at }";

export interface ConnectionFields {
  companyId: string;
  state: "CONNECTED" | "NEEDS_RECONNECT" | "DISCONNECTED";
  geolocation: string;
  scopes: string[];
  accessTokenExpiresAt: string | null;
  refreshTokenExpiresAt: string;
  lastRefreshAt: string | null;
  connectedAt: string;
  connectedByUserId: string | null;
  lastError: { code: string; message: string; at: string } | null;
}

export const COMPANY_CONNECTION = `query CompanyConnection($companyId: ID!) { companyConnection(companyId: $companyId) { ${CONNECTION_FIELDS} } }`;
export const COMPANY_CONNECTIONS = `query CompanyConnections { companyConnections { ${CONNECTION_FIELDS} } }`;
export const CONNECT_COMPANY = `mutation ConnectCompany($companyId: ID!, $requestToken: String!, $userId: ID) { connectCompany(companyId: $companyId, requestToken: $requestToken, userId: $userId) { ${CONNECTION_FIELDS} } }`;
export const DISCONNECT_COMPANY = `mutation DisconnectCompany($companyId: ID!) { disconnectCompany(companyId: $companyId) }`;
export const CONNECTION_CHANGED = `subscription ConnectionChanged($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state reason } }`;
/** One page of accounts; vary `first` to make each query a distinct upstream call. */
export const ACCOUNTS = `query Accounts($companyId: ID!, $erpId: ID!, $first: Int) { erpIntegration(companyId: $companyId, erpId: $erpId) { accounts(first: $first) { edges { node { id name } } } } }`;

/** Creates one of the gateway's API keys (managed mode) and returns the key to send as `Bearer`. */
export async function createApiKey(stack: Stack, role: "read" | "write" | "admin", companies: "*" | string[], name = `test ${role}`): Promise<string> {
  const created = await stack.gateway.services.apiKeys!.create({ name, role, companies });
  return created.key;
}

/** GETs the App Center landing route (`/concur/connect?…`) as a browser redirected by Concur would; `authorization` null = anonymous. */
export async function getLanding(stack: Stack, params: Record<string, string>, authorization: string | null): Promise<{ status: number; body: any; text: string }> {
  const url = new URL(stack.config.managed!.connectPath, stack.gateway.origin);
  url.search = new URLSearchParams(params).toString();
  const res = await request(url, { headers: authorization === null ? {} : { authorization: `Bearer ${authorization}` } });
  const text = await res.body.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, text };
}

/** How many /token calls (every grant, every status) the emulator counted. */
export async function tokenCalls(stack: Stack): Promise<number> {
  return sumCalls(await stack.counters(), ROUTES.token);
}

/** POSTs an operation with `key` and keeps what the HTTP edge answered besides the body: the status and Retry-After. */
export async function postAs(stack: Stack, query: string, variables: Record<string, unknown>, key: string): Promise<{ status: number; retryAfter: unknown; body: any }> {
  const res = await request(stack.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.statusCode, retryAfter: res.headers["retry-after"], body: (await res.body.json()) as any };
}

/** The gateway's /readyz: its status and the checks it reports. */
export async function readyz(stack: Stack): Promise<{ status: number; body: any }> {
  const res = await request(`${stack.gateway.origin}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

/** A logger destination that parses and keeps every JSON line the gateway logs (`createLogger(level, { destination })`). */
export function jsonLogSink(lines: Record<string, any>[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
}
