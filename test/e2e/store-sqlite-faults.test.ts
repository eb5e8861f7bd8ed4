// Issue 20 item 6 on the SQLite store: (1) its files made unwritable under a running gateway (the immutable
// attribute, which binds root too): a write that needs the store answers a coded STORE_UNAVAILABLE whose errorId is
// in the log, /readyz says read-only, and a refresh token Concur rotates meanwhile is held, used and written once the
// files are writable again; (2) a start whose SQLite file is missing with REQUIRE_EXISTING_STORE=true is refused
// (the real entry point as a child process: exit code 2 and a message that says what to do), and nothing is created.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_ENTRY, builtIsFresh } from "../helpers/built-gateway.js";
import { DEMO } from "../../src/emulator/index.js";
import { createLogger } from "../../src/logger.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { ACCOUNTS, createApiKey, jsonLogSink, postAs, readyz as readyzOf, ROUTES, startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const ROOT = join(import.meta.dirname, "..", "..");
const A = DEMO.companyId;
const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;

/** Whether `chattr +i` works here (root on ext4/xfs); without it the read-only part cannot be made real. */
function immutableAttributeWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "cg-chattr-"));
  const file = join(dir, "probe");
  try {
    spawnSync("touch", [file]);
    const works = spawnSync("chattr", ["+i", file]).status === 0;
    if (works) spawnSync("chattr", ["-i", file]);
    if (!works && process.env.CI) throw new Error("chattr +i does not work here (needs root on ext4/xfs); in CI the SQLite read-only test must run.");
    if (!works) console.warn("\n*** chattr +i unavailable (not root, or the temp filesystem has no immutable attribute): the SQLite read-only test is SKIPPED. ***\n");
    return works;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(immutableAttributeWorks())("managed mode: SQLite store files made unwritable under a running gateway", () => {
  let dir: string;
  let file: string;
  let stack: Stack;
  let reader: string;
  const lines: Record<string, any>[] = [];

  const post = (query: string, variables: Record<string, unknown>, key: string) => postAs(stack, query, variables, key);
  const readyz = () => readyzOf(stack);
  /** The stored row of company A, read by a separate read-only connection. */
  const stored = () => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT version, refresh_token_sealed FROM cg_connections WHERE company_id = ?").get(A) as { version: number; refresh_token_sealed: string };
    } finally {
      db.close();
    }
  };
  const immutable = (on: boolean) => {
    // The main file and the write-ahead log; never the -shm file, which SQLite maps into memory.
    const result = spawnSync("chattr", [on ? "+i" : "-i", file, `${file}-wal`]);
    if (result.status !== 0) throw new Error(`chattr failed: ${result.stderr}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cg-sqlite-faults-"));
    file = join(dir, "store.db");
    registerCleanup(`the SQLite test directory ${dir}`, () => {
      spawnSync("chattr", ["-i", file, `${file}-wal`]);
      rmSync(dir, { recursive: true, force: true });
    });
    const destination = jsonLogSink(lines);
    stack = await startStack({
      managed: { databaseUrl: `sqlite:${file}` },
      emulator: { refreshRotation: "always" },
      env: { CACHE_TTL_SECONDS: "0" },
      logger: createLogger("info", { destination }),
    });
    reader = await createApiKey(stack, "read", [A]);
  }, 120_000);

  afterAll(async () => {
    if (file && existsSync(file)) spawnSync("chattr", ["-i", file, `${file}-wal`]);
    await stack?.stop();
  });

  it("a write answers STORE_UNAVAILABLE with a logged errorId; a rotated refresh token is held and written once writable again", async () => {
    expect((await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 2 }, reader)).body.errors).toBeUndefined();
    const before = stored();
    immutable(true);

    // Creating a key needs a write: 503, Retry-After, coded, and the id it carries is in an error or warn log line.
    const created = await post(`mutation { createApiKey(name: "during", role: READ, companies: ["${A}"]) { key } }`, {}, stack.token);
    expect(created.status).toBe(503);
    expect(Number(created.retryAfter)).toBeGreaterThanOrEqual(1);
    const error = created.body.errors[0];
    expect(error.extensions).toMatchObject({ code: "STORE_UNAVAILABLE", retryAfterSeconds: expect.any(Number), errorId: expect.any(String) });
    expect(error.message).toContain(error.extensions.errorId);
    const logged = lines.find((line) => line.errorId === error.extensions.errorId);
    expect(logged?.level).toBeGreaterThanOrEqual(40);
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.store).toMatchObject({ state: "read-only", reason: expect.stringMatching(/^SQLITE_/) });

    // Reads keep answering; Concur refuses the access token, the gateway refreshes and Concur rotates the refresh
    // token, which the store cannot take: the read is answered and the new token is held.
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();
    const refreshed = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 3 }, reader);
    expect(refreshed.body.errors).toBeUndefined();
    expect((await stack.counters())[ROUTES.token]).toEqual({ "200": 1 });
    expect((await readyz()).body.checks.store.pendingWrites).toBe(1);
    expect(lines.some((line) => line.level === 50 && line.companyId === A && /REFRESH TOKEN NOT STORED/.test(line.msg))).toBe(true);
    expect(stored().refresh_token_sealed).toBe(before.refresh_token_sealed);

    immutable(false);
    const back = await waitFor(async () => {
      const r = await readyz();
      return r.status === 200 ? r : undefined;
    }, 60_000, "/readyz to be ready again once the files are writable");
    expect(back.body.checks.store).toEqual({ state: "ok", pendingWrites: 0 });
    const after = stored();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.refresh_token_sealed).not.toBe(before.refresh_token_sealed);
    expect(lines.some((line) => line.companyId === A && line.msg === "held refresh token written to the store")).toBe(true);

    // The stored (rotated) token is the one Concur accepts: the next refresh works, and writes work again.
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    expect((await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 4 }, reader)).body.errors).toBeUndefined();
    expect(stored().version).toBeGreaterThan(after.version);
    const again = await post(`mutation { createApiKey(name: "after", role: READ, companies: ["${A}"]) { key } }`, {}, stack.token);
    expect(again.status).toBe(200);
    expect(again.body.data.createApiKey.key).toMatch(/^cg_/);
  }, 180_000);
});

/** The built server when dist/ is current (npm test builds first), else the same entry point from source via tsx. */
function entryPoint(): string[] {
  return builtIsFresh() ? [BUILT_ENTRY] : ["--import", "tsx", join(ROOT, "src", "index.ts")];
}

describe("managed mode: a start that finds no store", () => {
  const MANAGED = {
    CONCUR_BASE_URL: "http://127.0.0.1:9",
    CONCUR_AUTH_MODE: "managed",
    CONCUR_CLIENT_ID: "app-id",
    CONCUR_CLIENT_SECRET: "app-secret",
    CONNECTION_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    CONCUR_WEBHOOK_PUBLIC_KEY_FILE: "",
    HOST: "127.0.0.1",
    PORT: "0",
  };

  /** Runs the gateway process until it exits (or, once it listens, stops it); its exit code and output. */
  const runGateway = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, entryPoint(), { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...MANAGED, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      registerCleanup(`the gateway process ${child.pid}`, () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      let output = "";
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("concur-graph is ready.")) child.kill("SIGTERM");
      };
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      child.once("close", (code) => resolve({ code, output })); // close: after the pipes are drained (exit can come first)
    });

  it("REQUIRE_EXISTING_STORE=true and no SQLite file: refuses to start (exit 2), says what to do, creates nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-missing-store-"));
    registerCleanup(`the test directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "concur-graph.db");
    const { code, output } = await runGateway({ DATABASE_URL: `sqlite:${file}`, REQUIRE_EXISTING_STORE: "true" });
    expect(code).toBe(2);
    expect(output).toContain(`Configuration error: REQUIRE_EXISTING_STORE=true and the SQLite store ${file} does not exist`);
    expect(output).toMatch(/Restore the file .* from your backup, or fix DATABASE_URL/);
    expect(existsSync(file)).toBe(false);
  }, 120_000);

  it("without the requirement the first start creates the store and says so loudly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-new-store-"));
    registerCleanup(`the test directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "concur-graph.db");
    const { code, output } = await runGateway({ DATABASE_URL: `sqlite:${file}`, LOG_FORMAT: "json" });
    expect(code).toBe(0);
    expect(output).toContain("NEW EMPTY STORE");
    expect(existsSync(file)).toBe(true);
  }, 120_000);
});
