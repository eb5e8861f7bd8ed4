// The connection manager while its store cannot be read or written (issue 20 item 6), against the emulator's token
// endpoint with refresh tokens rotated on every refresh: after a restart it remembers each connection in the
// background, so a refresh during an outage still works; the rotated token is held, counted and written when the
// store is back (and the next refresh uses it); a refusal by Concur of a remembered token while the store cannot
// confirm it does not mark the connection NEEDS_RECONNECT.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionManager, type ConnectionManager } from "../../src/connections/manager.js";
import { createKeyRing, openConnectionStore, openDatabase, parseDatabaseUrl, StoreUnavailableError, type ConnectionStore, type SqlDatabase } from "../../src/connections/store/index.js";
import { createConcurClient, createTokenClient } from "../../src/datasources/index.js";
import { DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { ErrorCode } from "../../src/errors.js";
import { startEmulator } from "../helpers/emulator.js";
import { waitFor } from "../helpers/wait.js";

const A = DEMO.companyId;
const HOUR = 60 * 60 * 1000;

/** A real SQLite database whose statements fail with STORE_UNAVAILABLE while `down`; counts reads of one company. */
function breakable(db: SqlDatabase) {
  const state = { down: false, companyReads: 0 };
  const fail = (operation: "read" | "write") => Promise.reject(new StoreUnavailableError(operation, "test"));
  const wrapped = Object.assign(Object.create(db) as SqlDatabase, {
    query(sql: string, params?: readonly unknown[]) {
      if (state.down) return fail(/^\s*select/i.test(sql) ? "read" : "write");
      if (/^\s*select/i.test(sql) && params?.[0] === A) state.companyReads += 1;
      return db.query(sql, params);
    },
    execute(sql: string, params?: readonly unknown[]) {
      return state.down ? fail("write") : db.execute(sql, params);
    },
  });
  return { db: wrapped, state };
}

describe("connection manager while the store is unavailable", () => {
  let emulator: RunningEmulator;
  let store: ConnectionStore;
  let broken: ReturnType<typeof breakable>;
  let offset = 0;
  const managers: ConnectionManager[] = [];
  const dir = mkdtempSync(join(tmpdir(), "cg-manager-faults-"));
  const dispatcher = new Agent();
  const keys = [{ id: "k1", key: randomBytes(32) }];
  const logger = pino({ level: "silent" });
  const now = () => Date.now() + offset;

  const advance = async (ms: number) => {
    offset += ms;
    await request(`${emulator.url}/_emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms }) }).then((res) => res.body.dump());
  };
  const manager = async () => {
    const client = createConcurClient({ baseUrl: emulator.tokenUrl, timeoutMs: 5_000, dispatcher, logger });
    const tokens = createTokenClient({ client, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET, tokenUrl: emulator.tokenUrl, now });
    const created = await createConnectionManager({ store, tokens, keyRing: createKeyRing(keys), logger, sweepIntervalMs: 0, pendingRetryMs: 0, now });
    managers.push(created);
    return created;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo", refreshRotation: "always" });
    broken = breakable(await openDatabase(parseDatabaseUrl(`sqlite:${join(dir, "c.db")}`)));
    store = await openConnectionStore({ database: broken.db, keys });
    const first = await manager();
    await first.connect(A, emulator.issueRequestToken(A).requestToken);
    await first.close();
  });
  afterAll(async () => {
    for (const m of managers) await m.close();
    await store.close();
    await broken.db.close();
    await dispatcher.close();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("after a restart, a refresh during an outage works from the remembered connection; the rotated token is held and written when the store is back", async () => {
    broken.state.companyReads = 0;
    const restarted = await manager();
    // Remembered in the background (one read of the company), before the store goes away.
    await waitFor(() => broken.state.companyReads >= 1, 10_000, "the connection to be remembered");
    const storedBefore = (await store.get(A))!;
    broken.state.down = true;

    const token = await restarted.accessToken(A); // no access token in memory after a restart: a refresh
    expect(token).toBeTruthy();
    expect(restarted.pendingRefreshTokens).toEqual([A]);
    expect(await restarted.flushPending()).toBe(1); // still down: kept

    // Concur's access token expires; the next refresh must use the held (rotated) token, not the stored one.
    await advance(HOUR + 60_000);
    const next = await restarted.accessToken(A);
    expect(next).not.toBe(token);
    expect(restarted.pendingRefreshTokens).toEqual([A]);

    broken.state.down = false;
    expect(await restarted.flushPending()).toBe(0);
    const storedAfter = (await store.get(A))!;
    expect(storedAfter.version).toBeGreaterThan(storedBefore.version);
    expect(storedAfter.refreshToken).not.toBe(storedBefore.refreshToken);
    expect(storedAfter.state).toBe("CONNECTED");

    // The stored token is the live one: a refresh after a further hour works.
    await advance(HOUR + 60_000);
    expect(await restarted.accessToken(A)).not.toBe(next);
    expect((await store.get(A))!.version).toBeGreaterThan(storedAfter.version);
  });

  it("a remembered token Concur refuses while the store cannot confirm it: STORE_UNAVAILABLE, the connection is not marked NEEDS_RECONNECT", async () => {
    broken.state.companyReads = 0;
    const restarted = await manager();
    await waitFor(() => broken.state.companyReads >= 1, 10_000, "the connection to be remembered");
    // Another party's refresh made the remembered token useless (here: revoked at Concur).
    await request(`${emulator.url}/_emulator/companies/${A}/refresh-tokens/revoke`, { method: "POST" }).then((res) => res.body.dump());
    broken.state.down = true;
    await expect(restarted.accessToken(A)).rejects.toMatchObject({ extensions: { code: ErrorCode.STORE_UNAVAILABLE } });
    broken.state.down = false;
    expect((await store.get(A))!.state).toBe("CONNECTED");
    // With the store readable, Concur's refusal of the stored token is a verdict.
    await expect(restarted.accessToken(A)).rejects.toMatchObject({ extensions: { code: ErrorCode.NEEDS_RECONNECT } });
    expect((await store.get(A))!.state).toBe("NEEDS_RECONNECT");
  });
});
