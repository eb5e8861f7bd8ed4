import Keyv from "keyv";
import { pino } from "pino";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createConcurClient } from "../../src/datasources/client/pipeline.js";
import { createPageCache } from "../../src/datasources/client/page-cache.js";
import { createConcurReader, type ConcurReader, type Connection } from "../../src/datasources/accounting/reader.js";
import type { Account, ProcessingError } from "../../src/datasources/accounting/wire/index.js";
import { waitFor } from "../helpers/wait.js";
import { DEMO, SCOPE_READ, type RunningEmulator } from "../../src/emulator/index.js";
import { startEmulator } from "../helpers/emulator.js";

const ACCOUNTS_ROUTE = "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts";

describe("reader against the emulator", () => {
  let emulator: RunningEmulator;
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  let reader: ConcurReader;
  const list = { companyId: DEMO.companyId, erpId: DEMO.erpId, type: "accounts" as const };

  async function counters(): Promise<Record<string, Record<string, number>>> {
    const res = await fetch(`${emulator.url}/_emulator/counters`);
    return ((await res.json()) as { counters: Record<string, Record<string, number>> }).counters;
  }

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo", pageBytes: 20_000 });
    const http = createConcurClient({ baseUrl: emulator.url, timeoutMs: 10_000, dispatcher, logger: pino({ level: "silent" }) });
    reader = createConcurReader({ client: http, cache: createPageCache({ store: new Keyv(), ttlSeconds: 300 }), maxPageSize: 1000 });
  });
  afterAll(async () => {
    await emulator?.stop();
    await dispatcher.close();
  });

  it("walks all 5,000 demo accounts with first: 100: each exactly once, in order, each upstream page fetched once", async () => {
    const caller = callerFromAuthorization(`Bearer ${emulator.issueToken(DEMO.companyId)}`)!;
    const before = (await counters())[ACCOUNTS_ROUTE]?.["200"] ?? 0;

    const ids: string[] = [];
    const cursors = new Set<string>();
    let after: string | null = null;
    let queries = 0;
    for (;;) {
      const conn: Connection<Account> = await reader.connection(caller, list, { first: 100, after });
      queries++;
      for (const edge of conn.edges) ids.push(edge.node.id);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
      expect(cursors.has(after!)).toBe(false);
      cursors.add(after!);
      if (queries > 200) throw new Error("runaway walk");
    }
    expect(ids).toHaveLength(DEMO.accounts);
    expect(new Set(ids).size).toBe(DEMO.accounts);
    expect(queries).toBe(DEMO.accounts / 100);

    const pagesFetched = ((await counters())[ACCOUNTS_ROUTE]?.["200"] ?? 0) - before;
    // Independent check of the page count and of the order: walk the upstream chain directly.
    const upstream: string[] = [];
    let pages = 0;
    let href: string | undefined = `/accountingintegration/v4/companies/${DEMO.companyId}/erps/${DEMO.erpId}/accounts`;
    while (href) {
      const res = await fetch(new URL(href, emulator.url), { headers: { authorization: caller.authorization } });
      const page = (await res.json()) as { data: Account[]; links?: { next?: { href: string } } };
      pages++;
      upstream.push(...page.data.map((a) => a.id));
      href = page.links?.next?.href;
    }
    expect(ids).toEqual(upstream);
    expect(pages).toBeGreaterThan(10); // small pageBytes: many upstream pages, not page-aligned with first=100
    expect(pagesFetched).toBe(pages);
    console.info(`[reader-emulator] ${DEMO.accounts} accounts, ${pages} upstream pages, ${queries} connection queries, ${pagesFetched} page GETs`);
  });

  it("requestErrors pages the processing errors of a failed upload (links under _links)", async () => {
    // Isolated emulator so this write does not disturb the walk above.
    const own = await startEmulator({ seed: "demo", pageBytes: 2_000, processingDelayMs: 0 });
    try {
      const http = createConcurClient({ baseUrl: own.url, timeoutMs: 10_000, dispatcher, logger: pino({ level: "silent" }) });
      const r = createConcurReader({ client: http, cache: createPageCache({ store: new Keyv(), ttlSeconds: 300 }), maxPageSize: 1000 });
      const caller = callerFromAuthorization(`Bearer ${own.issueToken(DEMO.companyId)}`)!;
      const bad = Array.from({ length: 30 }, (_, i) => ({ id: `bad-${i}`, name: `Bad ${i}`, type: "NOT_A_TYPE" }));
      const accepted = await http.request<{ requestId: string }>({
        method: "PATCH",
        path: `/accountingintegration/v4/companies/${DEMO.companyId}/erps/${DEMO.erpId}/accounts`,
        caller,
        body: { data: bad },
      });
      expect(accepted.status).toBe(202);
      const ref = { companyId: DEMO.companyId, erpId: DEMO.erpId, requestId: accepted.body.requestId };
      await waitFor(async () => (await r.getRequest(caller, ref.companyId, ref.erpId, ref.requestId)).status !== "PROCESSING", 5_000, "request to finish");
      const values: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const conn: Connection<ProcessingError> = await r.requestErrors(caller, ref, { first: 7, after });
        for (const edge of conn.edges) values.push(JSON.parse(edge.node.values ?? "{}").id);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(values).toEqual(bad.map((b) => b.id));
    } finally {
      await own.stop();
    }
  });

  it("a read-only token can read", async () => {
    const readOnly = callerFromAuthorization(`Bearer ${emulator.issueToken(DEMO.companyId, [SCOPE_READ])}`)!;
    const conn = await reader.connection(readOnly, list, { first: 3 });
    expect(conn.edges).toHaveLength(3);
    const mappings = await reader.getMappings(readOnly, DEMO.companyId, DEMO.erpId);
    expect(mappings).toBeTypeOf("object");
  });

  it("a token of another company gets FORBIDDEN, never the pages cached for the demo company's callers", async () => {
    const other = callerFromAuthorization(`Bearer ${emulator.issueToken("00000000-0000-4000-8000-000000000bad")}`)!;
    const error = await reader.connection(other, list, { first: 5 }).catch((e: unknown) => e);
    expect((error as { extensions?: { code?: string } }).extensions).toMatchObject({ code: ErrorCode.FORBIDDEN, upstreamStatus: 403 });
  });
});
