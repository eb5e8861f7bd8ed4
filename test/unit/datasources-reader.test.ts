import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { callerFromAuthorization, type Caller } from "../../src/datasources/client/caller.js";
import { decodeCursor, encodeCursor } from "../../src/datasources/client/cursor.js";
import type { ConcurClient, ConcurCall, ConcurResponse } from "../../src/datasources/client/pipeline.js";
import { createPageCache, scopes } from "../../src/datasources/client/page-cache.js";
import { createConcurReader, type Connection } from "../../src/datasources/accounting/reader.js";
import { elapse } from "../helpers/wait.js";

const BASE = "http://concur.test";
const LIST = "/accountingintegration/v4/companies/c1/erps/e1/accounts";
const SCOPE = scopes.list("accounts", "c1", "e1");

interface Account {
  id: string;
  name: string;
}

/** A fake Concur: `total` accounts cut into pages of `pageSize`, `links.next` chained; records every call. */
function fakeConcur(total: number, pageSize: number, opts: { emptyLastPage?: boolean; delayMs?: number } = {}) {
  const accounts: Account[] = Array.from({ length: total }, (_, i) => ({ id: `a${i}`, name: `Account ${i}` }));
  const calls: Array<{ path: string; token: string }> = [];
  let generation = 0;
  const pages = () => {
    const out: Account[][] = [];
    for (let i = 0; i < accounts.length; i += pageSize) out.push(accounts.slice(i, i + pageSize).map((a) => ({ ...a, name: `${a.name} g${generation}` })));
    if (out.length === 0 || opts.emptyLastPage) out.push([]);
    return out;
  };
  const http: ConcurClient = {
    baseUrlFor: () => BASE,
    async request<T>(req: ConcurCall): Promise<ConcurResponse<T>> {
      calls.push({ path: req.path, token: req.caller.authorization });
      // Simulated upstream latency (keeps a load in flight while identical reads arrive); the test waits for nothing.
      if (opts.delayMs) await elapse(opts.delayMs);
      const url = new URL(req.path, BASE);
      if (url.pathname !== LIST) throw new CodedError(ErrorCode.NOT_FOUND, "no");
      const index = Number(url.searchParams.get("next") ?? 0);
      const all = pages();
      const body = { data: all[index], links: index + 1 < all.length ? { next: { href: `${LIST}?next=${index + 1}` } } : {} };
      return { status: 200, body: body as T, headers: {}, correlationId: "corr", bytes: JSON.stringify(body).length, maybeApplied: false };
    },
  };
  return { http, calls, pageCalls: () => calls.map((c) => c.path), bump: () => generation++ };
}

function setup(total: number, pageSize: number, opts: { emptyLastPage?: boolean; ttlSeconds?: number; delayMs?: number; maxPageSize?: number } = {}) {
  const concur = fakeConcur(total, pageSize, opts);
  const cache = createPageCache({ store: new Keyv(), ttlSeconds: opts.ttlSeconds ?? 60 });
  const reader = createConcurReader({ client: concur.http, cache, maxPageSize: opts.maxPageSize ?? 1000 });
  return { ...concur, cache, reader };
}

const alice = callerFromAuthorization("Bearer alice-token")!;
const bob = callerFromAuthorization("Bearer bob-token")!;
const list = { companyId: "c1", erpId: "e1", type: "accounts" as const };
const ids = (c: Connection<Account>) => c.edges.map((e) => e.node.id);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `a${from + i}`);

async function walkAll(reader: ReturnType<typeof setup>["reader"], caller: Caller, first: number) {
  const seen: string[] = [];
  let after: string | null = null;
  let queries = 0;
  for (;;) {
    const conn: Connection<Account> = await reader.connection(caller, list, { first, after });
    queries++;
    seen.push(...ids(conn));
    if (!conn.pageInfo.hasNextPage) return { seen, queries };
    after = conn.pageInfo.endCursor;
    if (queries > 10_000) throw new Error("runaway");
  }
}

describe("reader paging", () => {
  it("first smaller than an upstream page: serves from one page, cursor stays on that page", async () => {
    const t = setup(25, 10);
    const c1 = await t.reader.connection(alice, list, { first: 3 });
    expect(ids(c1)).toEqual(["a0", "a1", "a2"]);
    expect(c1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(c1.pageInfo.endCursor!, SCOPE)).toEqual({ scope: SCOPE, href: null, offset: 3 });
    const c2 = await t.reader.connection(alice, list, { first: 3, after: c1.pageInfo.endCursor });
    expect(ids(c2)).toEqual(["a3", "a4", "a5"]);
    expect(t.pageCalls()).toEqual([LIST]);
  });

  it("first larger than an upstream page: fetches exactly the pages needed", async () => {
    const t = setup(100, 10);
    const c = await t.reader.connection(alice, list, { first: 25 });
    expect(ids(c)).toEqual(range(0, 25));
    expect(t.pageCalls()).toEqual([LIST, `${LIST}?next=1`, `${LIST}?next=2`]);
    expect(c.pageInfo.hasNextPage).toBe(true);
  });

  it("a cursor at a page boundary points to the next page at offset 0", async () => {
    const t = setup(30, 10);
    const c = await t.reader.connection(alice, list, { first: 10 });
    expect(t.pageCalls()).toEqual([LIST]);
    expect(decodeCursor(c.pageInfo.endCursor!, SCOPE, LIST)).toEqual({ scope: SCOPE, href: `${LIST}?next=1`, offset: 0 });
    expect(c.pageInfo.hasNextPage).toBe(true); // a next link means more data; no extra page fetched to know it
    const next = await t.reader.connection(alice, list, { first: 10, after: c.pageInfo.endCursor });
    expect(ids(next)).toEqual(range(10, 20));
    expect(t.pageCalls()).toEqual([LIST, `${LIST}?next=1`]);
  });

  it("continuing from a next-page cursor never needs the previous page, even without a cache", async () => {
    const t = setup(30, 10, { ttlSeconds: 0 });
    const cursor = encodeCursor({ scope: SCOPE, href: `${LIST}?next=2`, offset: 4 });
    const c = await t.reader.connection(alice, list, { first: 3, after: cursor });
    expect(ids(c)).toEqual(["a24", "a25", "a26"]);
    expect(t.pageCalls()).toEqual([`${LIST}?next=2`]);
  });

  it.each([
    [1, 7],
    [7, 10],
    [10, 10],
    [13, 10],
    [100, 7],
    [1000, 33],
  ])("walking everything with first=%i over pages of %i returns each item once, in order, each page fetched once", async (first, pageSize) => {
    const t = setup(103, pageSize);
    const { seen } = await walkAll(t.reader, alice, first);
    expect(seen).toEqual(range(0, 103));
    const pages = Math.ceil(103 / pageSize);
    expect(t.pageCalls()).toHaveLength(pages);
    expect(new Set(t.pageCalls()).size).toBe(pages);
  });

  it("hasNextPage is false on the last page, and the end cursor continues to an empty, final connection", async () => {
    const t = setup(20, 10);
    const c = await t.reader.connection(alice, list, { first: 50 });
    expect(ids(c)).toEqual(range(0, 20));
    expect(c.pageInfo.hasNextPage).toBe(false);
    const after = await t.reader.connection(alice, list, { first: 5, after: c.pageInfo.endCursor });
    expect(after.edges).toEqual([]);
    expect(after.pageInfo).toEqual(expect.objectContaining({ hasNextPage: false, startCursor: null, endCursor: null }));
  });

  it("handles an upstream empty last page gracefully", async () => {
    const t = setup(20, 10, { emptyLastPage: true });
    const { seen } = await walkAll(t.reader, alice, 10);
    expect(seen).toEqual(range(0, 20));
    // once the empty page is cached, hasNextPage on the page before it is exact
    const c = await t.reader.connection(alice, list, { first: 10, after: encodeCursor({ scope: SCOPE, href: `${LIST}?next=1`, offset: 0 }) });
    expect(c.pageInfo.hasNextPage).toBe(false);
  });

  it("an empty list is an empty connection", async () => {
    const t = setup(0, 10);
    const c = await t.reader.connection(alice, list, {});
    expect(c.edges).toEqual([]);
    expect(c.pageInfo).toEqual(expect.objectContaining({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }));
  });

  it("defaults first to 50 and rejects first outside 1..maxPageSize, naming first, the value and the limit", async () => {
    const t = setup(120, 40, { maxPageSize: 100 });
    expect((await t.reader.connection(alice, list, {})).edges).toHaveLength(50);
    for (const first of [0, -1, 101, 2.5]) {
      const error = await t.reader.connection(alice, list, { first }).catch((e) => e);
      expect(error).toBeInstanceOf(CodedError);
      expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
      expect(error.message).toBe(`first must be between 1 and 100, got ${first}`);
    }
  });

  it("rejects foreign and crafted cursors as BAD_USER_INPUT without calling upstream", async () => {
    const t = setup(30, 10);
    const cases = [
      "garbage!!",
      encodeCursor({ scope: "vendors|c1|e1", href: null, offset: 0 }),
      encodeCursor({ scope: SCOPE, href: "https://evil.example/accountingintegration/v4/companies/c1/erps/e1/accounts", offset: 0 }),
      encodeCursor({ scope: SCOPE, href: "/accountingintegration/v4/companies/c1/erps/e1/vendors?next=1", offset: 0 }),
      encodeCursor({ scope: SCOPE, href: "/accountingintegration/v4/companies/c2/erps/e1/accounts", offset: 0 }),
    ];
    for (const after of cases) {
      const error = await t.reader.connection(alice, list, { first: 5, after }).catch((e) => e);
      expect(error).toBeInstanceOf(CodedError);
      expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    }
    expect(t.calls).toHaveLength(0);
  });

  it("findRecords returns records in ids order (null for missing), walking only as far as needed", async () => {
    const t = setup(100, 10);
    const found = await t.reader.findRecords(alice, list, ["a15", "a3"]);
    expect(found.map((r) => r?.id)).toEqual(["a15", "a3"]);
    expect(t.pageCalls()).toEqual([LIST, `${LIST}?next=1`]);
    const withMissing = await t.reader.findRecords(alice, list, ["a99", "zzz", "a0"]);
    expect(withMissing.map((r) => r?.id ?? null)).toEqual(["a99", null, "a0"]);
    expect(t.pageCalls()).toHaveLength(10); // every page read once overall, thanks to the cache
  });
});

describe("reader cache", () => {
  it("isolates callers: same URL, two callers -> two upstream calls, each with its own token", async () => {
    const t = setup(5, 10);
    await t.reader.connection(alice, list, { first: 5 });
    await t.reader.connection(bob, list, { first: 5 });
    await t.reader.connection(alice, list, { first: 5 });
    await t.reader.connection(bob, list, { first: 5 });
    expect(t.calls).toEqual([
      { path: LIST, token: "Bearer alice-token" },
      { path: LIST, token: "Bearer bob-token" },
    ]);
  });

  it("a caller whose upstream call fails gets the error, never another caller's cached page", async () => {
    const t = setup(5, 10);
    await t.reader.connection(alice, list, { first: 5 });
    const failing: ConcurClient = {
      baseUrlFor: () => BASE,
      request: async () => {
        throw new CodedError(ErrorCode.UNAUTHENTICATED, "Concur rejected the bearer token");
      },
    };
    const reader = createConcurReader({ client: failing, cache: t.cache, maxPageSize: 100 });
    const mallory = callerFromAuthorization("Bearer mallory")!;
    await expect(reader.connection(mallory, list, { first: 5 })).rejects.toMatchObject({ extensions: { code: ErrorCode.UNAUTHENTICATED } });
    await expect(reader.findRecords(mallory, list, ["a1"])).rejects.toMatchObject({ extensions: { code: ErrorCode.UNAUTHENTICATED } });
  });

  it("de-duplicates identical concurrent reads into one upstream call", async () => {
    const t = setup(50, 10, { delayMs: 20 });
    const results = await Promise.all(Array.from({ length: 8 }, () => t.reader.connection(alice, list, { first: 10 })));
    expect(t.calls).toHaveLength(1);
    for (const r of results) expect(ids(r)).toEqual(range(0, 10));
  });

  it("invalidate(companyId, erpId, type) makes the next read refetch; other types stay cached", async () => {
    const t = setup(5, 10);
    await t.reader.connection(alice, list, { first: 5 });
    t.bump();
    expect((await t.reader.connection(alice, list, { first: 1 })).edges[0].node.name).toBe("Account 0 g0");
    await t.cache.invalidate("c1", "e1", "vendors");
    expect((await t.reader.connection(alice, list, { first: 1 })).edges[0].node.name).toBe("Account 0 g0");
    await t.cache.invalidate("c1", "e1", "accounts");
    expect((await t.reader.connection(alice, list, { first: 1 })).edges[0].node.name).toBe("Account 0 g1");
    expect(t.calls).toHaveLength(2);
  });

  it("shares generations through keyv: a bump on one replica is seen by another", async () => {
    const store = new Keyv();
    const concur = fakeConcur(5, 10);
    const replicaA = createPageCache({ store, ttlSeconds: 60, generationTtlMs: 0 });
    const replicaB = createPageCache({ store, ttlSeconds: 60, generationTtlMs: 0 });
    const readerB = createConcurReader({ client: concur.http, cache: replicaB, maxPageSize: 100 });
    await readerB.connection(alice, list, { first: 5 });
    await readerB.connection(alice, list, { first: 5 });
    expect(concur.calls).toHaveLength(1);
    await replicaA.invalidate("c1", "e1", "accounts");
    await readerB.connection(alice, list, { first: 5 });
    expect(concur.calls).toHaveLength(2);
  });

  it("serves a page from the shared tier when the local tier does not have it (another replica fetched it)", async () => {
    const store = new Keyv();
    const concur = fakeConcur(5, 10);
    const readerA = createConcurReader({ client: concur.http, cache: createPageCache({ store, ttlSeconds: 60 }), maxPageSize: 100 });
    const readerB = createConcurReader({ client: concur.http, cache: createPageCache({ store, ttlSeconds: 60 }), maxPageSize: 100 });
    await readerA.connection(alice, list, { first: 5 });
    await new Promise((r) => setImmediate(r)); // the shared write is not awaited by readers
    const fromB = await readerB.connection(alice, list, { first: 5 });
    expect(ids(fromB)).toEqual(range(0, 5));
    expect(concur.calls).toHaveLength(1);
  });

  it("getRequest is not cached while PROCESSING, cached once final", async () => {
    const statuses = ["PROCESSING", "PROCESSING", "SUCCESS", "ERROR"];
    let calls = 0;
    const http: ConcurClient = {
      baseUrlFor: () => BASE,
      async request<T>() {
        const body = { requestId: "r1", status: statuses[calls++] };
        return { status: 200, body: body as T, headers: {}, correlationId: "", bytes: 40, maybeApplied: false };
      },
    };
    const reader = createConcurReader({ client: http, cache: createPageCache({ store: new Keyv(), ttlSeconds: 60 }), maxPageSize: 10 });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await reader.getRequest(alice, "c1", "e1", "r1")).status);
    expect(seen).toEqual(["PROCESSING", "PROCESSING", "SUCCESS", "SUCCESS"]);
    expect(calls).toBe(3);
  });
});
