// The store `npm start` keeps (issue 21 item 5), in process: DATABASE_URL's SQLite file with a generated encryption
// key beside it (mode 0600, reused by the next start), connections that survive a restart, and each start's demo key
// replacing the earlier ones once it listens. The child-process proof with the CLI is test/e2e/demo-process.test.ts.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { DEMO_KEY_NAME, demoStore } from "../../src/embedded.js";
import { DEMO, FILES_DEMO } from "../../src/emulator/index.js";
import { startStack } from "../helpers/stack.js";

const dir = mkdtempSync(join(tmpdir(), "cg-demo-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo's lasting store", () => {
  it("keeps its key beside the SQLite file, survives a restart, and revokes earlier demo keys", async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, "data", "demo.db")}` };
    const store = await demoStore(loadConfig(env));
    expect(store).toEqual({ databaseUrl: env.DATABASE_URL, encryptionKeys: expect.stringMatching(/^demo:[A-Za-z0-9+/]{43}=$/) });
    const keyFile = join(dir, "data", "demo.db.demo-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // A second start reads the same key (the stored refresh tokens stay readable).
    expect(await demoStore(loadConfig(env))).toEqual(store);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(store!.encryptionKeys);

    const first = await startStack({ managed: { ...store!, replaceEarlierDemoKeys: true } });
    const firstKey = first.token;
    await first.stop();
    const second = await startStack({ managed: { ...store!, replaceEarlierDemoKeys: true, connectDemo: false } });
    try {
      // Not connected again by this start: the connections are the first start's, decrypted with the kept key.
      const connections = await second.graphql<{ companyConnections: Array<{ companyId: string; state: string }> }>(`{ companyConnections { companyId state } }`);
      expect(connections.errors).toBeUndefined();
      expect(connections.data!.companyConnections.map((c) => c.companyId).sort()).toEqual([DEMO.companyId, DEMO.secondCompanyId, FILES_DEMO.standardCompanyId].sort());
      const demoKeys = (await second.gateway.services.apiKeys!.list()).filter((k) => k.name === DEMO_KEY_NAME);
      expect(demoKeys).toHaveLength(2);
      expect(demoKeys.filter((k) => k.revokedAt === undefined).map((k) => k.keyId)).toEqual([second.token.split("_")[1]]);
      const refused = await second.graphql(`{ companyConnections { companyId } }`, {}, firstKey);
      expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("CONNECTION_ENCRYPTION_KEYS wins; a PostgreSQL store without it is refused with what to set", async () => {
    expect(await demoStore(loadConfig({ DATABASE_URL: `sqlite:${join(dir, "other.db")}`, CONNECTION_ENCRYPTION_KEYS: "k1:abc" }))).toEqual({
      databaseUrl: `sqlite:${join(dir, "other.db")}`,
      encryptionKeys: "k1:abc",
    });
    await expect(demoStore(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/nowhere" }))).rejects.toThrow(ConfigError);
    await expect(demoStore(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/nowhere" }))).rejects.toThrow(/CONNECTION_ENCRYPTION_KEYS/);
    // Passthrough and the real Concur have no demo store.
    expect(await demoStore(loadConfig({ CONCUR_AUTH_MODE: "passthrough" }))).toBeUndefined();
  });
});
