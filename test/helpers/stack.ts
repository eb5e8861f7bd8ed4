// Starts the real thing for integration/e2e tests: the Concur emulator and a gateway on free ports, wired by the
// same function `npm start` uses (src/embedded.ts: the gateway's webhook endpoint subscribed to the emulator's ESS).
import { print, type DocumentNode } from "graphql";
import { request } from "undici";
import { loadConfig } from "../../src/config.js";
import { startEmbeddedStack } from "../../src/embedded.js";
import type { Gateway } from "../../src/gateway.js";
import type { GraphiQLDefaults } from "../../src/http/graphiql.js";
import type { EmulatorOptions, RunningEmulator } from "../../src/emulator/index.js";
import { registerCleanup } from "./cleanup.js";

export interface Stack {
  emulator: RunningEmulator;
  gateway: Gateway;
  companyId: string;
  erpId: string;
  /** Read + write token of the demo company. */
  token: string;
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
}

export const ROUTES = {
  accounts: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts",
  patchAccounts: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts",
  patchVendors: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/vendors",
  patchLists: "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/lists",
  request: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/requests/{requestId}",
  mappings: "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/mappings",
} as const;

export function sumCalls(counters: Record<string, Record<string, number>>, route: string, status?: string): number {
  const byStatus = counters[route] ?? {};
  return Object.entries(byStatus).reduce((sum, [code, n]) => (status === undefined || code === status ? sum + n : sum), 0);
}

/** Emulator defaults for tests: any free port, the demo seed, fast processing and fast webhook retries. */
const TEST_EMULATOR: EmulatorOptions = { port: 0, seed: "demo", processingDelayMs: 20, webhookRetryBaseMs: 20 };

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const embedded = await startEmbeddedStack({
    config: loadConfig({ PORT: "0", LOG_LEVEL: "silent", CONCUR_AUTH_MODE: "passthrough", ...options.env }),
    emulator: options.sharedEmulator ?? { ...TEST_EMULATOR, ...options.emulator },
    graphiql: options.graphiql,
    webhooks: options.webhooks,
  });
  const { emulator, gateway, demo } = embedded;
  const { token } = demo;
  const stop = registerCleanup(`the stack at ${gateway.origin}`, () => embedded.stop());

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
