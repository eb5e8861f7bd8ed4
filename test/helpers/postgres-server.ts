// A private PostgreSQL server for tests that stop and start the database (never the machine's shared one on 5432):
// initdb into a temp directory, pg_ctl on a free loopback port, trust auth for user postgres. Run as the `postgres`
// OS user when the test runs as root (initdb refuses root). Stopped and removed by the cleanup registry.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { registerCleanup } from "./cleanup.js";
import { freePort } from "./ports.js";

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m fast`: sessions are ended, new connections refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory (the cleanup registry runs it if the test does not). */
  remove(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` with initdb and pg_ctl, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], "bin") : undefined;
}

/** True when a private server can be started here (PostgreSQL binaries, and a `postgres` user when running as root). */
export function postgresServerAvailable(): boolean {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const available = bin !== undefined && (!asRoot || spawnSync("id", ["-u", "postgres"]).status === 0);
  if (!available && process.env.CI) throw new Error("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed, and in CI the store outage tests must run.");
  if (!available) console.warn("\n*** PostgreSQL binaries not found: the PostgreSQL outage test is SKIPPED. ***\n");
  return available;
}

/** initdb + pg_ctl start on a free port; resolves once it accepts connections. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql/*/bin");
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), "cg-pg-"));
  const data = join(dir, "data");
  const port = await freePort();
  // As root, every command runs as the postgres OS user, which must own the directory.
  const pgCommand = (tool: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args));
  if (asRoot) {
    const uid = Number(spawnSync("id", ["-u", "postgres"]).stdout.toString().trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"]).stdout.toString().trim());
    await chown(dir, uid, gid);
  }
  let running = false;
  const start = async () => {
    await pgCommand("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pgCommand("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    running = false;
  };
  const remove = registerCleanup(`private PostgreSQL on port ${port}`, async () => {
    try {
      await stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  try {
    await pgCommand("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
    await start();
  } catch (error) {
    await remove();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop, start, remove };
}
