import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpTable, pgTestDatabase } from "../helpers/postgres.js";
import { ConfigError } from "../../src/config.js";
import { openConnectionStore } from "../../src/connections/store/connection-store.js";
import { SecretDecryptionError, type EncryptionKey } from "../../src/connections/store/crypto.js";
import type { ConnectionStore, ConnectionWrite } from "../../src/connections/store/types.js";
import { CodedError, ErrorCode } from "../../src/errors.js";

const k1: EncryptionKey = { id: "k1", key: randomBytes(32) };
const k2: EncryptionKey = { id: "k2", key: randomBytes(32) };

/** A backend under test: a URL plus a way to read what it stored raw. */
interface Backend {
  name: string;
  url: string;
  rawDump(): Promise<string>;
}

const tempDir = mkdtempSync(join(tmpdir(), "cg-store-"));
const database = pgTestDatabase();
const pgUrl = database.url;

beforeAll(() => database.create());
afterAll(async () => {
  await database.drop();
  rmSync(tempDir, { recursive: true, force: true });
});

const sqlitePath = join(tempDir, "nested", "dir", "cg.db");
const backends: Backend[] = [
  {
    name: "sqlite",
    url: `sqlite:${sqlitePath}`,
    // Every byte SQLite wrote: the database file, its WAL and shared memory.
    rawDump: async () =>
      readdirSync(join(tempDir, "nested", "dir"))
        .map((file) => readFileSync(join(tempDir, "nested", "dir", file)).toString("latin1"))
        .join("\n"),
  },
  {
    name: "postgres",
    url: pgUrl,
    rawDump: () => dumpTable(pgUrl, "cg_connections"),
  },
];

const sample = (companyId: string, overrides: Partial<ConnectionWrite> = {}): ConnectionWrite => ({
  companyId,
  refreshToken: `rt-${randomBytes(12).toString("hex")}`,
  refreshExpiresAt: Date.UTC(2027, 5, 1),
  geolocation: "https://us2.api.concursolutions.com/oauth2/v0/token",
  scopes: ["FISVC", "spend.list.read", "FISVC"],
  connectedByUserId: "user-1",
  connectedAt: Date.UTC(2026, 11, 1),
  state: "CONNECTED",
  ...overrides,
});

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<CodedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodedError);
  expect((error as CodedError).code).toBe(code);
  return error as CodedError;
}

describe.each(backends)("connection store on $name", (backend) => {
  let store: ConnectionStore;
  beforeAll(async () => {
    store = await openConnectionStore({ databaseUrl: backend.url, keys: [k1] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("put/get/list/delete, normalising the geolocation and scopes", async () => {
    const record = sample("company-crud", { lastRefreshAt: 123, lastError: { code: "134", message: "maintenance", at: 456 } });
    const stored = await store.put(record);
    expect(stored.version).toBe(1);
    expect(stored.geolocation).toBe("https://us2.api.concursolutions.com");
    expect(await store.get("company-crud")).toEqual({ ...record, geolocation: "https://us2.api.concursolutions.com", scopes: ["FISVC", "spend.list.read"], version: 1 });
    const listed = (await store.list()).find((r) => r.companyId === "company-crud");
    expect(listed).toMatchObject({ state: "CONNECTED", encryptionKeyId: "k1", version: 1, lastError: { code: "134" } });
    expect(listed).not.toHaveProperty("refreshToken");
    expect(await store.delete("company-crud")).toBe(true);
    expect(await store.delete("company-crud")).toBe(false);
    expect(await store.get("company-crud")).toBeUndefined();
  });

  it("optimistic versions: expected 0 = create only, expected n = update only from n", async () => {
    const first = await store.put(sample("company-v"), { expectedVersion: 0 });
    expect(first.version).toBe(1);
    await expectCode(store.put(sample("company-v"), { expectedVersion: 0 }), ErrorCode.CONFLICT);
    const second = await store.put({ ...first, refreshToken: "rotated" }, { expectedVersion: 1 });
    expect(second.version).toBe(2);
    const stale = await expectCode(store.put({ ...first, refreshToken: "lost" }, { expectedVersion: 1 }), ErrorCode.CONFLICT);
    expect(stale.message).toMatch(/expected version 1 but it is at version 2/);
    expect((await store.get("company-v"))?.refreshToken).toBe("rotated");
    await expectCode(store.put(sample("company-missing"), { expectedVersion: 3 }), ErrorCode.CONFLICT);
    expect((await store.put(sample("company-v"))).version).toBe(3); // unconditional upsert still bumps
  });

  it("refuses invalid records as BAD_USER_INPUT", async () => {
    await expectCode(store.put(sample("")), ErrorCode.BAD_USER_INPUT);
    await expectCode(store.put(sample("c", { state: "PENDING" as never })), ErrorCode.BAD_USER_INPUT);
    await expectCode(store.put(sample("c", { refreshExpiresAt: Number.NaN })), ErrorCode.BAD_USER_INPUT);
    await expectCode(store.put(sample("c", { geolocation: "ftp://x" })), ErrorCode.BAD_USER_INPUT);
  });

  it("keeps no refresh token plaintext in what it stores", async () => {
    const secret = `plain-${randomBytes(16).toString("hex")}`;
    await store.put(sample("company-secret", { refreshToken: secret }));
    await store.put(sample("company-secret", { refreshToken: secret })); // an update too
    const raw = await backend.rawDump();
    expect(raw).toContain("company-secret");
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString("base64"));
  });

  it("survives a reopen, and a store without the key cannot read", async () => {
    await store.put(sample("company-durable", { refreshToken: "durable-token" }));
    const reopened = await openConnectionStore({ databaseUrl: backend.url, keys: [k1] });
    try {
      expect((await reopened.get("company-durable"))?.refreshToken).toBe("durable-token");
    } finally {
      await reopened.close();
    }
    const wrongKey = await openConnectionStore({ databaseUrl: backend.url, keys: [k2] });
    try {
      await expect(wrongKey.get("company-durable")).rejects.toBeInstanceOf(SecretDecryptionError);
      await expect(wrongKey.get("company-durable")).rejects.toThrow(/key "k1"/);
    } finally {
      await wrongKey.close();
    }
  });

  it("rotation: with [k2, k1] old rows read, rekey moves all to k2 without bumping versions, then k1 can go", async () => {
    const before = await store.put(sample("company-rotate", { refreshToken: "rotate-me" }));
    const rotating = await openConnectionStore({ databaseUrl: backend.url, keys: [k2, k1] });
    try {
      expect((await rotating.get("company-rotate"))?.refreshToken).toBe("rotate-me");
      const result = await rotating.rekey();
      expect(result.rekeyed).toBeGreaterThanOrEqual(1);
      expect(result.skipped).toBe(0);
      expect((await rotating.rekey()).rekeyed).toBe(0);
      const rows = await rotating.list();
      expect(rows.every((row) => row.encryptionKeyId === "k2")).toBe(true);
      expect(rows.find((r) => r.companyId === "company-rotate")?.version).toBe(before.version);
    } finally {
      await rotating.close();
    }
    const newOnly = await openConnectionStore({ databaseUrl: backend.url, keys: [k2] });
    try {
      expect((await newOnly.get("company-rotate"))?.refreshToken).toBe("rotate-me");
      // A writer that read before the rekey still writes with its version.
      expect((await newOnly.put(sample("company-rotate"), { expectedVersion: before.version })).version).toBe(before.version + 1);
    } finally {
      await newOnly.close();
    }
  });

  it("opens without keys only for metadata", async () => {
    await expect(openConnectionStore({ databaseUrl: backend.url, keys: [] })).rejects.toBeInstanceOf(ConfigError);
    const metadata = await openConnectionStore({ databaseUrl: backend.url, keys: [], allowMissingKeys: true });
    try {
      expect((await metadata.list()).length).toBeGreaterThan(0);
      await expect(metadata.get("company-rotate")).rejects.toThrow(/CONNECTION_ENCRYPTION_KEYS/);
    } finally {
      await metadata.close();
    }
  });
});

describe("backends", () => {
  it("SQLite uses WAL and created the nested directory", () => {
    const db = new Database(sqlitePath, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it.each(["redis://127.0.0.1:6379", "memory:"])("refuses %s with a ConfigError about durability", async (url) => {
    await expect(openConnectionStore({ databaseUrl: url, keys: [k1] })).rejects.toThrow(/not durable storage/);
  });

  it("an unreachable PostgreSQL is a ConfigError without the password", async () => {
    const error = await openConnectionStore({ databaseUrl: "postgres://u:hunter2@127.0.0.1:1/x", keys: [k1] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
