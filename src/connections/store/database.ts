import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { ConfigError } from "../../config.js";

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
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Largest PostgreSQL pool (default 5). */
  maxConnections?: number;
  /** SQLite busy timeout while another process holds the write lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

/** Opens a database: for SQLite creates the directory and the file, WAL mode; for PostgreSQL a `pg` pool. */
export async function openDatabase(location: DatabaseLocation, options: OpenDatabaseOptions = {}): Promise<SqlDatabase> {
  return location.kind === "sqlite" ? openSqlite(location.path, options) : openPostgres(location.url, options);
}

function openSqlite(path: string, options: OpenDatabaseOptions): SqlDatabase {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new ConfigError(`Cannot create the directory of the SQLite database ${path}: ${(error as Error).message}. Choose a writable path.`);
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
  } catch (error) {
    throw new ConfigError(`Cannot open the SQLite database ${path}: ${(error as Error).message}.`);
  }
  db.pragma("journal_mode = WAL");
  // WAL + NORMAL is durable across process crashes; only a power loss can drop the last commits.
  db.pragma("synchronous = NORMAL");
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    kind: "sqlite",
    description: `sqlite:${path}`,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const statement = prepare(sql);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
    },
    async execute(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
    async migrate(ddl) {
      db.transaction(() => {
        for (const statement of ddl) db.exec(statement);
      }).immediate();
    },
    async close() {
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
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 5 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const description = describeDatabase({ kind: "postgres", url });
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
  return {
    kind: "postgres",
    description,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(text(sql), params as unknown[]);
      return result.rows as Row[];
    },
    async execute(sql, params = []) {
      const result = await pool.query(text(sql), params as unknown[]);
      return result.rowCount ?? 0;
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
      await pool.end();
    },
  };
}
