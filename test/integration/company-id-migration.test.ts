// Issue 21 item 1: a store written before company ids were canonical (Concur's redirect sends `id=03A4AC48-…` in upper
// case, and the gateway stored it as sent) is migrated when it is opened: connections move to the lower-case id with
// their refresh token re-sealed for it, duplicates of one company keep the newest row, API-key scopes become lower
// case. Proven on SQLite and on a throw-away PostgreSQL database.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiKeyStore } from "../../src/callers/api-keys.js";
import { openConnectionStore } from "../../src/connections/store/connection-store.js";
import { createKeyRing, type EncryptionKey } from "../../src/connections/store/crypto.js";
import { openDatabase, parseDatabaseUrl, type SqlDatabase } from "../../src/connections/store/database.js";
import { pgTestDatabase } from "../helpers/postgres.js";

const key: EncryptionKey = { id: "k1", key: randomBytes(32) };
const ring = createKeyRing([key]);
const tempDir = mkdtempSync(join(tmpdir(), "cg-company-case-"));
const postgres = pgTestDatabase();

beforeAll(() => postgres.create());
afterAll(async () => {
  await postgres.drop();
  rmSync(tempDir, { recursive: true, force: true });
});

const LOWER = "03a4ac48-5a3c-4c4e-9b1d-6f2c1e0a9d01";
const UPPER = LOWER.toUpperCase();
const TWIN_LOWER = "7f3b2c1d-0e9f-4a8b-8c7d-6e5f4a3b2c10";
const TWIN_UPPER = TWIN_LOWER.toUpperCase();

/** A row exactly as the gateway wrote it before: the id as sent, the refresh token sealed with that id. */
async function insertLegacyConnection(db: SqlDatabase, companyId: string, refreshToken: string, updatedAt: number): Promise<void> {
  await db.execute(
    `INSERT INTO cg_connections (company_id, refresh_token_sealed, encryption_key_id, refresh_expires_at, geolocation, scopes, connected_by_user_id, connected_at, last_refresh_at, last_error, state, version, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, 'CONNECTED', 1, ?)`,
    [companyId, ring.seal(refreshToken, companyId), key.id, Date.UTC(2027, 5, 1), "https://us2.api.concursolutions.com", "[]", Date.UTC(2026, 10, 1), updatedAt],
  );
}

const backends = [
  { name: "sqlite", url: () => `sqlite:${join(tempDir, "legacy.db")}` },
  { name: "postgres", url: () => postgres.url },
];

describe.each(backends)("a store with upper-case company ids from before ($name)", ({ url }) => {
  it("is migrated on open: connections re-sealed under the lower-case id, the newest of two twins kept, API-key scopes lower case", async () => {
    // The tables as an older gateway left them.
    const setup = await openConnectionStore({ databaseUrl: url(), keys: [key] });
    await setup.close();
    const keysSetup = await openApiKeyStore({ databaseUrl: url(), cacheTtlMs: 0 });
    const scoped = await keysSetup.create({ name: "scoped admin", role: "admin", companies: [LOWER] });
    await keysSetup.close();
    const db = await openDatabase(parseDatabaseUrl(url()));
    try {
      await insertLegacyConnection(db, UPPER, "rt-upper-only", 1_000);
      // One company stored twice: the upper-case row is newer, so it wins over the lower-case one.
      await insertLegacyConnection(db, TWIN_LOWER, "rt-twin-older", 1_000);
      await insertLegacyConnection(db, TWIN_UPPER, "rt-twin-newer", 2_000);
      await db.execute(`UPDATE cg_api_keys SET companies = ? WHERE key_id = ?`, [JSON.stringify([UPPER, "*-not-a-wildcard"]), scoped.record.keyId]);
    } finally {
      await db.close();
    }

    // Without keys (the CLI's `connections list`) nothing can be re-sealed: the rows stay as they are.
    const keyless = await openConnectionStore({ databaseUrl: url(), keys: [], allowMissingKeys: true });
    expect((await keyless.list()).map((c) => c.companyId).sort()).toEqual([TWIN_LOWER, TWIN_UPPER, UPPER].sort());
    await keyless.close();

    const store = await openConnectionStore({ databaseUrl: url(), keys: [key] });
    try {
      expect((await store.list()).map((c) => c.companyId).sort()).toEqual([LOWER, TWIN_LOWER].sort());
      expect((await store.get(LOWER))?.refreshToken).toBe("rt-upper-only");
      expect((await store.get(TWIN_LOWER))?.refreshToken).toBe("rt-twin-newer");
      // A second open (another instance starting) finds nothing left to do and changes nothing.
      const again = await openConnectionStore({ databaseUrl: url(), keys: [key] });
      expect((await again.get(LOWER))?.refreshToken).toBe("rt-upper-only");
      await again.close();
      // Writes with the upper-case id land on the same row.
      const written = await store.put({ ...(await store.get(LOWER))!, companyId: UPPER, refreshToken: "rt-rewritten" });
      expect(written.companyId).toBe(LOWER);
      expect((await store.list()).map((c) => c.companyId).sort()).toEqual([LOWER, TWIN_LOWER].sort());
      expect((await store.get(LOWER))?.refreshToken).toBe("rt-rewritten");
    } finally {
      await store.close();
    }

    const keys = await openApiKeyStore({ databaseUrl: url(), cacheTtlMs: 0 });
    try {
      const record = (await keys.list()).find((k) => k.keyId === scoped.record.keyId)!;
      expect(record.companies).toEqual([LOWER, "*-not-a-wildcard"]);
      const raw = await openDatabase(parseDatabaseUrl(url()));
      const [row] = await raw.query<{ companies: string }>(`SELECT companies FROM cg_api_keys WHERE key_id = ?`, [scoped.record.keyId]);
      await raw.close();
      expect(JSON.parse(row.companies)).toEqual([LOWER, "*-not-a-wildcard"]);
      // The key acts for the company in either case.
      const identity = await keys.verify(scoped.key);
      expect(identity?.companies).toEqual([LOWER, "*-not-a-wildcard"]);
    } finally {
      await keys.close();
    }
  });
});
