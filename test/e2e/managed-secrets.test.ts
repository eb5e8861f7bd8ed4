// Managed mode (issue 10): nothing token-like leaves the gateway. A gateway logging at debug into a buffer runs
// the whole connection life (connect through the landing route and the mutation, queries, writes, a refused
// request token, refreshes after the emulator clock moves, subscriptions, a revoked refresh token, a disconnect);
// then every access and refresh token it held — learnt from the gateway itself and from its store opened with the
// same keys — is looked for in the logs, in every GraphQL answer, in the raw bytes of the SQLite file and in Redis.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { print } from "graphql";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type ResolvedGatewayConfig } from "../../src/config.js";
import { openConnectionStore, parseEncryptionKeys } from "../../src/connections/store/index.js";
import { resolveForEmulator } from "../../src/embedded.js";
import { createEmulator, DEMO, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { UpsertAccountsDocument } from "../generated/graphql.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { ACCOUNTS, COMPANY_CONNECTION, COMPANY_CONNECTIONS, CONNECT_COMPANY, CONNECTION_CHANGED, DISCONNECT_COMPANY } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;
const hasRedis = redisAvailable();

describe("managed mode: no token in logs, GraphQL answers or stores", () => {
  let emulator: RunningEmulator;
  let redis: RedisServer | undefined;
  let gateway: Gateway;
  let config: ResolvedGatewayConfig;
  let dir: string;
  let admin: string;
  const logs: string[] = [];
  /** The raw text of every GraphQL answer (HTTP bodies, landing route bodies, subscription events). */
  const answers: string[] = [];
  /** Every secret the gateway held at some point. */
  const secrets = new Map<string, string>();
  /** Every key and value in Redis at each point secrets were learnt (the shared access tokens come and go). */
  const redisSnapshots: string[] = [];

  async function graphql(query: string | import("graphql").DocumentNode, variables: Record<string, unknown> = {}, key = admin): Promise<any> {
    const res = await request(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: typeof query === "string" ? query : print(query), variables }),
    });
    const text = await res.body.text();
    answers.push(text);
    return JSON.parse(text);
  }

  /** Records the access tokens the gateway holds now and the refresh tokens in its store (opened with its keys). */
  async function learnSecrets(label: string): Promise<void> {
    const store = await openConnectionStore({ databaseUrl: config.managed!.databaseUrl, keys: parseEncryptionKeys(config.managed!.encryptionKeys) });
    try {
      for (const companyId of [A, B]) {
        const record = await store.get(companyId);
        if (record) secrets.set(`refresh token of ${companyId} (${label})`, record.refreshToken);
        const access = await gateway.services.connections!.accessToken(companyId).catch(() => undefined);
        if (access) secrets.set(`access token of ${companyId} (${label})`, access);
      }
    } finally {
      await store.close();
    }
    if (redis) redisSnapshots.push(await redisDump(redis.url));
  }

  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, seed: "demo", processingDelayMs: 20 });
    registerCleanup("the emulator", () => emulator.stop());
    if (hasRedis) redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), "cg-managed-secrets-"));
    registerCleanup(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const env: Record<string, string> = { PORT: "0", LOG_LEVEL: "trace", CONCUR_AUTH_MODE: "managed", CACHE_TTL_SECONDS: "0" };
    if (redis) env.REDIS_URL = redis.url;
    config = resolveForEmulator(loadConfig(env), emulator, { databaseUrl: `sqlite:${join(dir, "concur-graph.db")}`, encryptionKeys: `k1:${randomBytes(32).toString("base64")}` });
    // The gateway's own logger, at trace, writing into the buffer instead of stdout.
    const logger = pino({ level: "trace", base: { service: "concur-graph" } }, { write: (line: string) => void logs.push(line) });
    gateway = await createGateway({ config, logger });
    registerCleanup("the gateway", () => gateway.stop());
    admin = (await gateway.services.apiKeys!.create({ name: "secrets admin", role: "admin", companies: [A, B] })).key;
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
    await emulator?.stop();
  });

  it("a full connection life leaves no access or refresh token in logs, answers, the SQLite file or Redis", async () => {
    const requestTokens: string[] = [];
    const sub = subscribe(gateway.wsUrl, admin, CONNECTION_CHANGED, { companyId: A });

    // Connect: A through the landing route, B through the mutation; one refused request token.
    const forA = emulator.issueRequestToken(A).requestToken;
    requestTokens.push(forA);
    const url = new URL(config.managed!.connectPath, gateway.origin);
    url.search = new URLSearchParams({ id: A, requestToken: forA, userID: "00000000-0000-4000-8000-0000000000a1" }).toString();
    const landing = await request(url, { headers: { authorization: `Bearer ${admin}` } });
    answers.push(await landing.body.text());
    expect(landing.statusCode).toBe(200);
    const forB = emulator.issueRequestToken(B).requestToken;
    requestTokens.push(forB);
    expect((await graphql(CONNECT_COMPANY, { companyId: B, requestToken: forB })).errors).toBeUndefined();
    expect((await graphql(CONNECT_COMPANY, { companyId: A, requestToken: "wrong-request-token" })).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    await learnSecrets("connected");

    // Use: reads, a write, connection queries.
    for (const [companyId, erpId] of [[A, DEMO.erpId], [B, DEMO.secondErpId]]) {
      expect((await graphql(ACCOUNTS, { companyId, erpId, first: 3 })).errors).toBeUndefined();
      expect((await graphql(COMPANY_CONNECTION, { companyId })).errors).toBeUndefined();
    }
    const write = await graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id: "ACC-SECRET", name: "Secret", number: null, type: "EXPENSE" }] });
    expect(write.errors).toBeUndefined();
    expect((await graphql(COMPANY_CONNECTIONS)).data.companyConnections).toHaveLength(2);

    // Refresh after the access tokens die (401 then refresh grant), twice.
    for (let round = 1; round <= 2; round++) {
      await request(`${emulator.url}/_emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: PAST_ACCESS_EXPIRY_MS }) }).then((r) => r.body.dump());
      for (const [companyId, erpId] of [[A, DEMO.erpId], [B, DEMO.secondErpId]]) expect((await graphql(ACCOUNTS, { companyId, erpId, first: 2 })).errors).toBeUndefined();
      await learnSecrets(`refresh ${round}`);
    }

    // B's refresh token revoked at Concur: NEEDS_RECONNECT (the refused refresh is logged: its token must not be).
    await request(`${emulator.url}/_emulator/companies/${B}/refresh-tokens/revoke`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((r) => r.body.dump());
    await request(`${emulator.url}/_emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: PAST_ACCESS_EXPIRY_MS }) }).then((r) => r.body.dump());
    expect((await graphql(ACCOUNTS, { companyId: B, erpId: DEMO.secondErpId, first: 2 })).errors[0].extensions.code).toBe("NEEDS_RECONNECT");
    expect((await graphql(COMPANY_CONNECTION, { companyId: B })).data.companyConnection.state).toBe("NEEDS_RECONNECT");
    await learnSecrets("B needs reconnect");

    // Disconnect A (revocation at Concur with A's access token).
    expect((await graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 1 })).errors).toBeUndefined();
    await learnSecrets("before disconnect");
    expect((await graphql(DISCONNECT_COMPANY, { companyId: A })).data.disconnectCompany).toBe(true);
    await waitFor(() => sub.events.length >= 2, 5_000, "CONNECTED and DISCONNECTED events");
    answers.push(JSON.stringify(sub.events));
    await sub.close();

    // Sanity: the secrets were really learnt (access tokens of both companies, several refresh tokens).
    const values = [...secrets.values()];
    expect([...secrets.keys()].filter((k) => k.startsWith("access")).length).toBeGreaterThanOrEqual(4);
    expect([...secrets.keys()].filter((k) => k.startsWith("refresh")).length).toBeGreaterThanOrEqual(4);
    expect(values.every((v) => v.length >= 20)).toBe(true);
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.join("")).toContain('"concur call"'); // the debug logs of upstream calls were captured

    const places: Array<[string, string]> = [
      ["the logs", logs.join("")],
      ["the GraphQL answers", answers.join("\n")],
    ];
    // The store's raw bytes: the database file with its WAL and shared-memory files.
    for (const file of await readdir(dir)) places.push([`the store file ${file}`, (await readFile(join(dir, file))).toString("latin1")]);
    if (redis) {
      redisSnapshots.push(await redisDump(redis.url));
      expect(redisSnapshots.some((dump) => dump.includes("concur-graph:access:"))).toBe(true); // access tokens were shared (sealed)
      places.push(["Redis", redisSnapshots.join("\n")]);
    }
    // The right bytes were read: the store files hold B's record (A was deleted by the disconnect).
    expect(places.filter(([where]) => where.startsWith("the store file")).some(([, text]) => text.includes(B))).toBe(true);
    expect(values.some((v) => v.startsWith("emu_"))).toBe(true); // the emulator's access token shape

    for (const [where, text] of places) {
      for (const [what, secret] of secrets) expect(text.includes(secret), `${what} found in ${where}`).toBe(false);
      for (const token of requestTokens) expect(text.includes(token), `a request token found in ${where}`).toBe(false);
      expect(text.includes(EMULATOR_CLIENT_SECRET), `the client secret found in ${where}`).toBe(false);
      expect(text.includes(admin.split("_").slice(2).join("_")), `the API key secret found in ${where}`).toBe(false);
    }
  });
});

/** Every key and value in Redis, as text (strings read directly, other types through DUMP). */
async function redisDump(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await client.keys("*")) {
      const type = await client.type(key);
      parts.push(key, type === "string" ? ((await client.get(key)) ?? "") : ((await client.dumpBuffer(key))?.toString("latin1") ?? ""));
    }
    return parts.join("\n");
  } finally {
    client.disconnect();
  }
}
