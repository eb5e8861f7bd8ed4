// Per-caller bookkeeping stays bounded however many distinct tokens arrive: 20,000 requests, each with a bearer token
// of its own, most of them made up (Concur answers 401) and three in four for a made-up company as well, some with
// real tokens of the demo company (served and cached). The structures' sizes are read from /metrics, where operators
// see them too; their bounds are documented in docs/benchmarks.md ("Distinct callers"). Passthrough mode, through
// HTTP against the gateway and the emulator.
import { randomBytes, randomUUID } from "node:crypto";
import { Pool, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_SCOPES } from "../../src/datasources/client/page-cache.js";
import { DEFAULT_MAX_TRUSTED_TOKENS } from "../../src/datasources/client/token-trust.js";
import { startStack, type Stack } from "../helpers/stack.js";

const FLOOD = 20_000;
/** Requests with real (minted) tokens among them, each its own token. */
const SERVED = 300;
const IN_FLIGHT = 32;
const STEP = Math.floor(FLOOD / SERVED);

const QUERY = `query Flood($companyId: ID!, $erpId: ID!) {
  erpIntegration(companyId: $companyId, erpId: $erpId) { accounts(first: 2) { edges { node { id } } } }
}`;

async function gauges(stack: Stack): Promise<Record<string, number>> {
  const text = await (await request(`${stack.gateway.origin}/metrics`)).body.text();
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^concur_graph_([a-z_]+) (\S+)$/.exec(line);
    if (match) out[match[1]] = Number(match[2]);
  }
  return out;
}

describe("a flood of distinct bearer tokens", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { pageBytes: 4_000 } });
  });
  afterAll(() => stack?.stop());

  it("keeps every per-caller structure within its bound, and nothing of a refused token", async () => {
    const minted: string[] = [];
    for (let i = 0; i < SERVED; i++) minted.push((await stack.admin("POST", "/tokens", { companyId: stack.companyId })).access_token);
    const pool = new Pool(stack.gateway.origin, { connections: IN_FLIGHT });
    const statuses = { served: 0, refused: 0, other: 0 };
    let next = 0;
    const worker = async () => {
      while (next < FLOOD) {
        const i = next++;
        // Every STEP-th request (SERVED in all) a real token; the rest made up, three in four for a made-up company too.
        const real = i % STEP === 0 ? minted[i / STEP] : undefined;
        const token = real ?? `flood-${randomBytes(12).toString("base64url")}`;
        const companyId = real || i % 4 === 0 ? stack.companyId : randomUUID();
        const res = await pool.request({
          path: "/graphql",
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERY, variables: { companyId, erpId: stack.erpId } }),
        });
        const json = (await res.body.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
        if (json.data?.erpIntegration?.accounts?.edges?.length === 2) statuses.served += 1;
        else if (json.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") statuses.refused += 1;
        else statuses.other += 1;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await pool.close();
    expect(statuses).toEqual({ served: SERVED, refused: FLOOD - SERVED, other: 0 });

    const sizes = await gauges(stack);
    // Token trust: only tokens Concur accepted (a refusal forgets the token at once), within the LRU bound.
    expect(sizes.trusted_tokens).toBe(SERVED);
    expect(sizes.trusted_tokens).toBeLessThanOrEqual(DEFAULT_MAX_TRUSTED_TOKENS);
    // Scopes: ~15,000 made-up companies asked for: the generation map holds its bound, no more.
    expect(sizes.page_cache_scopes).toBeGreaterThan(0);
    expect(sizes.page_cache_scopes).toBeLessThanOrEqual(DEFAULT_MAX_SCOPES);
    // Pages: only served tokens have any (errors are never cached), one each. Answers: none kept, as each was built on
    // a page its token had just loaded (result-sharing.ts keeps answers whose pages all came from the cache).
    expect(sizes.page_cache_pages).toBeLessThanOrEqual(SERVED);
    expect(sizes.answer_cache_entries).toBe(0);
    // Accounting Integration names the company in its path: no token-company lookups were needed.
    expect(sizes.token_companies).toBe(0);
    // Nothing is left running.
    expect(sizes.answers_in_flight).toBe(0);
    expect(sizes.page_cache_reads_in_flight).toBe(0);
  }, 600_000);
});
