import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { ConfigError } from "../../config.js";
import type { Logger } from "../../logger.js";
import { createStoreHealth, type StoreHealth } from "./health.js";

/** Where durable gateway state lives, parsed from a database URL by {@link parseDatabaseUrl}. */
export type DatabaseLocation =
  | { kind: "sqlite"; /** Absolute file path. */ path: string }
  | { kind: "postgres"; /** The `postgres://` / `postgresql://` URL as given. */ url: string };

/** Default database URL of the CLI and of a checkout: a SQLite file under `./data/`. */
export const DEFAULT_DATABASE_URL = "sqlite:./data/concur-graph.db";

/**
 * Parses a database URL: `sqlite:<path>` / `file:<path>` (relative paths resolve against `cwd`) or
 * `postgres://…` / `postgresql://…`. Anything else — `redis://`, `memory:`, `:memory:` — is refused with a
 * {@link ConfigError}: company refresh tokens last six months and a lost one means asking the customer's admin
 * to reconnect, so they need storage that survives restarts.
 *
 * @param name what to call the setting in error messages (default `DATABASE_URL`)
 */
export function parseDatabaseUrl(raw: string, options: { name?: string; cwd?: string } = {}): DatabaseLocation {
  const name = options.name ?? "DATABASE_URL";
  const value = raw.trim();
  const durable = `Use sqlite:<path> (for example ${DEFAULT_DATABASE_URL}) or postgres://user@host:5432/db.`;
  if (value === "") throw new ConfigError(`${name} is empty. ${durable}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`${name} is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database.`);
    }
    return { kind: "postgres", url: value };
  }
  if (scheme === "sqlite" || scheme === "file") {
    // Accept sqlite:./x.db, sqlite:/abs/x.db, sqlite:///abs/x.db and file:// forms alike.
    let path = value.slice(scheme.length + 1);
    if (path.startsWith("//")) path = path.slice(2);
    path = decodeURIComponent(path.replace(/[?#].*$/, ""));
    if (path === "" || path === ":memory:" || path === "memory") {
      throw new ConfigError(`${name}=${JSON.stringify(raw)} names no file: connection tokens need durable storage. ${durable}`);
    }
    return { kind: "sqlite", path: resolve(options.cwd ?? process.cwd(), path) };
  }
  throw new ConfigError(
    `${name} uses ${scheme ? `"${scheme}:"` : "no scheme"}, which is not durable storage for company refresh tokens ` +
      `(they last six months; losing one forces the customer to reconnect). ${durable}`,
  );
}

/** Redacts the password of a URL for messages and logs. */
export function describeDatabase(location: DatabaseLocation): string {
  if (location.kind === "sqlite") return `sqlite:${location.path}`;
  try {
    const url = new URL(location.url);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "postgres://(unparsable)";
  }
}

/**
 * The few SQL operations the stores need, over SQLite or PostgreSQL. SQL is written once with `?`
 * placeholders (numbered `$n` for PostgreSQL automatically) in the dialect both engines accept
 * (`ON CONFLICT … DO UPDATE`, `RETURNING`).
 * @internal shared by the connection store and the API key store; not a general database layer.
 */
export interface SqlDatabase {
  readonly kind: DatabaseLocation["kind"];
  /** Password-free description, for messages. */
  readonly description: string;
  /** Runs a statement and returns its rows (empty for statements without `RETURNING`). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs DDL once per database even when several instances start together. */
  migrate(statements: readonly string[]): Promise<void>;
  /** Whether a table exists (before migrations: is this a store written before, or a new one?). */
  hasTable(name: string): Promise<boolean>;
  /**
   * Health of the store, moved by every statement: faults (connection refused, read-only file, …) are thrown as
   * the coded, retryable STORE_UNAVAILABLE, and a probe runs until the store answers again (see health.ts).
   */
  readonly health: StoreHealth;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Largest PostgreSQL pool (default 5). */
  maxConnections?: number;
  /** SQLite busy timeout while another process holds the write lock, ms (default 5000). */
  busyTimeoutMs?: number;
  /** SQLite: refuse to create the file (REQUIRE_EXISTING_STORE); a missing file is a {@link StoreMissingError}. */
  mustExist?: boolean;
  /** Where store faults and recoveries are logged. */
  logger?: Logger;
  /** Store health probing (tests shorten it): see `createStoreHealth`. */
  probeIntervalMs?: number;
  heartbeatMs?: number;
  /** SQLite: how often to check that the file at the path is still the one open, ms (default 5000; 0 = never). */
  fileCheckMs?: number;
}

/** The configured store is not there (REQUIRE_EXISTING_STORE=true): the start is refused. */
export class StoreMissingError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "StoreMissingError";
  }
}

const PROBE_TABLE = "cg_store_probe";
const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql);

/** Runs one statement through the store's health: faults become STORE_UNAVAILABLE, outcomes move the state. */
async function guarded<T>(health: StoreHealth, sql: string, run: () => T | Promise<T>): Promise<T> {
  const operation = isRead(sql) ? "read" : "write";
  let result: T;
  try {
    result = await run();
  } catch (error) {
    throw health.failed(error, operation) ?? error;
  }
  health.succeeded(operation);
  return result;
}

/** The probes of a store that is not ok: a read, and a write of one row in a table of its own. */
function healthOf(description: string, options: OpenDatabaseOptions, run: (sql: string, params?: unknown[]) => Promise<unknown>): StoreHealth {
  let probeTable = false;
  return createStoreHealth({
    description,
    logger: options.logger,
    probeIntervalMs: options.probeIntervalMs,
    heartbeatMs: options.heartbeatMs,
    probeRead: async () => {
      await run(`SELECT COUNT(*) AS n FROM cg_connections WHERE 1 = 0`).catch(async (error: unknown) => {
        // A store without the connections table yet (only the API key store opened) still proves it answers.
        if (/no such table|does not exist/i.test((error as Error).message)) return run("SELECT 1");
        throw error;
      });
    },
    probeWrite: async () => {
      if (!probeTable) {
        await run(`CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (id INTEGER PRIMARY KEY, written_at BIGINT NOT NULL)`);
        probeTable = true;
      }
      await run(`INSERT INTO ${PROBE_TABLE} (id, written_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`, [Date.now()]);
    },
  });
}

/** Opens a database: for SQLite creates the directory and the file, WAL mode; for PostgreSQL a `pg` pool. */
export async function openDatabase(location: DatabaseLocation, options: OpenDatabaseOptions = {}): Promise<SqlDatabase> {
  return location.kind === "sqlite" ? openSqlite(location.path, options) : openPostgres(location.url, options);
}

function openSqlite(path: string, options: OpenDatabaseOptions): SqlDatabase {
  if (options.mustExist && (!existsSync(path) || statSync(path).size === 0)) {
    throw new StoreMissingError(
      `REQUIRE_EXISTING_STORE=true and the SQLite store ${path} ${existsSync(path) ? "is empty" : "does not exist"}: every API key and company connection would be gone. ` +
        `Restore the file (and its -wal file) from your backup, or fix DATABASE_URL. For the first start of a new deployment, start once with REQUIRE_EXISTING_STORE=false.`,
    );
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new ConfigError(`Cannot create the directory of the SQLite database ${path}: ${(error as Error).message}. Choose a writable path.`);
  }
  const connect = () => {
    const opened = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
    opened.pragma("journal_mode = WAL");
    // WAL + NORMAL is durable across process crashes; only a power loss can drop the last commits.
    opened.pragma("synchronous = NORMAL");
    return opened;
  };
  let db: Database.Database;
  try {
    db = connect();
  } catch (error) {
    throw new ConfigError(`Cannot open the SQLite database ${path}: ${(error as Error).message}.`);
  }
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const run = (sql: string, params: readonly unknown[] = []) => {
    const statement = prepare(sql);
    return statement.reader ? statement.all(...params) : (statement.run(...params), []);
  };
  const health = healthOf(`sqlite:${path}`, options, async (sql, params) => run(sql, params));

  // A file deleted under a running process stays readable and writable through its open descriptors, and is gone at
  // the next start with everything written since. So the path is checked every few seconds: when the file is gone,
  // the open database is written out again at the path (VACUUM INTO, after a checkpoint) and reopened there.
  const identity = () => {
    try {
      const stat = statSync(path);
      return `${stat.dev}:${stat.ino}`;
    } catch {
      return undefined;
    }
  };
  let opened = identity();
  let warnedReplaced = false;
  const checkFile = () => {
    if (!db.open) return;
    const current = identity();
    if (current === opened) return;
    if (current !== undefined) {
      // Another file was put at the path (a restored backup?): not overwritten, not silently adopted.
      if (!warnedReplaced) options.logger?.error({ store: `sqlite:${path}` }, "SQLITE STORE FILE REPLACED while the gateway had it open: the gateway keeps using the file it opened; restart it to use the new one (what was written since the backup is then lost)");
      warnedReplaced = true;
      return;
    }
    const restoring = `${path}.restoring-${process.pid}`;
    try {
      // The copy is complete at the path before the old connection closes: a failure leaves the old one in use.
      mkdirSync(dirname(path), { recursive: true });
      rmSync(restoring, { force: true });
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.prepare("VACUUM INTO ?").run(restoring);
      renameSync(restoring, path);
    } catch (error) {
      rmSync(restoring, { force: true });
      opened = undefined; // told once; the open database keeps serving
      options.logger?.error({ err: error, store: `sqlite:${path}` }, "SQLITE STORE FILE DELETED while the gateway had it open, and writing it again failed: copy it from a backup before restarting (what was written since is only in this process)");
      return;
    }
    statements.clear();
    db.close();
    db = connect();
    opened = identity();
    options.logger?.error(
      { store: `sqlite:${path}` },
      "SQLITE STORE FILE DELETED while the gateway had it open: written again at its path from the open database (nothing lost). Find out what deleted it; a start without the file creates an empty store (REQUIRE_EXISTING_STORE=true refuses instead).",
    );
  };
  const fileCheckMs = options.fileCheckMs ?? 5_000;
  const fileCheck = fileCheckMs > 0 ? setInterval(checkFile, fileCheckMs) : undefined;
  fileCheck?.unref();
  return {
    kind: "sqlite",
    description: `sqlite:${path}`,
    health,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return guarded(health, sql, () => run(sql, params) as Row[]);
    },
    async execute(sql, params = []) {
      return guarded(health, sql, () => prepare(sql).run(...params).changes);
    },
    async migrate(ddl) {
      db.transaction(() => {
        for (const statement of ddl) db.exec(statement);
      }).immediate();
    },
    async hasTable(name) {
      return prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    },
    async close() {
      if (fileCheck) clearInterval(fileCheck);
      health.close();
      statements.clear();
      if (db.open) db.close();
    },
  };
}

/** `?` -> `$1`, `$2`, …; the stores' SQL never has a `?` inside a literal. */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<SqlDatabase> {
  // Bounded waits: a server that does not answer fails a request in seconds (STORE_UNAVAILABLE), never hangs it.
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 5, connectionTimeoutMillis: 3_000, query_timeout: 10_000 });
  const description = describeDatabase({ kind: "postgres", url });
  let health: StoreHealth | undefined;
  // An idle client losing its connection (the server stopped or restarted, or a proxy closed it) must not crash the
  // process; the store's health probes at once (a stopped server is seen in milliseconds), the next query reconnects.
  pool.on("error", () => health?.checkSoon());
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new ConfigError(`Cannot connect to PostgreSQL at ${description}: ${(error as Error).message}. Check DATABASE_URL and that the server is running.`);
  }
  const texts = new Map<string, string>();
  const text = (sql: string) => {
    let numbered = texts.get(sql);
    if (numbered === undefined) {
      numbered = numberPlaceholders(sql);
      texts.set(sql, numbered);
    }
    return numbered;
  };
  health = healthOf(description, options, (sql, params) => pool.query(text(sql), params));
  const checked = health;
  return {
    kind: "postgres",
    description,
    health: checked,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await guarded(checked, sql, () => pool.query(text(sql), params as unknown[]));
      return result.rows as Row[];
    },
    async execute(sql, params = []) {
      const result = await guarded(checked, sql, () => pool.query(text(sql), params as unknown[]));
      return result.rowCount ?? 0;
    },
    async hasTable(name) {
      const { rows } = await pool.query("SELECT to_regclass($1) IS NOT NULL AS present", [name]);
      return rows[0]?.present === true;
    },
    async migrate(ddl) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // Serialises concurrent CREATE TABLE IF NOT EXISTS of several starting instances (it can race otherwise).
        await client.query("SELECT pg_advisory_xact_lock(7204113520)");
        for (const statement of ddl) await client.query(statement);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      checked.close();
      await pool.end();
    },
  };
}

/** Tables that exist in every store a gateway or the CLI has written (connections, API keys). */
const STORE_TABLES = ["cg_connections", "cg_api_keys"];

/**
 * Opens the managed-mode store and says whether it is one written before. A missing SQLite file or a database
 * without the gateway's tables is a new, empty store: every API key and connection would be gone if one existed
 * before (a deleted file, a wrong DATABASE_URL). With `requireExisting` (REQUIRE_EXISTING_STORE=true) the start is
 * refused with a {@link StoreMissingError}; without it the gateway starts and logs a loud warning (a first start).
 */
export async function openManagedDatabase(url: string, options: { requireExisting: boolean; logger?: Logger; name?: string } & OpenDatabaseOptions): Promise<SqlDatabase> {
  const location = parseDatabaseUrl(url, { name: options.name ?? "DATABASE_URL" });
  const database = await openDatabase(location, { ...options, mustExist: options.requireExisting });
  let existing = false;
  try {
    for (const table of STORE_TABLES) existing ||= await database.hasTable(table);
  } catch (error) {
    await database.close().catch(() => {});
    throw new ConfigError(`Cannot read the store ${database.description}: ${(error as Error).message}.`);
  }
  if (existing) return database;
  if (options.requireExisting) {
    await database.close().catch(() => {});
    throw new StoreMissingError(
      `REQUIRE_EXISTING_STORE=true and the store ${database.description} has no gateway tables (${STORE_TABLES.join(", ")}): it is empty, so every API key and ` +
        `company connection would be gone. Restore it from your backup or fix DATABASE_URL. For the first start of a new deployment, start once with REQUIRE_EXISTING_STORE=false.`,
    );
  }
  options.logger?.warn(
    { store: database.description },
    "NEW EMPTY STORE: no gateway tables were found, so a new store is created. Fine on a first start; otherwise the store was lost or DATABASE_URL is wrong (every API key and connection is gone): stop, restore it, and set REQUIRE_EXISTING_STORE=true so this refuses to start.",
  );
  return database;
}
