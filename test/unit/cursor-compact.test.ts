// Cursors stay short whatever link form Concur uses, and continuing from a cursor never re-reads a walked page.
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createPageCache } from "../../src/datasources/client/page-cache.js";
import type { ConcurCall, ConcurClient, ConcurResponse } from "../../src/datasources/client/pipeline.js";
import { createConcurReader, type Connection } from "../../src/datasources/accounting/reader.js";

const BASE = "https://us2.api.concursolutions.com";
const COMPANY = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";
const ERP = "e7b1d2c3-4a5b-4c6d-8e7f-000000000e79";
const LIST = `/accountingintegration/v4/companies/${COMPANY}/erps/${ERP}/accounts`;
/** An opaque page token of the length Concur's examples show. */
const token = (page: number) => `eyJwIjo${page}fQ${"x".repeat(8)}`;

type LinkForm = (page: number) => unknown;
const FORMS: Record<string, LinkForm> = {
  "absolute HAL object": (n) => ({ links: { next: { href: `${BASE}${LIST}?next=${token(n)}` } } }),
  "relative to /v4": (n) => ({ links: { next: { href: `/v4/companies/${COMPANY}/erps/${ERP}/accounts?next=${token(n)}` } } }),
  "relative to the API root": (n) => ({ links: { next: { href: `${LIST}?next=${token(n)}` } } }),
  "Spring array under _links": (n) => ({ _links: [{ rel: "self", href: `${BASE}${LIST}` }, { rel: "next", href: `${BASE}${LIST}?next=${token(n)}` }] }),
};

function fakeConcur(form: LinkForm, pages: number, perPage: number) {
  const calls: string[] = [];
  const client: ConcurClient = {
    baseUrlFor: () => BASE,
    async request<T>(call: ConcurCall): Promise<ConcurResponse<T>> {
      const url = new URL(call.path, BASE);
      calls.push(`${url.pathname}${url.search}`);
      const next = url.searchParams.get("next");
      const page = next === null ? 0 : Number(/eyJwIjo(\d+)fQ/.exec(next)![1]);
      const data = Array.from({ length: perPage }, (_, i) => ({ id: `A${page * perPage + i}`, name: "n" }));
      const body = { data, ...(page + 1 < pages ? (form(page + 1) as object) : {}) };
      return { status: 200, body: body as T, headers: {}, correlationId: "", bytes: JSON.stringify(body).length, maybeApplied: false };
    },
  };
  return { client, calls };
}

describe.each(Object.entries(FORMS))("cursors over %s links", (_name, form) => {
  it("are at most 100 characters, and a walk by cursors reads every page exactly once", async () => {
    const { client, calls } = fakeConcur(form, 5, 10);
    const reader = createConcurReader({ client, cache: createPageCache({ store: new Keyv(), ttlSeconds: 60 }), maxPageSize: 100 });
    const caller = callerFromAuthorization("Bearer t")!;
    const list = { companyId: COMPANY, erpId: ERP, type: "accounts" as const };
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Connection<unknown> = await reader.connection(caller, list, { first: 7, after });
      for (const edge of page.edges) {
        expect(edge.cursor.length).toBeLessThanOrEqual(100);
        seen.push((edge.node as { id: string }).id);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `A${i}`));
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls).toHaveLength(5);
  });
});
