// Issue 20 item 6: the managed-mode store (PostgreSQL) stopped and started again under a running gateway. A private
// PostgreSQL server (test/helpers/postgres-server.ts), never the machine's shared one. While it is down: requests
// that need the store answer a coded, retryable STORE_UNAVAILABLE (HTTP 503 with Retry-After when nothing else was
// answered), /readyz is 503 with the store's reason, reads with a recently verified key and a held access token keep
// answering, and a refresh token Concur rotates meanwhile is held in memory (readyz and metrics show it). Once it is
// back, without a restart: /readyz 200, the held token is in the store, and nothing was lost.
import pg from "pg";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { createLogger } from "../../src/logger.js";
import { postgresServerAvailable, startPostgresServer, type PostgresServer } from "../helpers/postgres-server.js";
import { ACCOUNTS, COMPANY_CONNECTIONS, createApiKey, jsonLogSink, postAs, readyz as readyzOf, ROUTES, startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const A = DEMO.companyId;
/** Past the access token's hour on the emulator clock: the next call is refused and the gateway refreshes. */
const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;

describe.runIf(postgresServerAvailable())("managed mode: PostgreSQL store stopped and started again", () => {
  let server: PostgresServer;
  let stack: Stack;
  let verifiedReader: string;
  let unusedReader: string;
  const lines: Record<string, any>[] = [];

  const post = (query: string, variables: Record<string, unknown>, key: string) => postAs(stack, query, variables, key);
  const readyz = () => readyzOf(stack);
  const storedConnection = async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT version, last_refresh_at, refresh_token_sealed FROM cg_connections WHERE company_id = $1", [A]);
      return rows[0] as { version: string; last_refresh_at: string; refresh_token_sealed: string };
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    server = await startPostgresServer();
    const destination = jsonLogSink(lines);
    // Concur rotates the refresh token on every refresh: a rotated token that is lost means NEEDS_RECONNECT later.
    // No page cache: every read below reaches Concur with the company's access token (held in memory).
    stack = await startStack({
      managed: { databaseUrl: server.url },
      emulator: { refreshRotation: "always" },
      env: { CACHE_TTL_SECONDS: "0" },
      logger: createLogger("info", { destination }),
    });
    verifiedReader = await createApiKey(stack, "read", [A], "verified before the outage");
    unusedReader = await createApiKey(stack, "read", [A], "first used during the outage");
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await server?.remove();
  });

  it("answers coded 503s during the outage, keeps reads with a verified key and held token, holds the rotated refresh token, and recovers without a restart", async () => {
    const before = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 3 }, verifiedReader);
    expect(before.body.errors).toBeUndefined();
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { store: { state: "ok", pendingWrites: 0 } } } });
    const storedBefore = await storedConnection();

    await server.stop();
    // The pool's idle connections are ended by the server: readiness follows at once (or at the next probe).
    const down = await waitFor(async () => {
      const r = await readyz();
      return r.status === 503 && r.body.checks.store.state === "down" ? r : undefined;
    }, 30_000, "/readyz to report the store down");
    expect(down.body.status).toBe("not ready");
    expect(typeof down.body.checks.store.reason).toBe("string");

    // A key verified before the outage (cached) and the access token in memory: reads keep answering from Concur.
    await stack.resetCounters();
    const read = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 4 }, verifiedReader);
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.erpIntegration.accounts.edges).toHaveLength(4);
    expect((await stack.counters())[ROUTES.accounts]).toEqual({ "200": 1 });

    // A key never verified: the whole request needs the store -> 503, Retry-After, STORE_UNAVAILABLE with an id in the log.
    const refused = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 3 }, unusedReader);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors.map((e: any) => e.extensions.code)).toEqual(["STORE_UNAVAILABLE"]);
    expect(refused.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const errorId = refused.body.errors[0].extensions.errorId;
    expect(lines.some((line) => line.errorId === errorId)).toBe(true);
    // Reading the connections needs the store too.
    const connections = await post(COMPANY_CONNECTIONS, {}, stack.token);
    expect(connections.status).toBe(503);
    expect(connections.body.errors[0].extensions.code).toBe("STORE_UNAVAILABLE");
    // Nothing is masked as INTERNAL_SERVER_ERROR.
    expect(JSON.stringify([refused.body, connections.body])).not.toContain("INTERNAL_SERVER_ERROR");

    // Concur stops accepting the access token: the gateway refreshes from memory, Concur rotates the refresh token,
    // the store cannot take it: the read is still answered and the new token is held (readyz, metrics, error log).
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();
    const refreshed = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 5 }, verifiedReader);
    expect(refreshed.body.errors).toBeUndefined();
    expect((await stack.counters())[ROUTES.token]).toEqual({ "200": 1 });
    expect((await readyz()).body.checks.store.pendingWrites).toBe(1);
    const metrics = await (await request(`${stack.gateway.origin}/metrics`)).body.text();
    expect(metrics).toMatch(/^concur_graph_store_pending_writes 1$/m);
    expect(metrics).toMatch(/^concur_graph_store_up 0$/m);
    expect(lines.some((line) => line.level === 50 && line.companyId === A && /REFRESH TOKEN NOT STORED/.test(line.msg))).toBe(true);

    await server.start();
    const back = await waitFor(async () => {
      const r = await readyz();
      return r.status === 200 ? r : undefined;
    }, 60_000, "/readyz to be ready again");
    expect(back.body.checks.store).toEqual({ state: "ok", pendingWrites: 0 });
    // The held refresh token reached the store: a newer version, written after the refresh.
    const storedAfter = await storedConnection();
    expect(Number(storedAfter.version)).toBeGreaterThan(Number(storedBefore.version));
    expect(storedAfter.refresh_token_sealed).not.toBe(storedBefore.refresh_token_sealed);

    // Everything works again: the unused key, the connections, and a further refresh with the stored (rotated) token.
    expect((await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 3 }, unusedReader)).body.errors).toBeUndefined();
    const after = await post(COMPANY_CONNECTIONS, {}, stack.token);
    expect(after.status).toBe(200);
    expect(after.body.data.companyConnections.find((c: any) => c.companyId === A).state).toBe("CONNECTED");
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    const again = await post(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 6 }, verifiedReader);
    expect(again.body.errors).toBeUndefined();
    expect(Number((await storedConnection()).version)).toBeGreaterThan(Number(storedAfter.version));
  }, 180_000);
});
