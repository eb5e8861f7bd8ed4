// Managed mode (issue 10): connections survive a restart. A gateway stopped and started again on the same database
// file with the same encryption keys keeps every connection CONNECTED and serves queries at once, without a new
// request token (it refreshes with the stored refresh token: the access token lived in memory only).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { ACCOUNTS, COMPANY_CONNECTIONS, createApiKey, ROUTES, startStack, type ConnectionFields, type Stack } from "../helpers/stack.js";

const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const ERP: Record<string, string> = { [A]: DEMO.erpId, [B]: DEMO.secondErpId };

describe("managed mode: a restarted gateway keeps its connections", () => {
  let emulator: RunningEmulator;
  let store: { databaseUrl: string; encryptionKeys: string };

  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, seed: "demo", processingDelayMs: 20 });
    registerCleanup("the emulator", () => emulator.stop());
    const dir = await mkdtemp(join(tmpdir(), "cg-managed-restart-"));
    registerCleanup(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
    store = { databaseUrl: `sqlite:${join(dir, "concur-graph.db")}`, encryptionKeys: `k1:${randomBytes(32).toString("base64")}` };
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it("stopped and started on the same SQLite file and keys: every connection CONNECTED, queries served, no request token", async () => {
    const first: Stack = await startStack({ sharedEmulator: emulator, webhooks: false, managed: store });
    const key = await createApiKey(first, "read", [A, B]);
    for (const companyId of [A, B]) expect((await first.graphql(ACCOUNTS, { companyId, erpId: ERP[companyId], first: 1 }, key)).errors).toBeUndefined();
    const before = (await first.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, key)).data!.companyConnections;
    expect(before.map((c) => c.state)).toEqual(["CONNECTED", "CONNECTED"]);
    await first.stop();

    // The restart: nothing is connected by the new process (no request token is issued from here on).
    const second: Stack = await startStack({ sharedEmulator: emulator, webhooks: false, managed: { ...store, connectDemo: false } });
    await second.resetCounters();
    const after = (await second.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, key)).data!.companyConnections;
    expect(after).toHaveLength(2);
    for (const connection of after) {
      const was = before.find((c) => c.companyId === connection.companyId)!;
      // Same connection (who, when, where, scopes, refresh expiry); only the in-memory access token is gone.
      expect(connection).toEqual({ ...was, accessTokenExpiresAt: null });
    }

    // The API key made before the restart still works (keys are stored too), and both companies answer.
    for (const companyId of [A, B]) {
      const res = await second.graphql(ACCOUNTS, { companyId, erpId: ERP[companyId], first: 2 }, key);
      expect(res.errors).toBeUndefined();
      expect(res.data.erpIntegration.accounts.edges).toHaveLength(2);
    }
    // One refresh grant per company, both accepted: the stored refresh tokens were enough.
    expect((await second.counters())[ROUTES.token]).toEqual({ "200": 2 });
    const refreshed = (await second.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, key)).data!.companyConnections;
    expect(refreshed.map((c) => [c.state, c.accessTokenExpiresAt !== null])).toEqual([
      ["CONNECTED", true],
      ["CONNECTED", true],
    ]);
    await second.stop();
  });
});
