// Managed mode, issue 25: a restarted gateway and the access tokens it already had. Concur's guidance keeps access
// tokens out of durable storage (memory only), so a lone process renews each company's token at its first call
// after a start (test/e2e/managed-restart.test.ts counts those). With REDIS_URL the tokens live on, sealed, in
// Redis: a restarted gateway must use a stored token that is still valid as is (no token call), and renew only one
// Concur refuses (or one close to its expiry).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { ACCOUNTS, createApiKey, ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";

const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const ERP: Record<string, string> = { [A]: DEMO.erpId, [B]: DEMO.secondErpId };

describe.skipIf(!redisAvailable())("managed mode with Redis: a restart keeps the access tokens still valid", () => {
  let emulator: RunningEmulator;
  let redis: RedisServer;
  let managed: { databaseUrl: string; encryptionKeys: string };

  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, seed: "demo", processingDelayMs: 20 });
    registerCleanup("the emulator", () => emulator.stop());
    redis = await startRedis();
    const dir = await mkdtemp(join(tmpdir(), "cg-restart-tokens-"));
    registerCleanup(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
    managed = { databaseUrl: `sqlite:${join(dir, "concur-graph.db")}`, encryptionKeys: `k1:${randomBytes(32).toString("base64")}` };
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
    await redis?.stop();
  });

  const read = async (stack: Stack, key: string) => {
    for (const companyId of [A, B]) {
      const res = await stack.graphql(ACCOUNTS, { companyId, erpId: ERP[companyId], first: 2 }, key);
      expect(res.errors).toBeUndefined();
      expect(res.data.erpIntegration.accounts.edges).toHaveLength(2);
    }
  };

  it("first reads after a restart make no token call while the stored tokens are valid; one per company once Concur refuses them", async () => {
    // Cache off: every read calls Concur, so each needs a token.
    const env = { REDIS_URL: redis.url, CACHE_TTL_SECONDS: "0" };
    const first = await startStack({ sharedEmulator: emulator, webhooks: false, managed, env });
    const key = await createApiKey(first, "read", [A, B]);
    await read(first, key);
    await first.stop();

    const second = await startStack({ sharedEmulator: emulator, webhooks: false, managed: { ...managed, connectDemo: false }, env });
    await second.resetCounters();
    await read(second, key);
    const counters = await second.counters();
    expect(sumCalls(counters, ROUTES.accounts, "200")).toBe(2);
    expect(sumCalls(counters, ROUTES.token)).toBe(0);

    // Concur refuses them later (its clock 2 h on, past their 1 h): each company renews once, no caller sees it.
    await second.admin("POST", "/clock/advance", { ms: 2 * 3_600_000 });
    await second.resetCounters();
    await read(second, key);
    await read(second, key);
    const later = await second.counters();
    expect(later[ROUTES.token]).toEqual({ "200": 2 });
    expect(sumCalls(later, ROUTES.accounts, "401")).toBe(2);
    await second.stop();
  }, 120_000);
});
