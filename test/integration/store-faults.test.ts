// Issue 20 item 6, below the HTTP edge: the API-key verification cache while the store cannot be read (a revoked key
// is honoured no longer than the documented grace), what counts as a store fault, the store's health moving between
// ok / down / read-only with its probes, and a start that finds no store (SQLite and PostgreSQL).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { API_KEY_OUTAGE_GRACE_MS, openApiKeyStore } from "../../src/callers/api-keys.js";
import { openDatabase, openManagedDatabase, parseDatabaseUrl, StoreMissingError, type SqlDatabase } from "../../src/connections/store/database.js";
import { classifyStoreFault, createStoreHealth, StoreUnavailableError } from "../../src/connections/store/health.js";
import { ErrorCode } from "../../src/errors.js";
import { pgTestDatabase } from "../helpers/postgres.js";
import { elapse, waitFor } from "../helpers/wait.js";

const tempDir = mkdtempSync(join(tmpdir(), "cg-store-faults-"));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** A real SQLite database whose statements fail with STORE_UNAVAILABLE while `down` is set (the seam every store uses). */
function breakable(db: SqlDatabase): SqlDatabase & { down: boolean } {
  const fail = () => {
    throw new StoreUnavailableError("read", "test");
  };
  return Object.assign(Object.create(db) as SqlDatabase, {
    down: false,
    query(this: { down: boolean }, sql: string, params?: readonly unknown[]) {
      return this.down ? Promise.reject(fail()) : db.query(sql, params);
    },
    execute(this: { down: boolean }, sql: string, params?: readonly unknown[]) {
      return this.down ? Promise.reject(fail()) : db.execute(sql, params);
    },
  }) as SqlDatabase & { down: boolean };
}

describe("API keys while the store cannot be read", () => {
  it("a key verified within the grace keeps working; a key revoked elsewhere is refused once the grace has passed, and at once when the store is back", async () => {
    let now = 1_000_000;
    const url = `sqlite:${join(tempDir, "keys.db")}`;
    const db = breakable(await openDatabase(parseDatabaseUrl(url)));
    const here = await openApiKeyStore({ database: db, now: () => now });
    const elsewhere = await openApiKeyStore({ databaseUrl: url, now: () => now });
    const { key, record } = await here.create({ name: "k", role: "read", companies: "*" });
    const never = (await here.create({ name: "never verified", role: "read", companies: "*" })).key;
    expect(await here.verify(key)).toMatchObject({ id: record.keyId });

    await elsewhere.revoke(record.keyId);
    db.down = true;
    now += 11_000; // past the 10 s cache: this instance would ask the store, which cannot answer
    expect(await here.verify(key)).toMatchObject({ id: record.keyId });
    // A key this instance never verified: nothing to fall back on.
    await expect(here.verify(never)).rejects.toMatchObject({ extensions: { code: ErrorCode.STORE_UNAVAILABLE } });
    now += API_KEY_OUTAGE_GRACE_MS; // past the grace: refused, even though the store still cannot say "revoked"
    await expect(here.verify(key)).rejects.toMatchObject({ extensions: { code: ErrorCode.STORE_UNAVAILABLE } });

    db.down = false;
    expect(await here.verify(key)).toBeNull();
    await here.close();
    await elsewhere.close();
    await db.close();
  });

  it("a revoke tried while the store cannot write stops this instance honouring the key at once", async () => {
    const now = 5_000_000;
    const db = breakable(await openDatabase(parseDatabaseUrl(`sqlite:${join(tempDir, "revoke.db")}`)));
    const keys = await openApiKeyStore({ database: db, now: () => now });
    const { key, record } = await keys.create({ name: "k", role: "read", companies: "*" });
    expect(await keys.verify(key)).not.toBeNull();
    db.down = true;
    await expect(keys.revoke(record.keyId)).rejects.toMatchObject({ extensions: { code: ErrorCode.STORE_UNAVAILABLE } });
    await expect(keys.verify(key)).rejects.toMatchObject({ extensions: { code: ErrorCode.STORE_UNAVAILABLE } });
    await keys.close();
    await db.close();
  });
});

describe("store faults", () => {
  const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

  it.each([
    [coded("ECONNREFUSED"), "connection"],
    [coded("57P01", "terminating connection due to administrator command"), "connection"],
    [coded("08006"), "connection"],
    [coded("53100", "could not extend file: No space left on device"), "connection"],
    [coded("25006", "cannot execute INSERT in a read-only transaction"), "write"],
    [new Error("Connection terminated unexpectedly"), "connection"],
    [coded("SQLITE_READONLY"), "write"],
    [coded("SQLITE_IOERR_WRITE"), "write"],
    [coded("SQLITE_FULL"), "write"],
    [coded("SQLITE_BUSY"), "write"],
    [coded("SQLITE_CANTOPEN"), "connection"],
  ])("%s is a store fault (%s)", (error, scope) => {
    expect(classifyStoreFault(error)?.scope).toBe(scope);
  });

  it.each([[coded("42601", "syntax error at or near")], [coded("23505", "duplicate key")], [coded("SQLITE_ERROR", "no such column")], [coded("SQLITE_CONSTRAINT_PRIMARYKEY")], [new TypeError("x is undefined")]])(
    "%s is not: it stays an unexpected error (logged with an errorId)",
    (error) => {
      expect(classifyStoreFault(error)).toBeUndefined();
    },
  );

  it("health: a failed read is down, a failed write read-only; the probe brings it back and tells the listeners", async () => {
    let readsWork = true;
    let writesWork = true;
    const health = createStoreHealth({
      description: "test",
      probeIntervalMs: 20,
      heartbeatMs: 0,
      probeRead: async () => {
        if (!readsWork) throw coded("ECONNREFUSED");
      },
      probeWrite: async () => {
        if (!writesWork) throw coded("SQLITE_IOERR_WRITE");
      },
    });
    let recoveries = 0;
    health.onRecovered(() => recoveries++);
    let held = 2;
    health.countPending(() => held);
    expect(health.status()).toEqual({ state: "ok", pendingWrites: 2 });

    writesWork = false;
    const writeError = health.failed(coded("SQLITE_IOERR_WRITE"), "write");
    expect(writeError?.extensions).toMatchObject({ code: "STORE_UNAVAILABLE", retryAfterSeconds: 5, errorId: expect.any(String) });
    expect(health.status()).toMatchObject({ state: "read-only", reason: "SQLITE_IOERR_WRITE", since: expect.any(Number) });
    health.succeeded("read"); // reads working says nothing about writes
    expect(health.state).toBe("read-only");
    writesWork = true;
    await waitFor(() => health.state === "ok", 5_000, "the write probe to succeed");
    expect(recoveries).toBe(1);

    readsWork = false;
    expect(health.failed(coded("ECONNREFUSED"), "read")).toBeInstanceOf(StoreUnavailableError);
    expect(health.state).toBe("down");
    expect(health.failed(new Error("syntax error"), "read")).toBeUndefined();
    readsWork = true;
    await waitFor(() => health.state === "ok", 5_000, "the read probe to succeed");
    expect(recoveries).toBe(2);
    held = 0;
    expect(health.status()).toEqual({ state: "ok", pendingWrites: 0 });

    // A hint (a pooled connection closed by the server): only the probe's outcome moves the state.
    health.checkSoon();
    await elapse(100); // proving that nothing happens: a probe that succeeds leaves no trace to wait for
    expect(health.state).toBe("ok");
    readsWork = false;
    health.checkSoon();
    await waitFor(() => health.state === "down", 5_000, "the probe to find the store down");
    readsWork = true;
    await waitFor(() => health.state === "ok", 5_000, "the probe to find it back");
    health.close();
  });
});

describe("a start that finds no store", () => {
  it("SQLite: a missing or empty file is refused with REQUIRE_EXISTING_STORE, and nothing is created", async () => {
    const missing = join(tempDir, "missing", "store.db");
    await expect(openManagedDatabase(`sqlite:${missing}`, { requireExisting: true })).rejects.toBeInstanceOf(StoreMissingError);
    const empty = join(tempDir, "empty.db");
    writeFileSync(empty, "");
    await expect(openManagedDatabase(`sqlite:${empty}`, { requireExisting: true })).rejects.toThrow(/is empty/);
    // Written once (a first start without the requirement), it is accepted with it.
    const first = join(tempDir, "first.db");
    const warnings: string[] = [];
    const logger = { warn: (_fields: unknown, message: string) => warnings.push(message) } as never;
    const created = await openManagedDatabase(`sqlite:${first}`, { requireExisting: false, logger });
    await created.migrate(["CREATE TABLE IF NOT EXISTS cg_api_keys (key_id TEXT PRIMARY KEY)"]);
    await created.close();
    expect(warnings.join("\n")).toMatch(/NEW EMPTY STORE/);
    const again = await openManagedDatabase(`sqlite:${first}`, { requireExisting: true });
    await again.close();
  });

  it("PostgreSQL: a database without the gateway's tables is refused with the requirement, accepted with a warning without it", async () => {
    const pg = pgTestDatabase();
    await pg.create();
    try {
      await expect(openManagedDatabase(pg.url, { requireExisting: true })).rejects.toThrow(/REQUIRE_EXISTING_STORE=true and the store .* has no gateway tables/);
      const warnings: string[] = [];
      const db = await openManagedDatabase(pg.url, { requireExisting: false, logger: { warn: (_f: unknown, m: string) => warnings.push(m) } as never });
      expect(warnings).toHaveLength(1);
      await db.migrate(["CREATE TABLE IF NOT EXISTS cg_connections (company_id TEXT PRIMARY KEY)"]);
      await db.close();
      const existing = await openManagedDatabase(pg.url, { requireExisting: true });
      await existing.close();
    } finally {
      await pg.drop();
    }
  });
});

describe("a SQLite file deleted under a running gateway", () => {
  it("is written again at its path from the open database, with what was written before and after the deletion", async () => {
    const dir = join(tempDir, "deleted");
    const file = join(dir, "store.db");
    const errors: string[] = [];
    const logger = { error: (_fields: unknown, message: string) => errors.push(message), warn: () => {} } as never;
    const db = await openDatabase(parseDatabaseUrl(`sqlite:${file}`), { fileCheckMs: 50, logger });
    const keys = await openApiKeyStore({ database: db });
    const before = await keys.create({ name: "before", role: "read", companies: "*" });
    // The whole directory: the file, its -wal and -shm.
    rmSync(dir, { recursive: true, force: true });
    const during = await keys.create({ name: "while deleted", role: "read", companies: "*" });
    await waitFor(() => existsSync(file) && errors.some((message) => /SQLITE STORE FILE DELETED.*nothing lost/.test(message)), 10_000, "the store file to be written again");
    const after = await keys.create({ name: "after", role: "read", companies: "*" });
    await keys.close();
    await db.close();

    // What a restart sees: all three keys, usable.
    const reopened = await openApiKeyStore({ databaseUrl: `sqlite:${file}` });
    expect((await reopened.list()).map((key) => key.name).sort()).toEqual(["after", "before", "while deleted"]);
    for (const created of [before, during, after]) expect(await reopened.verify(created.key)).toMatchObject({ id: created.record.keyId });
    await reopened.close();
  });
});
