// Managed mode with two gateway replicas (issue 10): one Concur emulator, a real Redis (refresh lock, shared access
// token, pubsub) and one PostgreSQL database (connections and API keys) with the same encryption keys. A refresh
// happens once for queries split across both replicas, a refused refresh token is handled with a bounded number of
// token calls, and connection changes made through one replica hold on the other.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTestDatabase } from "../helpers/postgres.js";
import { createEmulator, DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { RequestStatusDocument as REQUEST_STATUS, UpsertAccountsDocument } from "../generated/graphql.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { ACCOUNTS, COMPANY_CONNECTION, CONNECT_COMPANY, CONNECTION_CHANGED, createApiKey, DISCONNECT_COMPANY, ROUTES, startStack, sumCalls, tokenCalls, type ConnectionFields, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;
const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const ERP: Record<string, string> = { [A]: DEMO.erpId, [B]: DEMO.secondErpId };

type Change = { companyConnectionChanged: { companyId: string; state: string; reason: string } };

/** A throw-away PostgreSQL database on the local server, dropped by the cleanup registry. */
async function createPgDatabase(): Promise<string> {
  const db = pgTestDatabase();
  await db.create();
  registerCleanup(`PostgreSQL database ${db.name}`, db.drop);
  return db.url;
}

async function sharedEmulator(): Promise<RunningEmulator> {
  const emulator = await createEmulator({ port: 0, seed: "demo", processingDelayMs: 20, webhookRetryBaseMs: 20 });
  registerCleanup("the shared emulator", () => emulator.stop());
  return emulator;
}

const codesOf = (res: { errors?: any[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

/** A connection-change subscriber proven live by probes published on its own replica. */
async function liveChanges(stack: Stack, key: string, companyId: string): Promise<Subscriber<Change>> {
  const sub = subscribe<Change>(stack.gateway.wsUrl, key, CONNECTION_CHANGED, { companyId });
  await waitFor(
    () => {
      if (sub.errors) throw new Error(JSON.stringify(sub.errors));
      stack.gateway.services.pubsub.publish("CONNECTION_CHANGED", { companyId, state: "CONNECTED", reason: "probe" });
      return sub.events.length > 0;
    },
    5_000,
    "the connection subscription to be live",
  );
  return sub;
}
const heard = (sub: Subscriber<Change>) => sub.events.map((e) => e.companyConnectionChanged).filter((c) => c.reason !== "probe");

describe.skipIf(!redisAvailable())("managed mode: two replicas sharing Redis and PostgreSQL", () => {
  let redis: RedisServer;
  let one: Stack;
  let two: Stack;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    redis = await startRedis();
    const emulator = await sharedEmulator();
    const store = { databaseUrl: await createPgDatabase(), encryptionKeys: `k1:${randomBytes(32).toString("base64")}` };
    // No page cache: every query below reaches Concur.
    const env = { REDIS_URL: redis.url, CACHE_TTL_SECONDS: "0" };
    one = await startStack({ sharedEmulator: emulator, env, managed: store });
    two = await startStack({ sharedEmulator: emulator, env, webhooks: false, managed: { ...store, connectDemo: false } });
    // Keys live in the shared database: made through one replica, accepted by both.
    reader = await createApiKey(one, "read", [A, B]);
    writer = await createApiKey(two, "write", [A]);
  });

  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await redis?.stop();
  });

  it("the second replica serves both companies with the connections the first made, without a token call", async () => {
    await one.resetCounters();
    for (const companyId of [A, B]) {
      const res = await two.graphql(ACCOUNTS, { companyId, erpId: ERP[companyId], first: 2 }, reader);
      expect(res.errors).toBeUndefined();
      expect(res.data.erpIntegration.accounts.edges).toHaveLength(2);
      const conn = await two.graphql<{ companyConnection: ConnectionFields }>(COMPANY_CONNECTION, { companyId }, reader);
      expect(conn.data!.companyConnection.state).toBe("CONNECTED");
    }
    expect(await tokenCalls(one)).toBe(0);
  });

  it("after the access token dies (emulator clock), 50 queries split across both replicas cause one refresh in total", async () => {
    const write = await one.graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id: `ACC-REPL-${randomUUID().slice(0, 8)}`, name: "Replicas", number: null, type: "EXPENSE" }] }, writer);
    expect(write.errors).toBeUndefined();
    const real = write.data.upsertAccounts.request.requestId as string;
    // Both replicas hold the current token in memory before it dies.
    for (const stack of [one, two]) expect((await stack.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 1 }, reader)).errors).toBeUndefined();
    await one.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await one.resetCounters();
    // Concur's answers are slow, its token endpoint is not: refused calls keep arriving after the refresh.
    await one.admin("PUT", "/faults", { latencyMs: 150 });

    // Each query is its own upstream GET; one request is real, the others unknown to Concur (404 once authorised).
    const ids = [real, ...Array.from({ length: 49 }, () => randomUUID())];
    const results = await Promise.all(ids.map((requestId, i) => (i % 2 === 0 ? one : two).graphql(REQUEST_STATUS, { companyId: A, erpId: DEMO.erpId, requestId }, reader)));
    await one.admin("PUT", "/faults", { latencyMs: 0 });

    expect(results[0].errors).toBeUndefined();
    for (const res of results.slice(1)) expect(codesOf(res), JSON.stringify(res.errors)).toEqual(["NOT_FOUND"]);
    const counters = await one.counters();
    expect(counters[ROUTES.token]).toEqual({ "200": 1 });
    expect(sumCalls(counters, ROUTES.request, "200") + sumCalls(counters, ROUTES.request, "404")).toBe(50);
    expect(sumCalls(counters, ROUTES.request, "401")).toBeGreaterThan(1);

    // The second company (other data center) too, with page reads, no added latency.
    for (const stack of [one, two]) expect((await stack.graphql(ACCOUNTS, { companyId: B, erpId: DEMO.secondErpId, first: 1 }, reader)).errors).toBeUndefined();
    await one.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await one.resetCounters();
    const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? one : two).graphql(ACCOUNTS, { companyId: B, erpId: DEMO.secondErpId, first: (i % 4) + 1 }, reader)));
    expect(pages.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect((await one.counters())[ROUTES.token]).toEqual({ "200": 1 });
  });

  it("a revoked refresh token: NEEDS_RECONNECT on both replicas, at most one refused token call each, then none", async () => {
    const onTwo = await liveChanges(two, reader, A);
    await one.admin("POST", `/companies/${A}/refresh-tokens/revoke`, {});
    await one.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await one.resetCounters();

    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: i + 1 }, reader)));
    for (const res of first) expect(codesOf(res)).toEqual(["NEEDS_RECONNECT"]);
    const refused = (await one.counters())[ROUTES.token] ?? {};
    expect(Object.keys(refused)).toEqual(["400"]);
    expect(refused["400"]).toBeLessThanOrEqual(2);

    await one.resetCounters();
    const more = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: i + 1 }, reader)));
    for (const res of more) expect(codesOf(res)).toEqual(["NEEDS_RECONNECT"]);
    expect(await tokenCalls(one)).toBe(0);
    for (const stack of [one, two]) {
      const conn = await stack.graphql<{ companyConnection: ConnectionFields }>(COMPANY_CONNECTION, { companyId: A }, reader);
      expect(conn.data!.companyConnection).toMatchObject({ state: "NEEDS_RECONNECT", lastError: { code: "108" } });
    }
    // The change, made on one replica, reaches a subscriber of the other (Redis pubsub).
    await waitFor(() => heard(onTwo).length >= 1, 5_000, "NEEDS_RECONNECT on the other replica");
    expect(heard(onTwo)[0]).toMatchObject({ companyId: A, state: "NEEDS_RECONNECT" });

    // Reconnected through replica two: replica one serves it again.
    const admin = await createApiKey(one, "admin", [A]);
    const again = await two.graphql<{ connectCompany: ConnectionFields }>(CONNECT_COMPANY, { companyId: A, requestToken: one.emulator.issueRequestToken(A).requestToken }, admin);
    expect(again.data!.connectCompany.state).toBe("CONNECTED");
    await waitFor(() => heard(onTwo).length >= 2, 5_000, "CONNECTED on replica two");
    const res = await one.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 1 }, reader);
    expect(res.errors).toBeUndefined();
    await onTwo.close();
  });
});

describe.skipIf(!redisAvailable())("managed mode: a disconnect through one replica, with the page cache on", () => {
  let redis: RedisServer;
  let one: Stack;
  let two: Stack;

  beforeAll(async () => {
    redis = await startRedis();
    const emulator = await sharedEmulator();
    const store = { databaseUrl: await createPgDatabase(), encryptionKeys: `k1:${randomBytes(32).toString("base64")}` };
    const env = { REDIS_URL: redis.url };
    one = await startStack({ sharedEmulator: emulator, env, managed: store });
    two = await startStack({ sharedEmulator: emulator, env, webhooks: false, managed: { ...store, connectDemo: false } });
  });

  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await redis?.stop();
  });

  it("the other replica stops serving the company at once (no cached page of the old connection) and says NEEDS_RECONNECT", async () => {
    const reader = await createApiKey(one, "read", [A]);
    const variables = { companyId: A, erpId: DEMO.erpId, first: 3 };
    // Replica two reads (and caches) a page of A.
    expect((await two.graphql(ACCOUNTS, variables, reader)).errors).toBeUndefined();
    const onTwo = await liveChanges(two, reader, A);

    await one.resetCounters();
    const res = await one.graphql(DISCONNECT_COMPANY, { companyId: A }, one.token);
    expect(res.data!.disconnectCompany).toBe(true);
    expect(sumCalls(await one.counters(), ROUTES.revokeConnection, "200")).toBe(1);
    await waitFor(() => heard(onTwo).some((c) => c.state === "DISCONNECTED"), 5_000, "DISCONNECTED on replica two");

    const after = await two.graphql(ACCOUNTS, variables, reader);
    expect(codesOf(after)).toEqual(["NEEDS_RECONNECT"]);
    expect((await two.graphql(COMPANY_CONNECTION, { companyId: A }, reader)).data!.companyConnection).toBeNull();
    await onTwo.close();
  });
});
