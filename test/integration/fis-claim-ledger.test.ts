// The FIS claim ledger on each of its backends (a real SQLite file, a throw-away PostgreSQL database, a real Redis, memory): one
// owner per row even when many try at once, takeover only after the lease and only by one taker, and an owner that
// was taken over can no longer settle or release the row (fencing).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createMemoryClaimLedger, createRedisClaimLedger, openDatabase, openSqlClaimLedger, type ClaimLedger, type SqlDatabase } from "../../src/connections/store/index.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { pgTestDatabase } from "../helpers/postgres.js";
import { redisAvailable, startRedis } from "../helpers/redis.js";

type Backend = { name: string; open: (now: () => number) => Promise<ClaimLedger> };

async function sqlLedger(database: SqlDatabase, now: () => number): Promise<ClaimLedger> {
  registerCleanup(`the database ${database.description}`, () => database.close());
  return openSqlClaimLedger({ database, now });
}

const backends: Backend[] = [
  { name: "memory", open: async (now) => createMemoryClaimLedger({ now }) },
  {
    name: "SQLite",
    open: async (now) => {
      const dir = await mkdtemp(join(tmpdir(), "cg-ledger-"));
      registerCleanup(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
      return sqlLedger(await openDatabase({ kind: "sqlite", path: join(dir, "ledger.db") }), now);
    },
  },
  {
    name: "PostgreSQL",
    open: async (now) => {
      const db = pgTestDatabase();
      await db.create();
      registerCleanup(`PostgreSQL database ${db.name}`, db.drop);
      return sqlLedger(await openDatabase({ kind: "postgres", url: db.url }, { maxConnections: 10 }), now);
    },
  },
  ...(redisAvailable()
    ? [
        {
          name: "Redis",
          open: async (now: () => number) => {
            const server = await startRedis();
            const client = new Redis(server.url);
            registerCleanup("the Redis client", () => client.quit());
            return createRedisClaimLedger({ redis: client, now });
          },
        },
      ]
    : []),
];

const key = { companyId: "c0ffee00-0000-4000-8000-000000000001", scope: "ack:expense", itemKey: "doc1" };
const claim = (token: string, leaseMs = 1_000) => ({ docId: "doc1", token, leaseMs, fingerprint: "acknowledge" });

describe.each(backends)("claim ledger ($name)", ({ open }) => {
  it("of 20 concurrent acquirers exactly one owns the row; the others see its owner", async () => {
    const ledger = await open(Date.now);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.acquire(key, claim(`t${i}`))));
    const owners = results.filter((r) => r.acquired);
    expect(owners).toHaveLength(1);
    const owner = owners[0].row.token;
    for (const r of results) expect(r.row).toMatchObject({ token: owner, state: "PENDING", owners: 1, docId: "doc1" });
  });

  it("takeover only after the lease, by one taker; the old owner is fenced out; settled rows stay settled", async () => {
    let clock = 1_000_000;
    const ledger = await open(() => clock);
    expect((await ledger.acquire(key, claim("old", 500))).acquired).toBe(true);
    expect(await ledger.takeOver(key, "old", "early", 500)).toBeUndefined();
    expect(await ledger.expired(key.companyId, key.scope, 10)).toEqual([]);
    clock += 501;
    expect((await ledger.expired(key.companyId, key.scope, 10)).map((r) => r.token)).toEqual(["old"]);
    const takers = await Promise.all(["a", "b", "c"].map((t) => ledger.takeOver(key, "old", t, 500)));
    const won = takers.filter((t) => t !== undefined);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ owners: 2, state: "PENDING" });
    const winner = won[0]!.token;
    // The vanished owner comes back: it cannot settle, release or unlock what it no longer owns.
    expect(await ledger.settle(key, "old", "DONE")).toBe(false);
    expect(await ledger.release(key, "old")).toBe(false);
    expect(await ledger.unlock(key, "old")).toBe(false);
    expect(await ledger.settle(key, winner, "DONE")).toBe(true);
    clock += 10_000;
    expect(await ledger.takeOver(key, winner, "late", 500)).toBeUndefined();
    expect(await ledger.get(key)).toMatchObject({ token: winner, state: "DONE", owners: 2 });
  });

  it("unlock hands an uncertain row to the next taker at once; release frees it for a new owner; records keep their values", async () => {
    const ledger = await open(Date.now);
    const k = { ...key, scope: "posting:expense" };
    expect((await ledger.acquire(k, { ...claim("first", 60_000), fingerprint: "f1", record: { kind: "posting", wire: '{"a":1.10}' } })).acquired).toBe(true);
    expect(await ledger.takeOver(k, "first", "second", 60_000)).toBeUndefined();
    expect(await ledger.unlock(k, "first")).toBe(true);
    const taken = await ledger.takeOver(k, "first", "second", 60_000);
    expect(taken).toMatchObject({ token: "second", fingerprint: "f1", record: { kind: "posting", wire: '{"a":1.10}' } });
    expect(await ledger.release(k, "second")).toBe(true);
    expect(await ledger.get(k)).toBeUndefined();
    expect((await ledger.acquire(k, { ...claim("third"), fingerprint: "f2" })).row).toMatchObject({ token: "third", fingerprint: "f2", owners: 1 });
  });
});
