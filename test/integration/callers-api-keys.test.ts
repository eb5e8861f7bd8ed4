import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpTable, pgTestDatabase } from "../helpers/postgres.js";
import { openApiKeyStore, type ApiKeyStore } from "../../src/callers/api-keys.js";
import { createCallerAuthenticator } from "../../src/callers/authenticate.js";
import { openConnectionStore } from "../../src/connections/store/connection-store.js";
import { openDatabase, parseDatabaseUrl } from "../../src/connections/store/database.js";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { waitFor } from "../helpers/wait.js";

const tempDir = mkdtempSync(join(tmpdir(), "cg-keys-"));
const database = pgTestDatabase();
const pgUrl = database.url;

beforeAll(() => database.create());
afterAll(async () => {
  await database.drop();
  rmSync(tempDir, { recursive: true, force: true });
});

const backends = [
  {
    name: "sqlite",
    url: `sqlite:${join(tempDir, "keys.db")}`,
    rawDump: async () =>
      readdirSync(tempDir)
        .map((file) => readFileSync(join(tempDir, file)).toString("latin1"))
        .join("\n"),
  },
  {
    name: "postgres",
    url: pgUrl,
    rawDump: () => dumpTable(pgUrl, "cg_api_keys"),
  },
];

describe.each(backends)("API keys on $name", (backend) => {
  let store: ApiKeyStore;
  beforeAll(async () => {
    store = await openApiKeyStore({ databaseUrl: backend.url });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("create -> verify -> revoke", async () => {
    const { key, record } = await store.create({ name: "erp sync", role: "write", companies: ["c1", "c2"] });
    expect(key).toMatch(/^cg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`cg_${record.keyId}_`)).toBe(true);
    expect(record).toMatchObject({ name: "erp sync", role: "write", companies: ["c1", "c2"] });
    expect(await store.verify(key)).toEqual({ kind: "apiKey", id: record.keyId, role: "write", companies: ["c1", "c2"] });
    expect(await store.verify(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await store.verify(`cg_000000000000_${key.slice(-43)}`)).toBeNull();
    expect(await store.verify("cg_short")).toBeNull();
    const revoked = await store.revoke(record.keyId);
    expect(revoked?.revokedAt).toBeGreaterThan(0);
    expect(await store.verify(key)).toBeNull(); // the local cache is evicted at once
    expect(await store.revoke("ffffffffffff")).toBeUndefined();
    const listed = (await store.list()).find((k) => k.keyId === record.keyId);
    expect(listed).toMatchObject({ keyId: record.keyId, revokedAt: revoked?.revokedAt });
    expect(JSON.stringify(listed)).not.toMatch(/sha|hash|secret/i);
  });

  it("stores only a SHA-256 of the secret", async () => {
    const { key } = await store.create({ name: "hash check", role: "read", companies: "*" });
    const secret = key.slice(16);
    const raw = await backend.rawDump();
    expect(raw).toContain("hash check");
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(key);
  });

  it("another instance sees a revoke within its cache TTL", async () => {
    const other = await openApiKeyStore({ databaseUrl: backend.url, cacheTtlMs: 200 });
    try {
      const { key, record } = await store.create({ name: "ttl", role: "admin", companies: "*" });
      expect(await other.verify(key)).toMatchObject({ id: record.keyId, companies: "*" });
      await store.revoke(record.keyId);
      expect(await other.verify(key)).not.toBeNull(); // still cached there
      await waitFor(async () => (await other.verify(key)) === null, 3_000, "revoke to reach the other instance");
    } finally {
      await other.close();
    }
  });

  it("refuses bad input as BAD_USER_INPUT", async () => {
    for (const input of [
      { name: "", role: "read", companies: "*" },
      { name: "x", role: "root", companies: "*" },
      { name: "x", role: "read", companies: [] },
    ]) {
      const error = await store.create(input as never).catch((e: unknown) => e);
      expect((error as CodedError).code).toBe(ErrorCode.BAD_USER_INPUT);
    }
  });

  it("shares one database with the connection store", async () => {
    const database = await openDatabase(parseDatabaseUrl(backend.url));
    try {
      const keys = await openApiKeyStore({ database });
      const connections = await openConnectionStore({ database, keys: [{ id: "k1", key: randomBytes(32) }] });
      const { key } = await keys.create({ name: "shared", role: "read", companies: ["c"] });
      await connections.put({ companyId: "c", refreshToken: "t", refreshExpiresAt: 1, geolocation: "https://us.api.concursolutions.com", scopes: [], connectedAt: 1, state: "CONNECTED" });
      expect(await keys.verify(key)).not.toBeNull();
      await keys.close();
      await connections.close(); // neither closes the shared database
      expect(await database.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});

describe("authenticator with API keys only", () => {
  let store: ApiKeyStore;
  beforeAll(async () => {
    store = await openApiKeyStore({ databaseUrl: `sqlite:${join(tempDir, "auth.db")}` });
  });
  afterAll(async () => {
    await store?.close();
  });

  const expectUnauthenticated = async (promise: Promise<unknown>, message: RegExp) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe(ErrorCode.UNAUTHENTICATED);
    expect((error as Error).message).toMatch(message);
    return error as Error;
  };

  it("accepts Bearer cg_…, x-api-key and a raw key; refuses everything else saying what to send", async () => {
    const auth = createCallerAuthenticator({ apiKeys: store });
    const { key, record } = await store.create({ name: "a", role: "read", companies: ["c"] });
    const identity = { kind: "apiKey", id: record.keyId, role: "read", companies: ["c"] };
    expect(await auth.authenticate(`Bearer ${key}`)).toEqual(identity);
    expect(await auth.authenticate({ authorization: `bearer  ${key}` })).toEqual(identity);
    expect(await auth.authenticate({ apiKey: key })).toEqual(identity);
    expect(await auth.authenticate(key)).toEqual(identity);

    await expectUnauthenticated(auth.authenticate(undefined), /No credentials.*Send an API key \(Authorization: Bearer cg_<keyId>_<secret>/);
    await expectUnauthenticated(auth.authenticate({ authorization: `Bearer ${key}`, apiKey: key }), /send only one/);
    await expectUnauthenticated(auth.authenticate("Basic dXNlcjpwYXNz"), /scheme "Basic" is not supported/);
    await expectUnauthenticated(auth.authenticate("Bearer eyJhbGciOi.x.y"), /not an API key/);
    const wrong = `cg_${record.keyId}_${"A".repeat(43)}`;
    const error = await expectUnauthenticated(auth.authenticate(`Bearer ${wrong}`), new RegExp(`API key ${record.keyId} is unknown, revoked`));
    expect(error.message).not.toContain("A".repeat(43));
  });
});
