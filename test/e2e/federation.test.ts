// concur-graph as an Apollo Federation v2 subgraph, end to end over real HTTP/WebSocket against the emulator:
// the subgraph contract (_service, _entities), batched record references proven with upstream counters, and a
// real supergraph (our subgraph + a partner subgraph) served by @apollo/gateway and by Hive Gateway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { request } from "undici";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { nextHref, resolveHref } from "../../src/datasources/client/links.js";
import { printSubgraphSdl } from "../../src/schema/build.js";
import { MappingsChangedDocument } from "../generated/graphql.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import {
  composeSupergraph,
  startApolloGateway,
  startHiveGateway,
  startPartnerSubgraph,
  type HiveGateway,
  type PartnerSubgraph,
  type Running,
} from "../helpers/supergraph.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { waitForFinalStatus } from "../helpers/requests.js";
import { waitFor } from "../helpers/wait.js";

/** Small pages so the demo's 5,000 accounts span ~22 upstream pages. */
const PAGE_BYTES = 20_000;
const accountId = (n: number) => `ACC-${String(n).padStart(5, "0")}`;

let stack: Stack;
/** Page index (0-based) of every demo account id, read straight from the emulator. */
const pageOfAccount = new Map<string, number>();
let accountPages = 0;
/** One upload request created upstream (writes are paced at 1/s per type, so tests share it). */
let requestId: string;

async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.body.json()) as { data?: any; errors?: any[] };
}

/** Creates a real upload request upstream (PATCH accounts on the emulator) and returns its id. */
async function createRequest(): Promise<string> {
  const res = await request(`${stack.emulator.url}/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/accounts`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${stack.token}`, "content-type": "application/json" },
    body: JSON.stringify({ data: [{ id: `FED-${Date.now()}`, name: "Federation test", number: "99999", type: "EXPENSE" }] }),
  });
  const body = (await res.body.json()) as { requestId: string };
  expect(res.statusCode).toBe(202);
  return body.requestId;
}

beforeAll(async () => {
  stack = await startStack({ emulator: { pageBytes: PAGE_BYTES } });
  // First, so the record it adds is already in the list the page walk below maps.
  requestId = await createRequest();
  await waitForFinalStatus(stack, { requestId }, 5_000);
  // Walk the accounts list as Concur pages it, to know which page each id sits on.
  let href: string | undefined = `/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/accounts`;
  while (href) {
    const res = await request(resolveHref(stack.emulator.url, href), { headers: { authorization: `Bearer ${stack.token}` } });
    const page = (await res.body.json()) as { data: Array<{ id: string }> };
    for (const record of page.data) pageOfAccount.set(record.id, accountPages);
    accountPages++;
    href = nextHref(page);
  }
  await stack.resetCounters();
});

afterAll(async () => {
  await stack?.stop();
});

describe("federation subgraph contract", () => {
  it("serves a Federation v2 SDL with @link and a @key on every entity", async () => {
    const { data, errors } = await stack.graphql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    expect(errors).toBeUndefined();
    const sdl = data!._service.sdl;
    // 2.4+: Apollo Router / GraphOS want at least Federation 2.4 in subgraphs that define Subscription fields.
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.([4-9]|\d{2,})"/);
    expect(sdl).toMatch(/type ErpIntegration\s+@key\(fields: "companyId erpId"\)/);
    expect(sdl).toMatch(/type Request\s+@key\(fields: "companyId erpId requestId"\)/);
    for (const type of ["Account", "Vendor", "ListName"]) {
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "companyId erpId id"\\)`));
    }
  });

  it("_entities resolves every entity type from its key", async () => {
    const key = { companyId: stack.companyId, erpId: stack.erpId };
    const { data, errors } = await stack.graphql(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        __typename
        ... on ErpIntegration { erpId erpName }
        ... on Request { requestId status }
        ... on Account { id name }
        ... on Vendor { id }
        ... on ListName { id name }
      } }`,
      {
        r: [
          { __typename: "ErpIntegration", ...key },
          { __typename: "Request", ...key, requestId },
          { __typename: "Account", ...key, id: "ACC-00002" },
          { __typename: "Vendor", ...key, id: "V-00010" },
          { __typename: "ListName", ...key, id: "LST-0003" },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([
      { __typename: "ErpIntegration", erpId: stack.erpId, erpName: "Emulated ERP" },
      { __typename: "Request", requestId, status: expect.any(String) },
      { __typename: "Account", id: "ACC-00002", name: "Accounts Payable" },
      { __typename: "Vendor", id: "V-00010" },
      { __typename: "ListName", id: "LST-0003", name: "Cost Center" },
    ]);
  });

  it("100 Account representations cost at most one GET per page up to the farthest id, in order", async () => {
    expect(accountPages).toBeGreaterThan(15); // the small pageBytes really spreads the list
    const key = { companyId: stack.companyId, erpId: stack.erpId };
    // Spread over the first ~4,000 accounts, in a shuffled (not upstream) order.
    const ids = Array.from({ length: 100 }, (_, i) => accountId(1 + ((i * 37) % 100) * 40));
    const farthestPage = Math.max(...ids.map((id) => pageOfAccount.get(id)!));
    expect(farthestPage).toBeLessThan(accountPages - 1); // proves the walk stops early, not at the end
    await stack.resetCounters();

    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id } } }`;
    const first = await stack.graphql(query, { r: ids.map((id) => ({ __typename: "Account", ...key, id })) });
    expect(first.errors).toBeUndefined();
    expect(first.data._entities.map((e: { id: string }) => e.id)).toEqual(ids);
    const afterFirst = sumCalls(await stack.counters(), ROUTES.accounts);
    console.log(`_entities(100 accounts): ${afterFirst} upstream GETs; pages up to the farthest id: ${farthestPage + 1} of ${accountPages}`);
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThanOrEqual(farthestPage + 1);

    // Unknown ids come back null in place; they force a walk to the end, but pages already read are cached.
    const mixed = [...ids.slice(0, 97), "ACC-99999", "no-such-account", accountId(5000)];
    mixed.splice(10, 0, mixed.splice(97, 1)[0]); // an unknown id in the middle
    const second = await stack.graphql(query, { r: mixed.map((id) => ({ __typename: "Account", ...key, id })) });
    expect(second.errors).toBeUndefined();
    expect(second.data._entities).toEqual(mixed.map((id) => (pageOfAccount.has(id) ? { id } : null)));
    const total = sumCalls(await stack.counters(), ROUTES.accounts);
    console.log(`_entities(100 accounts incl. 2 unknown): ${total - afterFirst} more upstream GETs; total ${total} for ${accountPages} pages`);
    expect(total).toBeLessThanOrEqual(accountPages);
  });
});

describe("supergraph: concur-graph + a partner subgraph", () => {
  let partner: PartnerSubgraph;
  let supergraphSdl: string;
  const crossQuery = /* GraphQL */ `
    query Cross($companyId: ID!, $erpId: ID!) {
      erpIntegration(companyId: $companyId, erpId: $erpId) {
        erpName
        partnerNotes
        accounts(first: 3) { edges { node { id name } } }
      }
      syncRuns { id request { requestId status } }
    }
  `;

  beforeAll(async () => {
    partner = await startPartnerSubgraph();
    const { data } = await stack.graphql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    supergraphSdl = composeSupergraph([
      { name: "concur", url: stack.gateway.url, sdl: data!._service.sdl },
      { name: "partner", url: partner.url, sdl: partner.sdl },
    ]);
    partner.runs.push({ id: "run-1", companyId: stack.companyId, erpId: stack.erpId, requestId });
  });

  afterAll(async () => {
    await partner?.stop();
  });

  it("the subgraph.graphql that `npm run schema` writes composes too (what a router registers)", async () => {
    const supergraph = composeSupergraph([
      { name: "concur", url: stack.gateway.url, sdl: await printSubgraphSdl() },
      { name: "partner", url: partner.url, sdl: partner.sdl },
    ]);
    expect(supergraph).toContain("partnerNotes");
    expect(supergraph).toContain("mappingsChanged");
  });

  function expectCrossResult(result: { data?: any; errors?: any[] }) {
    expect(result.errors).toBeUndefined();
    expect(result.data.erpIntegration).toEqual({
      erpName: "Emulated ERP",
      partnerNotes: `partner notes for ${stack.erpId}`,
      accounts: { edges: [0, 1, 2].map((i) => ({ node: { id: accountId(i + 1), name: expect.any(String) } })) },
    });
    expect(result.data.syncRuns).toEqual([{ id: "run-1", request: { requestId, status: expect.stringMatching(/^(PROCESSING|SUCCESS|PARTIAL|ERROR)$/) } }]);
  }

  describe("served by @apollo/gateway", () => {
    let router: Running;
    beforeAll(async () => {
      router = await startApolloGateway(supergraphSdl);
    });
    afterAll(async () => {
      await router?.stop();
    });

    it("runs a query across both subgraphs, forwarding Authorization", async () => {
      const result = await postGraphQL(router.url, crossQuery, { companyId: stack.companyId, erpId: stack.erpId }, { authorization: `Bearer ${stack.token}` });
      expectCrossResult(result);
      expect(partner.authorizations.at(-1)).toBe(`Bearer ${stack.token}`);
    });

    it("without Authorization our subgraph answers UNAUTHENTICATED through the router", async () => {
      const result = await postGraphQL(router.url, crossQuery, { companyId: stack.companyId, erpId: stack.erpId });
      expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });
  });

  describe("served by Hive Gateway", () => {
    let router: HiveGateway;
    beforeAll(async () => {
      router = await startHiveGateway(supergraphSdl);
    });
    afterAll(async () => {
      await router?.stop();
    });

    it("runs a query across both subgraphs, forwarding Authorization", async () => {
      const result = await postGraphQL(router.url, crossQuery, { companyId: stack.companyId, erpId: stack.erpId }, { authorization: `Bearer ${stack.token}` });
      expectCrossResult(result);
    });

    it("routes a mappingsChanged subscription: emulator event -> webhook -> our subgraph -> Hive (ws) -> graphql-ws client", async () => {
      const client = createClient({
        url: router.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${stack.token}` },
        retryAttempts: 0,
      });
      registerCleanup("the graphql-ws client of Hive Gateway", () => client.dispose());
      const received: any[] = [];
      const failures: unknown[] = [];
      const unsubscribe = client.subscribe(
        { query: print(MappingsChangedDocument), variables: { companyId: stack.companyId, erpId: stack.erpId } },
        { next: (value) => received.push(value), error: (error) => failures.push(error), complete: () => {} },
      );
      try {
        const current = await request(`${stack.emulator.url}/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/mappings`, {
          headers: { authorization: `Bearer ${stack.token}` },
        });
        const mappings = (await current.body.json()) as { ledger: { name: string } };
        // The subscription reaches our subgraph asynchronously (Hive opens its own socket): keep changing the
        // mappings until an event arrives, rather than guessing when the upstream subscription is live.
        let round = 0;
        let lastPut = 0;
        const event = await waitFor(
          async () => {
            if (failures.length) throw new Error(`subscription failed: ${JSON.stringify(failures[0])}`);
            if (received.length) return received[0];
            if (Date.now() - lastPut > 250) {
              lastPut = Date.now();
              round++;
              await stack.admin("PUT", `/companies/${stack.companyId}/erps/${stack.erpId}/mappings`, {
                ...mappings,
                ledger: { ...mappings.ledger, name: `Federated ledger ${round}` },
              });
            }
            return undefined;
          },
          15_000,
          "mappingsChanged through Hive Gateway",
        );
        expect(event.errors).toBeUndefined();
        expect(event.data.mappingsChanged).toMatchObject({
          companyId: stack.companyId,
          erpId: stack.erpId,
          eventType: "mapping.updated",
          mappings: { ledger: { name: expect.stringMatching(/^Federated ledger \d+$/) } },
        });
      } finally {
        unsubscribe();
      }
    });
  });
});
