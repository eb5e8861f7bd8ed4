// The connection manager's clock-driven behaviour against the emulator's token endpoint, with the manager's clock
// and the emulator's moved together: refresh ahead of expiry (before Concur would refuse the token) and the daily
// sweep that keeps an idle customer's refresh token alive. (The e2e tests move only the emulator's clock.)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { request, Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionManager, type ConnectionManager } from "../../src/connections/manager.js";
import { createKeyRing, openConnectionStore, type ConnectionStore } from "../../src/connections/store/index.js";
import { createConcurClient, createTokenClient } from "../../src/datasources/index.js";
import { DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { startEmulator } from "../helpers/emulator.js";

const DAY = 24 * 60 * 60 * 1000;

describe("connection manager clock rules (emulator token endpoint)", () => {
  let emulator: RunningEmulator;
  let store: ConnectionStore;
  let manager: ConnectionManager;
  let offset = 0;
  const dir = mkdtempSync(join(tmpdir(), "cg-manager-"));
  const dispatcher = new Agent();

  const admin = async (path: string, body?: unknown) => {
    const res = await request(`${emulator.url}/_emulator${path}`, { method: body === undefined ? "GET" : "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.body.json() as Promise<any>;
  };
  const tokenCalls = async () => Object.values(((await admin("/counters")).counters["POST /oauth2/v0/token"] ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  /** Moves both clocks: the manager's (its `now`) and the emulator's. */
  const advance = async (ms: number) => {
    offset += ms;
    await admin("/clock/advance", { ms });
  };

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo" });
    const keys = [{ id: "k1", key: randomBytes(32) }];
    store = await openConnectionStore({ databaseUrl: `sqlite:${join(dir, "c.db")}`, keys });
    const logger = pino({ level: "silent" });
    const client = createConcurClient({ baseUrl: emulator.tokenUrl, timeoutMs: 5_000, dispatcher, logger });
    const now = () => Date.now() + offset;
    const tokens = createTokenClient({ client, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET, tokenUrl: emulator.tokenUrl, now });
    manager = await createConnectionManager({ store, tokens, keyRing: createKeyRing(keys), logger, sweepIntervalMs: 0, now });
    await manager.connect(DEMO.companyId, emulator.issueRequestToken(DEMO.companyId).requestToken);
  });
  afterAll(async () => {
    await manager.close();
    await store.close();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an access token with more than 5 minutes left is used as is; with less, it is refreshed before Concur would refuse it", async () => {
    const first = await manager.accessToken(DEMO.companyId);
    const calls = await tokenCalls();
    await advance(50 * 60 * 1000); // 10 min left
    expect(await manager.accessToken(DEMO.companyId)).toBe(first);
    expect(await tokenCalls()).toBe(calls);
    await advance(6 * 60 * 1000); // 4 min left: still valid at Concur, but inside the refresh window
    const second = await manager.accessToken(DEMO.companyId);
    expect(second).not.toBe(first);
    expect(await tokenCalls()).toBe(calls + 1);
    // The new token works at Concur.
    const res = await request(`${emulator.url}/accountingintegration/v4/companies/${DEMO.companyId}/erps`, { headers: { authorization: `Bearer ${second}` } });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  });

  it("the sweep refreshes a refresh token within 30 days of its expiry (sliding it forward) and leaves younger ones alone", async () => {
    const before = (await manager.get(DEMO.companyId))!;
    expect(await manager.sweep()).toBe(0); // 180 days left: nothing to do
    await advance(before.refreshExpiresAt - (Date.now() + offset) - 29 * DAY); // idle for five months
    const calls = await tokenCalls();
    expect(await manager.sweep()).toBe(1);
    expect(await tokenCalls()).toBe(calls + 1);
    const after = (await manager.get(DEMO.companyId))!;
    expect(after.state).toBe("CONNECTED");
    expect(after.refreshExpiresAt).toBeGreaterThan(before.refreshExpiresAt + 100 * DAY);
    expect(await manager.sweep()).toBe(0);
  });
});
