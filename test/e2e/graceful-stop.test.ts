// Graceful stop of the REAL process: `node dist/index.js` (the ESM build, as production runs it) in front of an
// emulator started here. Writes are queued, SIGTERM arrives, and every caller must still get its request, every
// record must reach Concur, new work must be refused, and the process must exit 0.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { BUILT_ENTRY, ensureBuilt } from "../helpers/built-gateway.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { startEmulator } from "../helpers/emulator.js";
import { ROUTES, sumCalls } from "../helpers/stack.js";
import { settleWithin, waitFor } from "../helpers/wait.js";

const ROOT = join(import.meta.dirname, "..", "..");
const API = "/accountingintegration/v4";


interface Child {
  process: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built gateway with PORT=0 and learns its URL from the "GraphiQL: …" line of the banner. */
async function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [BUILT_ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  // "close", not "exit": the output is read after it, and "exit" can come before the last chunk is read.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  // A test that fails before its child exits must not leave the process (and its ports) behind.
  registerCleanup(`the gateway process ${child.pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exit;
  });
  const url = await Promise.race([
    waitFor(() => /GraphiQL: (http:\/\/\S+)/.exec(out)?.[1], 20_000, "the gateway banner"),
    exit.then(({ code }) => {
      throw new Error(`gateway exited (${code}) before listening:\n${out}`);
    }),
  ]);
  return { process: child, url, output: () => out, exit };
}

const RESULT = "request { requestId } requests { requestId } sentIds";
describe("graceful stop of the built gateway (child process)", () => {
  let emulator: RunningEmulator;
  let token: string;
  let child: Child | undefined;

  beforeAll(async () => {
    ensureBuilt();
    emulator = await startEmulator({ seed: "demo", processingDelayMs: 20 });
    token = emulator.issueToken(DEMO.companyId);
  }, 120_000);
  // Child processes are killed (if still running) by the cleanup registry after each test.
  afterAll(async () => {
    await emulator?.stop();
  });

  const gql = async <T>(url: string, query: string, variables: Record<string, unknown>) => {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  };
  const counters = async (): Promise<Record<string, Record<string, number>>> => {
    const res = await request(`${emulator.url}/_emulator/counters`);
    return ((await res.body.json()) as { counters: Record<string, Record<string, number>> }).counters;
  };
  const stored = async (segment: string): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    let href: string | undefined = `${API}/companies/${DEMO.companyId}/erps/${DEMO.erpId}/${segment}`;
    while (href) {
      const res = await request(new URL(href, emulator.url), { headers: { authorization: `Bearer ${token}` } });
      const page = (await res.body.json()) as { data: Array<{ id: string }>; links?: { next?: { href: string } } };
      for (const r of page.data) out.set(r.id, (out.get(r.id) ?? 0) + 1);
      href = page.links?.next?.href;
    }
    return out;
  };

  it.each(["SIGINT", "SIGTERM"] as const)("%s stops `npm start`'s embedded mode (gateway + emulator) and exits 0", async (signal) => {
    // What a user's Ctrl+C does. Apollo's own signal handlers once raced ours here and the process never exited.
    // The demo keeps its store in DATABASE_URL (default ./data of the working directory): a throw-away one here.
    const storeDir = mkdtempSync(join(tmpdir(), "cg-graceful-"));
    registerCleanup("the demo store", async () => rmSync(storeDir, { recursive: true, force: true }));
    const embedded = await startChild({ NODE_ENV: "production", DATABASE_URL: `sqlite:${join(storeDir, "demo.db")}` });
    const answer = await gql<{ erpIntegrations: Array<{ erpId: string }> }>(embedded.url, `{ erpIntegrations(companyId: "${DEMO.companyId}") { erpId } }`, {});
    expect(answer.status).toBe(200);
    // JSON logs (production, no terminal): the ready record names the demo key, whose secret is never logged.
    expect(embedded.output()).toMatch(/"demoApiKeyId":"[0-9a-f]{12}"/);
    expect(embedded.output()).not.toMatch(/cg_[0-9a-f]{12}_/);
    embedded.process.kill(signal);
    const exited = await settleWithin(embedded.exit, 10_000, "still running");
    if (exited === "still running") embedded.process.kill("SIGKILL");
    expect(exited).toEqual({ code: 0, signal: null });
    expect(embedded.output()).toContain("concur-graph stopped.");
  });

  it("SIGTERM with writes queued: every caller answered with a request id, every record sent, new mutations refused, exit 0", async () => {
    child = await startChild({
      CONCUR_BASE_URL: emulator.url,
      CONCUR_WEBHOOK_PUBLIC_KEY: emulator.publicKeyPem,
      BATCH_WINDOW_MS: "1500",
    });
    const vars = { c: DEMO.companyId, e: DEMO.erpId };

    /** One HTTP call; never rejects (a dropped connection is recorded as `transport`). */
    const call = (query: string, variables: Record<string, unknown>, fields: Record<string, string[]>) =>
      gql<Record<string, { sentIds: string[]; request: { requestId: string } } | null>>(child!.url, query, { ...vars, ...variables }).then(
        (r) => ({ fields, data: r.body.data, errors: r.body.errors, transport: undefined as string | undefined }),
        (error: NodeJS.ErrnoException) => ({ fields, data: undefined, errors: undefined, transport: error.code ?? String(error) }),
      );
    const UPSERT_ACCOUNT = `mutation A($c: ID!, $e: ID!, $id: ID!) { upsertAccounts(companyId: $c, erpId: $e, accounts: [{ id: $id, name: "GS", type: EXPENSE }]) { ${RESULT} } }`;
    const UPSERT_VENDOR = `mutation V($c: ID!, $e: ID!, $id: ID!) { upsertVendors(companyId: $c, erpId: $e, vendors: [{ id: $id, type: ACCOUNTING, currencyCode: "EUR", name: "GS", companyName: "GS GmbH" }]) { ${RESULT} } }`;
    const UPSERT_LIST = `mutation L($c: ID!, $e: ID!, $id: ID!) { upsertListNames(companyId: $c, erpId: $e, listNames: [{ id: $id, name: "GS list" }]) { ${RESULT} } }`;
    // Delete then upsert of one id: Concur would apply the delete last, so the upsert needs a second PATCH, which
    // then waits behind the accounts endpoint's 1-second slot: that is the queued work SIGTERM must not lose.
    const DELETE_THEN_UPSERT = `mutation DU($c: ID!, $e: ID!) {
      d: deleteAccounts(companyId: $c, erpId: $e, ids: ["GS-A-X"]) { ${RESULT} }
      u: upsertAccounts(companyId: $c, erpId: $e, accounts: [{ id: "GS-A-X", name: "after the delete", type: EXPENSE }]) { ${RESULT} }
    }`;
    const ids = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`);
    const calls = [
      ...ids("GS-A").map((id) => call(UPSERT_ACCOUNT, { id }, { upsertAccounts: [id] })),
      call(DELETE_THEN_UPSERT, {}, { d: ["GS-A-X"], u: ["GS-A-X"] }),
      ...ids("GS-V").map((id) => call(UPSERT_VENDOR, { id }, { upsertVendors: [id] })),
      ...ids("GS-L").map((id) => call(UPSERT_LIST, { id }, { upsertListNames: [id] })),
    ];

    // SIGTERM only once all 31 calls are queued in the batcher (a request still in a socket when the port closes can
    // only be refused): the batcher's debug line "sending write" tells how many callers each body carries and how
    // many bodies were planned from everything queued.
    const sent = () =>
      child!
        .output()
        .split("\n")
        .filter((line) => line.includes('"sending write"'))
        .map((line) => JSON.parse(line) as { key: string; callers: number; queuedBodies: number });
    const firstOf = (type: string) => sent().find((l) => l.key.includes(`/${type}/`));
    await waitFor(() => firstOf("accounts") && firstOf("vendors") && firstOf("lists"), 20_000, "the first body of each type").catch((error: Error) => {
      throw new Error(`${error.message}\n${child!.output()}`);
    });
    expect(firstOf("accounts")).toMatchObject({ callers: 11, queuedBodies: 2 }); // 10 upserts + the delete; the upsert waits
    expect(firstOf("vendors")).toMatchObject({ callers: 10, queuedBodies: 1 });
    expect(firstOf("lists")).toMatchObject({ callers: 10, queuedBodies: 1 });
    await waitFor(async () => sumCalls(await counters(), ROUTES.patchAccounts) === 1, 5_000, "the first accounts PATCH");
    child.process.kill("SIGTERM");
    await waitFor(() => child!.output().includes("SIGTERM: finishing queued writes"), 5_000, "the process to take the signal");
    expect(sumCalls(await counters(), ROUTES.patchAccounts)).toBe(1); // the second accounts body is still queued

    // Sent after SIGTERM on a fresh connection: refused (SHUTTING_DOWN while draining, or no connection once closed).
    const fresh = new Agent();
    const late = await request(child.url, {
      method: "POST",
      dispatcher: fresh,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation L($c: ID!, $e: ID!) { upsertListNames(companyId: $c, erpId: $e, listNames: [{ id: "GS-LATE", name: "late" }]) { sentIds } }`,
        variables: vars,
      }),
    }).then(
      async (res) => ((await res.body.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code,
      (error: NodeJS.ErrnoException) => error.code ?? String(error),
    );
    await fresh.close();
    expect(["SHUTTING_DOWN", "ECONNREFUSED"]).toContain(late);

    const answers = await Promise.all(calls);
    const exit = await child.exit;
    expect(exit, child.output()).toEqual({ code: 0, signal: null });

    for (const answer of answers) {
      expect(answer.transport).toBeUndefined();
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
      for (const [field, fieldIds] of Object.entries(answer.fields)) {
        expect(answer.data?.[field]?.sentIds).toEqual(fieldIds);
        expect(answer.data?.[field]?.request.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    }
    const du = answers[10]!.data!;
    expect(du.u!.request.requestId).not.toBe(du.d!.request.requestId);
    const c = await counters();
    expect(c[ROUTES.patchAccounts]).toEqual({ "202": 2 });
    expect(c[ROUTES.patchVendors]).toEqual({ "202": 1 });
    expect(c[ROUTES.patchLists]).toEqual({ "202": 1 });

    // Concur has every accepted record exactly once (GS-A-X too: the upsert after its delete), and not the refused one.
    const expected = [...ids("GS-A"), "GS-A-X", ...ids("GS-V"), ...ids("GS-L")];
    await waitFor(async () => {
      const [accounts, vendors, lists] = await Promise.all([stored("accounts"), stored("vendors"), stored("lists")]);
      return expected.every((id) => (accounts.get(id) ?? vendors.get(id) ?? lists.get(id)) === 1) && !lists.has("GS-LATE");
    }, 15_000, "every record stored once upstream");
  });
});
