/**
 * The claim ledger: which caller of the gateway owns one money-moving FIS step — the acknowledgement that claims a
 * document, its posting confirmation, a payment confirmation. A row is written BEFORE the POST to Concur, inserted
 * under a primary key so that of two replicas (or two callers of one) exactly one owns it; its lease tells others
 * when an owner that vanished (process killed between send and answer) may be taken over. Concur's answers are only
 * ever attributed to the fleet through this ledger: every gateway sharing the database sends a step only while it
 * owns the step's row, so "already done" after our own lost answer is ours when no one else could have sent it.
 *
 * Two implementations: SQL (managed mode: the same SQLite file or PostgreSQL database as the connections, durable
 * and shared by replicas) and memory (passthrough mode: one process only; see docs/financial-integration.md).
 */
import type { SqlDatabase } from "./database.js";

/** PENDING: an owner is sending (or was, and vanished); DONE: settled as done by the fleet; FOREIGN: done by someone outside it. */
export type LedgerState = "PENDING" | "DONE" | "FOREIGN";

/** Which step of which item: company, scope (e.g. `ack:expense`, `posting:invoice`, `payment`), item key (e.g. the FIS document id). */
export interface LedgerKey {
  companyId: string;
  scope: string;
  itemKey: string;
}

export interface LedgerRow extends LedgerKey {
  /** The FIS document the step is about. */
  docId: string;
  /** The current owner's claim token (unique per attempt to own the row). */
  token: string;
  state: LedgerState;
  /** How many owners have held the row: above 1, an earlier owner may have sent the step before it vanished. */
  owners: number;
  /** Epoch ms after which a PENDING row may be taken over; 0 = at once (its owner gave up uncertain). */
  leaseUntil: number;
  /** What was (or is being) sent, canonical: a second sender with another fingerprint conflicts. */
  fingerprint: string;
  /** The values on record (JSON), for answers to conflicting senders. */
  record: unknown;
  createdAt: number;
  updatedAt: number;
}

/** What {@link ClaimLedger.acquire} writes. */
export interface LedgerClaim {
  docId: string;
  token: string;
  leaseMs: number;
  fingerprint: string;
  record?: unknown;
}

export interface ClaimLedger {
  /** True when rows survive a restart and are shared by every replica on the same database. */
  readonly shared: boolean;
  /** Inserts a PENDING row owned by `claim.token`; when the row exists, returns it untouched. */
  acquire(key: LedgerKey, claim: LedgerClaim): Promise<{ acquired: boolean; row: LedgerRow }>;
  /**
   * Takes over a PENDING row whose lease has run out, only while `expectedToken` still owns it (of two takers one
   * wins). `replace` swaps the values on record (a sender with other values, after reading the document back).
   */
  takeOver(key: LedgerKey, expectedToken: string, token: string, leaseMs: number, replace?: { fingerprint: string; record: unknown }): Promise<LedgerRow | undefined>;
  /** Settles the row as DONE or FOREIGN, only while `token` owns it; false when another owner took it over. */
  settle(key: LedgerKey, token: string, state: Exclude<LedgerState, "PENDING">): Promise<boolean>;
  /** Deletes a PENDING row `token` owns: nothing was applied, anyone may try again. */
  release(key: LedgerKey, token: string): Promise<boolean>;
  /** Ends the lease of a PENDING row `token` owns at once: its outcome is uncertain, the next taker settles it. */
  unlock(key: LedgerKey, token: string): Promise<boolean>;
  get(key: LedgerKey): Promise<LedgerRow | undefined>;
  /** PENDING rows of a company and scope whose lease has run out, oldest first. */
  expired(companyId: string, scope: string, limit: number): Promise<LedgerRow[]>;
  close(): Promise<void>;
}

const TABLE = "cg_fis_ledger";

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    company_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    item_key TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    token TEXT NOT NULL,
    state TEXT NOT NULL,
    owners INTEGER NOT NULL,
    lease_until BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    record TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, scope, item_key)
  )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_pending ON ${TABLE} (company_id, scope, state, lease_until)`,
];

interface Row {
  company_id: string;
  scope: string;
  item_key: string;
  doc_id: string;
  token: string;
  state: string;
  owners: number | string;
  lease_until: number | string;
  fingerprint: string;
  record: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const fromRow = (r: Row): LedgerRow => ({
  companyId: r.company_id,
  scope: r.scope,
  itemKey: r.item_key,
  docId: r.doc_id,
  token: r.token,
  state: r.state as LedgerState,
  owners: Number(r.owners),
  leaseUntil: Number(r.lease_until),
  fingerprint: r.fingerprint,
  record: r.record === null ? null : JSON.parse(r.record),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const WHERE_KEY = "company_id = ? AND scope = ? AND item_key = ?";
const keyParams = (key: LedgerKey) => [key.companyId, key.scope, key.itemKey];

/** The durable ledger in the gateway's database (managed mode), created on first open. */
export async function openSqlClaimLedger(options: { database: SqlDatabase; now?: () => number }): Promise<ClaimLedger> {
  const { database } = options;
  const now = options.now ?? Date.now;
  await database.migrate(DDL);
  const get = async (key: LedgerKey) => {
    const rows = await database.query<Row>(`SELECT * FROM ${TABLE} WHERE ${WHERE_KEY}`, keyParams(key));
    return rows[0] ? fromRow(rows[0]) : undefined;
  };
  async function acquire(key: LedgerKey, claim: LedgerClaim): Promise<{ acquired: boolean; row: LedgerRow }> {
    for (;;) {
      const at = now();
      const inserted = await database.execute(
        `INSERT INTO ${TABLE} (company_id, scope, item_key, doc_id, token, state, owners, lease_until, fingerprint, record, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'PENDING', 1, ?, ?, ?, ?, ?) ON CONFLICT (company_id, scope, item_key) DO NOTHING`,
        [...keyParams(key), claim.docId, claim.token, at + claim.leaseMs, claim.fingerprint, claim.record === undefined ? null : JSON.stringify(claim.record), at, at],
      );
      const row = await get(key);
      // Deleted between the insert attempt and the read (its owner released it): try again.
      if (row) return { acquired: inserted === 1 && row.token === claim.token, row };
    }
  }
  return {
    shared: true,
    acquire,
    async takeOver(key, expectedToken, token, leaseMs, replace) {
      const at = now();
      const sets = replace ? ", fingerprint = ?, record = ?" : "";
      const extra = replace ? [replace.fingerprint, JSON.stringify(replace.record ?? null)] : [];
      const changed = await database.execute(
        `UPDATE ${TABLE} SET token = ?, owners = owners + 1, lease_until = ?, updated_at = ?${sets} WHERE ${WHERE_KEY} AND token = ? AND state = 'PENDING' AND lease_until < ?`,
        [token, at + leaseMs, at, ...extra, ...keyParams(key), expectedToken, at],
      );
      return changed === 1 ? get(key) : undefined;
    },
    async settle(key, token, state) {
      return (await database.execute(`UPDATE ${TABLE} SET state = ?, lease_until = 0, updated_at = ? WHERE ${WHERE_KEY} AND token = ?`, [state, now(), ...keyParams(key), token])) === 1;
    },
    async release(key, token) {
      return (await database.execute(`DELETE FROM ${TABLE} WHERE ${WHERE_KEY} AND token = ? AND state = 'PENDING'`, [...keyParams(key), token])) === 1;
    },
    async unlock(key, token) {
      return (await database.execute(`UPDATE ${TABLE} SET lease_until = 0, updated_at = ? WHERE ${WHERE_KEY} AND token = ? AND state = 'PENDING'`, [now(), ...keyParams(key), token])) === 1;
    },
    get,
    async expired(companyId, scope, limit) {
      const rows = await database.query<Row>(
        `SELECT * FROM ${TABLE} WHERE company_id = ? AND scope = ? AND state = 'PENDING' AND lease_until < ? ORDER BY created_at LIMIT ?`,
        [companyId, scope, now(), limit],
      );
      return rows.map(fromRow);
    },
    // The database belongs to the managed-mode composition (closed there).
    async close() {},
  };
}

/**
 * The ledger in this process's memory (passthrough mode, no database): owners are exclusive among the callers of
 * this process only, and rows are gone after a restart.
 */
export function createMemoryClaimLedger(options: { now?: () => number } = {}): ClaimLedger {
  const now = options.now ?? Date.now;
  const rows = new Map<string, LedgerRow>();
  const id = (key: LedgerKey) => JSON.stringify([key.companyId, key.scope, key.itemKey]);
  const owned = (key: LedgerKey, token: string) => {
    const row = rows.get(id(key));
    return row && row.token === token ? row : undefined;
  };
  const copy = (row: LedgerRow | undefined) => (row ? structuredClone(row) : undefined);
  return {
    shared: false,
    async acquire(key, claim) {
      const existing = rows.get(id(key));
      if (existing) return { acquired: false, row: structuredClone(existing) };
      const at = now();
      const row: LedgerRow = { ...key, docId: claim.docId, token: claim.token, state: "PENDING", owners: 1, leaseUntil: at + claim.leaseMs, fingerprint: claim.fingerprint, record: claim.record ?? null, createdAt: at, updatedAt: at };
      rows.set(id(key), row);
      return { acquired: true, row: structuredClone(row) };
    },
    async takeOver(key, expectedToken, token, leaseMs, replace) {
      const row = owned(key, expectedToken);
      const at = now();
      if (!row || row.state !== "PENDING" || row.leaseUntil >= at) return undefined;
      Object.assign(row, { token, owners: row.owners + 1, leaseUntil: at + leaseMs, updatedAt: at }, replace ? { fingerprint: replace.fingerprint, record: replace.record ?? null } : {});
      return copy(row);
    },
    async settle(key, token, state) {
      const row = owned(key, token);
      if (!row) return false;
      Object.assign(row, { state, leaseUntil: 0, updatedAt: now() });
      return true;
    },
    async release(key, token) {
      const row = owned(key, token);
      return row !== undefined && row.state === "PENDING" && rows.delete(id(key));
    },
    async unlock(key, token) {
      const row = owned(key, token);
      if (!row || row.state !== "PENDING") return false;
      Object.assign(row, { leaseUntil: 0, updatedAt: now() });
      return true;
    },
    async get(key) {
      return copy(rows.get(id(key)));
    },
    async expired(companyId, scope, limit) {
      const at = now();
      return [...rows.values()]
        .filter((r) => r.companyId === companyId && r.scope === scope && r.state === "PENDING" && r.leaseUntil < at)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit)
        .map((r) => structuredClone(r));
    },
    async close() {
      rows.clear();
    },
  };
}

/** The few Redis commands the Redis ledger uses (an ioredis client fits). */
export interface LedgerRedis {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
  zrangebyscore(key: string, min: string | number, max: string | number, limit: "LIMIT", offset: number, count: number): Promise<string[]>;
}

// Each script works on one row hash (KEYS[1]) and its scope's PENDING index (KEYS[2], a sorted set by lease end), so
// a check and its write are one atomic step, as the SQL ledger's conditional statements are.
const REDIS_ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'docId', ARGV[1], 'token', ARGV[2], 'state', 'PENDING', 'owners', 1, 'leaseUntil', ARGV[3], 'fingerprint', ARGV[4], 'record', ARGV[5], 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
return 1`;
const REDIS_TAKE_OVER = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'PENDING' or tonumber(redis.call('HGET', KEYS[1], 'leaseUntil')) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'token', ARGV[2], 'leaseUntil', ARGV[3], 'updatedAt', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'owners', 1)
if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'fingerprint', ARGV[7], 'record', ARGV[8]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
return 1`;
const REDIS_SETTLE = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'leaseUntil', 0, 'updatedAt', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[4])
return 1`;
const REDIS_RELEASE = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'PENDING' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;
const REDIS_UNLOCK = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'PENDING' then return 0 end
redis.call('HSET', KEYS[1], 'leaseUntil', 0, 'updatedAt', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
return 1`;

/**
 * The ledger in Redis (passthrough mode with REDIS_URL): shared by every replica on the same Redis, so a document is
 * handed to one caller among all of them; rows last as long as Redis keeps its data (no persistence: lost on a Redis
 * restart, and with them the settling of claims in flight at that moment).
 */
export function createRedisClaimLedger(options: { redis: LedgerRedis; prefix?: string; now?: () => number }): ClaimLedger {
  const { redis } = options;
  const prefix = options.prefix ?? "concur-graph:fis-ledger";
  const now = options.now ?? Date.now;
  const rowKey = (key: LedgerKey) => `${prefix}:row:${JSON.stringify([key.companyId, key.scope, key.itemKey])}`;
  const pendingKey = (companyId: string, scope: string) => `${prefix}:pending:${JSON.stringify([companyId, scope])}`;
  const keys = (key: LedgerKey) => [rowKey(key), pendingKey(key.companyId, key.scope)];
  const get = async (key: LedgerKey): Promise<LedgerRow | undefined> => {
    const h = await redis.hgetall(rowKey(key));
    if (!h || !h.token) return undefined;
    return {
      ...key,
      docId: h.docId,
      token: h.token,
      state: h.state as LedgerState,
      owners: Number(h.owners),
      leaseUntil: Number(h.leaseUntil),
      fingerprint: h.fingerprint,
      record: h.record === "" || h.record === undefined ? null : JSON.parse(h.record),
      createdAt: Number(h.createdAt),
      updatedAt: Number(h.updatedAt),
    };
  };
  return {
    shared: true,
    async acquire(key, claim) {
      for (;;) {
        const at = now();
        const record = claim.record === undefined ? "" : JSON.stringify(claim.record);
        const inserted = await redis.eval(REDIS_ACQUIRE, 2, ...keys(key), claim.docId, claim.token, at + claim.leaseMs, claim.fingerprint, record, at, key.itemKey);
        const row = await get(key);
        if (row) return { acquired: Number(inserted) === 1 && row.token === claim.token, row };
      }
    },
    async takeOver(key, expectedToken, token, leaseMs, replace) {
      const at = now();
      const swap = replace ? ["1", replace.fingerprint, JSON.stringify(replace.record ?? null)] : ["0", "", ""];
      const changed = await redis.eval(REDIS_TAKE_OVER, 2, ...keys(key), expectedToken, token, at + leaseMs, at, key.itemKey, ...swap);
      return Number(changed) === 1 ? get(key) : undefined;
    },
    async settle(key, token, state) {
      return Number(await redis.eval(REDIS_SETTLE, 2, ...keys(key), token, state, now(), key.itemKey)) === 1;
    },
    async release(key, token) {
      return Number(await redis.eval(REDIS_RELEASE, 2, ...keys(key), token, key.itemKey)) === 1;
    },
    async unlock(key, token) {
      return Number(await redis.eval(REDIS_UNLOCK, 2, ...keys(key), token, now(), key.itemKey)) === 1;
    },
    get,
    async expired(companyId, scope, limit) {
      const itemKeys = await redis.zrangebyscore(pendingKey(companyId, scope), "-inf", `(${now()}`, "LIMIT", 0, limit);
      const rows = await Promise.all(itemKeys.map((itemKey) => get({ companyId, scope, itemKey })));
      return rows.filter((r): r is LedgerRow => r !== undefined && r.state === "PENDING" && r.leaseUntil < now()).sort((a, b) => a.createdAt - b.createdAt);
    },
    // The Redis client belongs to the services (closed there).
    async close() {},
  };
}
