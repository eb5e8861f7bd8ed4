// Paging with distinct callers (issue 25): every query its own token, so nothing one query read can serve the next.
// A cursor at the end of an upstream page must point at the next page (its `next` link, offset 0), so a walk of
// N upstream pages of 100 records with first: 100 makes exactly N upstream GETs, through GraphQL over HTTP against
// the emulator (counted by the emulator). Where pages do not line up with `first` (Concur cuts them by bytes), a
// query needs every page its records sit on, and no more.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForFinal } from "../helpers/requests.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";

const API = "/accountingintegration/v4";
const RECORDS = 500;
const QUERY = `query Page($companyId: ID!, $erpId: ID!, $first: Int, $after: String) {
  erpIntegration(companyId: $companyId, erpId: $erpId) {
    accounts(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
  }
}`;

describe.each<{ cache: string; env: Record<string, string> }>([
  { cache: "cache off", env: { CACHE_TTL_SECONDS: "0" } },
  { cache: "cache on", env: {} },
])("paging with a token per query ($cache)", ({ env }) => {
  let stack: Stack;
  const accountsPath = () => `${API}/companies/${stack.companyId}/erps/${stack.erpId}/accounts`;

  /** Record counts of every upstream page, walked straight on the emulator (call before resetting counters). */
  async function upstreamPageSizes(): Promise<number[]> {
    const sizes: number[] = [];
    let href: string | undefined = accountsPath();
    while (href) {
      const res = await request(new URL(href, stack.emulator.url), { headers: { authorization: `Bearer ${stack.token}` } });
      expect(res.statusCode).toBe(200);
      const page = (await res.body.json()) as { data: unknown[]; links?: { next?: { href: string } } };
      sizes.push(page.data.length);
      href = page.links?.next?.href;
    }
    return sizes;
  }

  /** The smallest page budget (bytes) whose first page holds `records` records (every record is the same size). */
  async function budgetFor(records: number): Promise<number> {
    let low = 64;
    let high = 200_000;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      await stack.admin("PUT", "/config", { pageBytes: mid });
      const res = await request(new URL(accountsPath(), stack.emulator.url), { headers: { authorization: `Bearer ${stack.token}` } });
      const page = (await res.body.json()) as { data: unknown[] };
      if (page.data.length >= records) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Walks the whole list with `first`, each query with a token of its own; returns the ids and upstream GETs. */
  async function walk(first: number): Promise<{ ids: string[]; queries: number; gets: number }> {
    await stack.resetCounters();
    const ids: string[] = [];
    let after: string | null = null;
    let queries = 0;
    for (;;) {
      const token = stack.emulator.issueToken(stack.companyId);
      const result: any = await stack.graphql(QUERY, { companyId: stack.companyId, erpId: stack.erpId, first, after }, token);
      expect(result.errors).toBeUndefined();
      const conn = result.data.erpIntegration.accounts;
      queries++;
      for (const edge of conn.edges) ids.push(edge.node.id);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
      if (queries > 50) throw new Error("runaway walk");
    }
    return { ids, queries, gets: sumCalls(await stack.counters(), ROUTES.accounts) };
  }

  beforeAll(async () => {
    stack = await startStack({ env, webhooks: false });
    // Records of one size each, so a byte budget cuts pages of exactly the same record count.
    const data = Array.from({ length: RECORDS }, (_, i) => {
      const n = String(i + 1).padStart(5, "0");
      return { id: `ACC-${n}`, name: `Account ${n}`, number: n, type: "EXPENSE" };
    });
    const res = await request(new URL(accountsPath(), stack.emulator.url), {
      method: "PATCH",
      headers: { authorization: `Bearer ${stack.token}`, "content-type": "application/json" },
      body: JSON.stringify({ deleteAll: true, data }),
    });
    expect(res.statusCode).toBe(202);
    const { requestId } = (await res.body.json()) as { requestId: string };
    const final = await waitForFinal(stack.emulator, stack.token, `${API}/companies/${stack.companyId}/erps/${stack.erpId}`, requestId, 30_000);
    expect(final.status).toBe("SUCCESS");
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("N upstream pages of exactly 100 records, first: 100: exactly N upstream GETs, each record once, the last page says so", async () => {
    await stack.admin("PUT", "/config", { pageBytes: await budgetFor(100) });
    const sizes = await upstreamPageSizes();
    expect(sizes).toEqual([100, 100, 100, 100, 100]);
    const { ids, queries, gets } = await walk(100);
    expect(ids).toHaveLength(RECORDS);
    expect(new Set(ids).size).toBe(RECORDS);
    expect(ids[0]).toBe("ACC-00001");
    expect(ids.at(-1)).toBe(`ACC-00${RECORDS}`);
    expect(queries).toBe(sizes.length);
    // The cursor at each page's end carries the next page's link: no query reads a page again to find it.
    expect(gets).toBe(sizes.length);
  }, 60_000);

  it("pages of 90 records, first: 100: each query reads only the pages its 100 records sit on", async () => {
    await stack.admin("PUT", "/config", { pageBytes: await budgetFor(90) });
    const sizes = await upstreamPageSizes();
    expect(sizes.slice(0, -1).every((n) => n === 90)).toBe(true);
    const { ids, queries, gets } = await walk(100);
    expect(ids).toHaveLength(RECORDS);
    expect(queries).toBe(RECORDS / 100);
    // Query q covers records [100q, 100q + 100): the pages overlapping that range, summed over the queries.
    let spanned = 0;
    for (let q = 0; q < queries; q++) {
      const start = q * 100;
      const end = Math.min(RECORDS, start + 100);
      spanned += Math.floor((end - 1) / 90) - Math.floor(start / 90) + 1;
    }
    expect(gets).toBe(spanned);
    expect(gets).toBeGreaterThan(sizes.length); // pages that straddle two queries are read by both
  }, 60_000);
});
