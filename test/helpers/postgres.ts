// A throw-away database on the local PostgreSQL server (trust auth as user postgres), so runs cannot collide.
import { randomBytes } from "node:crypto";
import pg from "pg";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface PgTestDatabase {
  /** `cg_test_<random>`, known before the database exists (tests build their backends from it). */
  readonly name: string;
  readonly url: string;
  create(): Promise<void>;
  /** Drops it, closing other sessions first. Idempotent. */
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function pgTestDatabase(): PgTestDatabase {
  const name = `cg_test_${randomBytes(6).toString("hex")}`;
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    create: () => admin(`CREATE DATABASE ${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Every row of `table` as JSON text, one per line: what the database holds, to search for plaintext secrets. */
export async function dumpTable(url: string, table: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
    return rows.map((r) => r.row as string).join("\n");
  } finally {
    await client.end();
  }
}
