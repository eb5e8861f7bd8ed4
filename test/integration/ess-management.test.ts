// The ESS client layer and one round of the subscription service against the emulator over HTTP: app tokens cached
// per data center and renewed when ESS refuses them (the emulator's clock ran past their hour), GET one in both
// documented forms, deletion of what is not found, and the reasons a round reports.
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAppTokenSource, createConcurClient, createEssManagement, EssManagementError, type AppTokenSource, type EssManagement } from "../../src/datasources/index.js";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { createEssSubscriptions } from "../../src/services/ess-subscriptions.js";
import { startEmulator } from "../helpers/emulator.js";

const FIS = "public.concur.financialintegration";
const logger = pino({ level: "silent" });

describe("ESS management against the emulator", () => {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  let emulator: RunningEmulator;
  let appTokens: AppTokenSource;
  let management: EssManagement;
  let us: string;
  let eu: string;

  const admin = async (method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown) => {
    const res = await request(`${emulator.url}/_emulator${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    return text ? JSON.parse(text) : undefined;
  };
  const tokensIssued = async (dc: string): Promise<number> => (await admin("GET", "/ess/calls")).calls[dc]?.["POST /oauth2/v0/token client_credentials"] ?? 0;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo" });
    us = emulator.dataCenters[0].url;
    eu = emulator.dataCenters[1].url;
  });
  afterAll(async () => {
    await emulator.stop();
    await dispatcher.close();
  });
  beforeEach(async () => {
    await admin("POST", "/reset");
    const client = createConcurClient({ baseUrl: us, timeoutMs: 10_000, dispatcher, logger });
    appTokens = createAppTokenSource({ client, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET });
    management = createEssManagement(client);
  });

  it("asks each data center once for an app token and manages subscriptions with it", async () => {
    const [a, b] = await Promise.all([appTokens.get(us), appTokens.get(us)]);
    expect(a).toBe(b);
    expect(a.managementBaseUrl).toBe(us);
    expect((await appTokens.get(eu)).managementBaseUrl).toBe(eu);
    expect(await tokensIssued("us2")).toBe(1);
    expect(await tokensIssued("eu2")).toBe(1);

    const token = a.accessToken;
    expect((await management.topics(us, token)).sort()).toEqual([FIS, "public.concur.spend.accountingintegration"].sort());
    await management.save(us, token, { id: "cg.test.fis.us2", topic: FIS, filter: ".*", webHookConfig: { endpoint: "https://gw.example/webhooks/concur" } });
    expect(await management.list(us, token)).toEqual([{ id: "cg.test.fis.us2", topic: FIS, filter: ".*", endpoint: "https://gw.example/webhooks/concur", applicationId: EMULATOR_CLIENT_ID, companyIds: [], groups: [] }]);
    expect((await management.get(us, token, "cg.test.fis.us2"))?.id).toBe("cg.test.fis.us2");
    await admin("PUT", "/ess/config", { singleObject: true });
    expect((await management.get(us, token, "cg.test.fis.us2"))?.id).toBe("cg.test.fis.us2");
    expect(await management.get(us, token, "cg.unknown")).toBeUndefined();
    await management.remove(us, token, "cg.unknown");
    const refused = await management.save(us, token, { id: "Not Valid", topic: FIS, webHookConfig: { endpoint: "https://gw.example" } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EssManagementError);
    expect((refused as EssManagementError).status).toBe(400);
    expect((refused as EssManagementError).message).toContain("lowercase letters");
  });

  it("gets a new app token when ESS refuses the held one, and reports a refusing token endpoint as the reason", async () => {
    const state = () => ({ manage: true, topics: ["fis" as const], subscriptionPrefix: "cg.test", checkIntervalMs: 3_600_000, retryMs: 3_600_000 });
    const service = createEssSubscriptions({
      config: state(),
      webhookUrl: "https://gw.example/webhooks/concur",
      appTokens,
      management,
      connections: async () => [{ companyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de", geolocation: us }],
      logger,
    });
    try {
      expect((await service.reconcile()).mode).toBe("ESS");
      expect(await tokensIssued("us2")).toBe(1);
      // An hour later for ESS (its clock), not yet for the gateway: ESS answers 401, the gateway asks again once.
      await admin("POST", "/clock/advance", { ms: 61 * 60_000 });
      const again = await service.reconcile();
      expect(again.mode).toBe("ESS");
      expect(await tokensIssued("us2")).toBe(2);

      const badSecret = createAppTokenSource({ client: createConcurClient({ baseUrl: us, timeoutMs: 10_000, dispatcher, logger }), clientId: EMULATOR_CLIENT_ID, clientSecret: "wrong" });
      const failing = createEssSubscriptions({ config: state(), webhookUrl: "https://gw.example/webhooks/concur", appTokens: badSecret, management, connections: async () => [{ companyId: "x", geolocation: us }], logger });
      const failed = await failing.reconcile();
      await failing.close();
      expect(failed.mode).toBe("POLLING");
      expect(failed.reason).toMatch(/ESS appToken failed \(HTTP 401\): invalid_client/);
      // Nothing of the secret reaches the reason.
      expect(failed.reason).not.toContain("wrong");
    } finally {
      await service.close();
    }
  });
});
