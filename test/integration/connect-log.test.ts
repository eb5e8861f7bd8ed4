// The Connect page's log on both database backends (a real SQLite file, a throw-away PostgreSQL database): a request
// token is claimed once even when many try at once, a failed exchange releases it, a claim left by a crashed exchange
// goes stale, and who connected is found for exactly the connection made at that instant. Only a hash is stored.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openConnectLog, type ConnectLog } from "../../src/connections/connect-log.js";
import { openDatabase, type SqlDatabase } from "../../src/connections/store/index.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { pgTestDatabase } from "../helpers/postgres.js";

const COMPANY = "c0ffee00-0000-4000-8000-0000000000c1";
const backends: { name: string; open: () => Promise<SqlDatabase> }[] = [
  {
    name: "SQLite",
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), "cg-connect-log-"));
      registerCleanup(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
      return openDatabase({ kind: "sqlite", path: join(dir, "log.db") });
    },
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const db = pgTestDatabase();
      await db.create();
      registerCleanup(`PostgreSQL database ${db.name}`, db.drop);
      return openDatabase({ kind: "postgres", url: db.url }, { maxConnections: 10 });
    },
  },
];

describe.each(backends)("connect log on $name", ({ open }) => {
  async function setUp(clock: { now: number }): Promise<{ log: ConnectLog; db: SqlDatabase }> {
    const db = await open();
    registerCleanup(`the database ${db.description}`, () => db.close());
    return { log: await openConnectLog(db, () => clock.now), db };
  }

  it("one claim wins among many at once; the winner completes; a replay then says CONNECTED with when", async () => {
    const clock = { now: 1_800_000_000_000 };
    const { log, db } = await setUp(clock);
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => log.claim("the-request-token", COMPANY)));
    expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.claimed).every((o) => !o.claimed && o.state === "IN_PROGRESS")).toBe(true);

    await log.complete("the-request-token", clock.now, { concurUserId: "u1", signedInAs: "Ana <ana@x> (sub a at https://id)" });
    expect(await log.claim("the-request-token", COMPANY)).toEqual({ claimed: false, state: "CONNECTED", companyId: COMPANY, connectedAt: clock.now });
    expect(await log.connectedBy(COMPANY, clock.now)).toEqual({ concurUserId: "u1", signedInAs: "Ana <ana@x> (sub a at https://id)" });
    expect(await log.connectedBy(COMPANY, clock.now + 1)).toBeUndefined();
    expect(await log.usedBefore("the-request-token")).toEqual({ companyId: COMPANY, connectedAt: clock.now });
    expect(await log.usedBefore("another-token")).toBeUndefined();
    // The token itself is nowhere in the table.
    const rows = await db.query<Record<string, unknown>>("SELECT * FROM cg_connect_log");
    expect(JSON.stringify(rows)).not.toContain("the-request-token");
  });

  it("a released claim (failed exchange) can be claimed again; a stale claim (crashed exchange) after 2 minutes; a fresh one not", async () => {
    const clock = { now: 1_800_000_000_000 };
    const { log } = await setUp(clock);
    expect((await log.claim("t-released", COMPANY)).claimed).toBe(true);
    await log.release("t-released");
    expect((await log.claim("t-released", COMPANY)).claimed).toBe(true);

    expect((await log.claim("t-crashed", COMPANY)).claimed).toBe(true);
    clock.now += 60_000;
    expect((await log.claim("t-crashed", COMPANY)).claimed).toBe(false);
    clock.now += 61_000;
    expect((await log.claim("t-crashed", COMPANY)).claimed).toBe(true);

    // A completed link is never taken again, however old.
    await log.complete("t-crashed", clock.now, {});
    clock.now += 48 * 3_600_000;
    expect((await log.claim("t-crashed", COMPANY)).claimed).toBe(false);
    // Release only frees claims, never a completed record.
    await log.release("t-crashed");
    expect(await log.claim("t-crashed", COMPANY)).toMatchObject({ claimed: false, state: "CONNECTED" });
  });
});
