// The caps of the per-caller structures bind (test/e2e/caller-bookkeeping.test.ts floods a gateway and checks the
// defaults through /metrics): page cache entries weigh at least PAGE_ENTRY_OVERHEAD_BYTES each, scope generations and
// trusted tokens are LRUs of a fixed count, and without Redis pages are not copied into the in-process Keyv.
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createPageCache, PAGE_ENTRY_OVERHEAD_BYTES, scopes } from "../../src/datasources/client/page-cache.js";
import { createTokenTrust } from "../../src/datasources/client/token-trust.js";

const emptyPage = async () => ({ value: { items: [], next: null }, bytes: 20 });

describe("per-caller bookkeeping bounds", () => {
  it("tiny pages of many callers: the byte budget bounds the count (entry overhead counted)", async () => {
    const budget = 100 * 1024;
    const cache = createPageCache({ store: new Keyv(), ttlSeconds: 60, maxLocalBytes: budget, sharedPages: false });
    for (let i = 0; i < 5_000; i++) {
      await cache.read(callerFromAuthorization(`Bearer t${i}`)!, scopes.list("accounts", "c1", "e1"), "/accounts", emptyPage);
    }
    const { pages, pageBytes } = cache.sizes();
    expect(pageBytes).toBeLessThanOrEqual(budget);
    expect(pages).toBeLessThanOrEqual(Math.floor(budget / PAGE_ENTRY_OVERHEAD_BYTES));
    expect(pages).toBeGreaterThan(0);
  });

  it("scope generations: at most maxScopes remembered", async () => {
    const cache = createPageCache({ store: new Keyv(), ttlSeconds: 60, maxScopes: 50 });
    const caller = callerFromAuthorization("Bearer one")!;
    for (let i = 0; i < 500; i++) await cache.read(caller, scopes.list("accounts", `company-${i}`, "e1"), "/accounts", emptyPage);
    expect(cache.sizes().scopes).toBe(50);
    expect(cache.sizes().inFlight).toBe(0);
  });

  it("without a shared tier (sharedPages: false) pages are not written to the Keyv store", async () => {
    const store = new Keyv();
    const written: string[] = [];
    store.hooks.addHandler("preSet", (data: { key: string }) => void written.push(data.key));
    const cache = createPageCache({ store, ttlSeconds: 60, sharedPages: false });
    await cache.read(callerFromAuthorization("Bearer one")!, scopes.list("accounts", "c1", "e1"), "/accounts", emptyPage);
    expect(cache.sizes().pages).toBe(1);
    expect(written.filter((key) => key.startsWith("page:"))).toEqual([]);
  });

  it("token trust: at most max tokens, and a refused token leaves nothing", () => {
    const trust = createTokenTrust({ windowMs: 30_000, max: 100 });
    for (let i = 0; i < 1_000; i++) trust.accepted(`k${i}`);
    expect(trust.size).toBe(100);
    trust.refused("k999");
    expect(trust.size).toBe(99);
    expect(trust.trusted("k999")).toBe(false);
    expect(trust.trusted("k998")).toBe(true);
  });
});
