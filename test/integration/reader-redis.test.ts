import KeyvRedis from "@keyv/redis";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import type { ConcurClient, ConcurCall, ConcurResponse } from "../../src/datasources/client/pipeline.js";
import { createPageCache } from "../../src/datasources/client/page-cache.js";
import { createConcurReader } from "../../src/datasources/accounting/reader.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait.js";

const LIST = "/accountingintegration/v4/companies/c1/erps/e1/accounts";

/** Two gateway replicas sharing one real Redis through @keyv/redis, each with its own in-process tier. */
describe.runIf(redisAvailable())("page cache on a shared Redis (two replicas)", () => {
  let redis: RedisServer;
  const stores: Keyv[] = [];
  const calls: string[] = [];
  let version = 0;
  const http: ConcurClient = {
    baseUrlFor: () => "http://concur.test",
    async request<T>(req: ConcurCall): Promise<ConcurResponse<T>> {
      calls.push(`${req.caller.authorization} ${req.path}`);
      const page = new URL(req.path, "http://concur.test").searchParams.get("next") ?? "0";
      const body = {
        data: [{ id: `p${page}-a`, name: `v${version}`, number: null, type: "EXPENSE" }, { id: `p${page}-b`, name: `v${version}`, number: "4000", type: "BANK" }],
        links: page === "0" ? { next: { href: `${LIST}?next=1` } } : {},
      };
      return { status: 200, body: body as T, headers: {}, correlationId: "", bytes: JSON.stringify(body).length, maybeApplied: false };
    },
  };

  function replica() {
    const store = new Keyv({ store: new KeyvRedis(redis.url), namespace: "concur-graph-test" });
    stores.push(store);
    const cache = createPageCache({ store, ttlSeconds: 60, generationTtlMs: 0 });
    return { cache, reader: createConcurReader({ client: http, cache, maxPageSize: 100 }) };
  }

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const store of stores) await store.disconnect();
    await redis?.stop();
  });

  it("serves another replica's pages from Redis, keeps callers apart, and shares invalidation", async () => {
    const a = replica();
    const b = replica();
    const alice = callerFromAuthorization("Bearer alice")!;
    const bob = callerFromAuthorization("Bearer bob")!;
    const list = { companyId: "c1", erpId: "e1", type: "accounts" as const };

    const fromA = await a.reader.connection(alice, list, { first: 4 });
    expect(fromA.edges.map((e) => e.node.id)).toEqual(["p0-a", "p0-b", "p1-a", "p1-b"]);
    expect(calls).toHaveLength(2);

    // Replica B finds both pages in Redis (the shared write is fire-and-forget, so wait for it).
    await waitFor(async () => (await stores[0].get(`page:${alice.key}:accounts|c1|e1:0:${LIST}?next=1`)) !== undefined, 5_000, "shared write");
    const fromB = await b.reader.connection(alice, list, { first: 4 });
    expect(fromB.edges.map((e) => e.node)).toEqual(fromA.edges.map((e) => e.node));
    expect(calls).toHaveLength(2);

    // Another caller never gets alice's pages, not even through Redis.
    await b.reader.connection(bob, list, { first: 1 });
    expect(calls).toEqual(["Bearer alice " + LIST, "Bearer alice " + `${LIST}?next=1`, "Bearer bob " + LIST]);

    // A write seen by replica A invalidates the type on replica B too.
    version++;
    await a.cache.invalidate("c1", "e1", "accounts");
    const afterWrite = await b.reader.connection(alice, list, { first: 1 });
    expect(afterWrite.edges[0].node.name).toBe("v1");
    expect(calls).toHaveLength(4);
  });
});
