// The bound on the "403 after a renewal is no expiry" verdict (connection manager + client pipeline against the
// emulator, the manager's clock under the test's control): a company that has not granted Invoice costs one token
// call, not one per call; once the verdict is older than a minute a 403 on the same token renews again, so a token
// that Concur later considers expired (its clock ahead of ours) is not refused for good.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionManager, type ConnectionManager } from "../../src/connections/manager.js";
import { createKeyRing, openConnectionStore, type ConnectionStore } from "../../src/connections/store/index.js";
import { callerFromAuthorization, createConcurClient, createTokenClient, invoicePaths, type ConcurClient } from "../../src/datasources/index.js";
import { DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { startEmulator } from "../helpers/emulator.js";

describe("403 renewal verdict (Invoice v3, managed token source)", () => {
  let emulator: RunningEmulator;
  let store: ConnectionStore;
  let manager: ConnectionManager;
  let client: ConcurClient;
  let offset = 0;
  const dir = mkdtempSync(join(tmpdir(), "cg-invoice-403-"));
  const dispatcher = new Agent();

  const admin = async (method: "GET" | "PUT" | "POST", path: string, body?: unknown) => {
    const res = await request(`${emulator.url}/_emulator${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.body.json() as Promise<any>;
  };
  const tokenCalls = async () => Object.values(((await admin("GET", "/counters")).counters["POST /oauth2/v0/token"] ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  /** Each read as a distinct GraphQL request would make it: its own caller. */
  const readVendors = async () => {
    const caller = callerFromAuthorization("Bearer gateway-api-key")!;
    const res = await client.request({ method: "GET", path: invoicePaths.vendors(), caller, companyId: DEMO.companyId, throwOnError: false });
    return res.status;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo" });
    const keys = [{ id: "k1", key: randomBytes(32) }];
    store = await openConnectionStore({ databaseUrl: `sqlite:${join(dir, "c.db")}`, keys });
    const logger = pino({ level: "silent" });
    const now = () => Date.now() + offset;
    const tokenHost = createConcurClient({ baseUrl: emulator.tokenUrl, timeoutMs: 5_000, dispatcher, logger });
    const tokens = createTokenClient({ client: tokenHost, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET, tokenUrl: emulator.tokenUrl, now });
    manager = await createConnectionManager({ store, tokens, keyRing: createKeyRing(keys), logger, sweepIntervalMs: 0, now });
    await manager.connect(DEMO.companyId, emulator.issueRequestToken(DEMO.companyId).requestToken);
    client = createConcurClient({ tokens: manager.tokenSource(emulator.url), timeoutMs: 5_000, dispatcher, logger });
  });
  afterAll(async () => {
    await manager.close();
    await store.close();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("not granted: one token call for the first 403, none for later ones within the minute; after it, one renewal again", async () => {
    expect(await readVendors()).toBe(200);
    await admin("PUT", `/invoice/companies/${DEMO.companyId}/grant`, { granted: false });
    let calls = await tokenCalls();
    expect(await readVendors()).toBe(403);
    expect(await tokenCalls()).toBe(calls + 1);
    calls += 1;
    for (let i = 0; i < 3; i++) expect(await readVendors()).toBe(403);
    expect(await tokenCalls()).toBe(calls);

    // Granted again, and later Concur's clock runs past the token's hour while ours moved a minute: the 403 is an
    // expiry again, and the verdict (a minute old) no longer stops the renewal.
    await admin("PUT", `/invoice/companies/${DEMO.companyId}/grant`, { granted: true });
    await admin("POST", "/clock/advance", { ms: 61 * 60_000 });
    offset += 61_000;
    expect(await readVendors()).toBe(200);
    expect(await tokenCalls()).toBe(calls + 1);
  });
});
