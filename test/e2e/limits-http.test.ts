// Operation limits through HTTP: the attacks of issue 16 are refused before execution, in milliseconds, with a
// coded error naming the limit and its value; nothing is compiled for them; a normal query is unaffected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { createClient } from "graphql-ws";
import { WebSocket } from "ws";
import { loadConfig } from "../../src/config.js";
import { AccountsPageDocument } from "../generated/graphql.js";
import { startStack, type Stack } from "../helpers/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function post(body: unknown): Promise<{ status: number; ms: number; json: any }> {
  const started = performance.now();
  const res = await request(stack.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
    body: JSON.stringify(body),
  });
  const json = await res.body.json();
  return { status: res.statusCode, ms: performance.now() - started, json };
}

/** `count` aliases of a 1000-record accounts page under one ERP. */
const pagesAttack = (count: number) =>
  `{ ${erp()} { ${Array.from({ length: count }, (_, i) => `p${i}: accounts(first: 1000) { edges { node { id name number type } } }`).join(" ")} } }`;

const erp = () => `erpIntegration(companyId: "${stack.companyId}", erpId: "${stack.erpId}")`;

describe("operation limits", () => {
  it("refuses 10,000 aliases at the parser's token limit, in milliseconds, compiling nothing", async () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: ${erp()} { erpName }`).join(" ")} }`;
    expect(query.length).toBeGreaterThan(300_000);
    const before = stack.gateway.compiledQueries.texts;
    const { status, ms, json } = await post({ query });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "tokens", limit: 5000 });
    expect(json.errors[0].message).toMatch(/tokens more than 5000 exceeds the limit of 5000 \(MAX_TOKENS\)/);
    expect(ms).toBeLessThan(500);
    expect(stack.gateway.compiledQueries.texts).toBe(before);
    // The same text again: still refused (Apollo stores only validated documents), still nothing compiled.
    expect((await post({ query })).status).toBe(400);
    expect(stack.gateway.compiledQueries.texts).toBe(before);
  });

  it("refuses 300 × accounts(first: 1000) before any upstream call (the token limit catches it first)", async () => {
    await stack.resetCounters();
    const { status, ms, json } = await post({ query: pagesAttack(300) });
    expect(status).toBe(400);
    expect(json.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "tokens" });
    expect(ms).toBeLessThan(500);
    expect(Object.keys(await stack.counters())).toHaveLength(0);
  });

  it("refuses by cost what fits the token and alias limits: 10 × accounts(first: 1000)", async () => {
    await stack.resetCounters();
    const { status, json } = await post({ query: pagesAttack(10) });
    expect(status).toBe(400);
    expect(json.errors).toHaveLength(1);
    // Each page: 1 + 1000 × (edges 1 + node 1 + 4 fields) = 6001; erpIntegration 1.
    expect(json.errors[0].extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "cost", limit: 50_000, found: 1 + 10 * 6001 });
    expect(json.errors[0].message).toContain("MAX_COST");
    expect(Object.keys(await stack.counters())).toHaveLength(0);
    expect((await post({ query: pagesAttack(8) })).json.errors).toBeUndefined(); // 48,009: admitted
  });

  it("names the alias limit with the count found", async () => {
    const query = `{ ${Array.from({ length: 101 }, (_, i) => `e${i}: erpIntegrations(companyId: "${stack.companyId}") { erpId }`).join(" ")} }`;
    const { status, json } = await post({ query });
    expect(status).toBe(400);
    expect(json.errors[0].extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "aliases", limit: 100, found: 101 });
  });

  it("refuses depth and directives over their limits", async () => {
    const deep = `{ ${erp()} { mappings { files { listMappings { fieldMappings { fields { alternateFieldId } } } } } } }`;
    expect((await post({ query: deep })).json.errors).toBeUndefined(); // depth 7: fine
    let nested = "erpName";
    for (let i = 0; i < 12; i++) nested = `... on ErpIntegration { ${nested} }`;
    const tooDeep = await post({ query: `{ ${erp()} { ${nested} } }` });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "depth", limit: 12 });
    expect(tooDeep.json.errors[0].extensions.found).toBeGreaterThan(12);
    const directives = `{ ${erp()} { ${Array.from({ length: 51 }, () => "erpName @include(if: true)").join(" ")} } }`;
    const d = await post({ query: directives });
    expect(d.json.errors[0].extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "directives", limit: 50, found: 51 });
  });

  it("counts a variable `first` per request: the same text is admitted with 10 per page and refused with 1000", async () => {
    const query = `query Pages($c: ID!, $e: ID!, $n: Int) { erpIntegration(companyId: $c, erpId: $e) {
      a: accounts(first: $n) { edges { cursor node { id name number type companyId erpId } } }
      b: vendors(first: $n) { edges { cursor node { id name email phone companyName taxId } } }
      c: listNames(first: $n) { edges { cursor node { id name } } }
      d: accounts(first: $n) { edges { cursor node { id name number type companyId erpId } } }
      e: vendors(first: $n) { edges { cursor node { id name email phone companyName taxId } } }
      f: listNames(first: $n) { edges { cursor node { id name } } }
      g: accounts(first: $n) { edges { cursor node { id name number type companyId erpId } } }
      h: vendors(first: $n) { edges { cursor node { id name email phone companyName taxId } } }
      i: listNames(first: $n) { edges { cursor node { id name } } } } }`;
    const vars = { c: stack.companyId, e: stack.erpId };
    const small = await post({ query, variables: { ...vars, n: 10 } });
    expect(small.status).toBe(200);
    expect(small.json.errors).toBeUndefined();
    const again = await post({ query, variables: { ...vars, n: 10 } }); // the fast path now knows this text
    expect(again.json.errors).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      // Twice: the first refusal comes from Apollo, the second from the fast path handing the request back to Apollo.
      const big = await post({ query, variables: { ...vars, n: 1000 } });
      expect(big.status).toBe(400);
      expect(big.json.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "cost", limit: 50_000 });
      expect(big.json.errors[0].extensions.found).toBe(1 + 3 * (9001 + 9001 + 5001)); // accounts/vendors: 1 + 1000 × (edges 1 + cursor 1 + node 7)
    }
  });

  it("counts `_entities` representations sent as a variable", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id name number type companyId erpId } } }`;
    const rep = { __typename: "Account", companyId: stack.companyId, erpId: stack.erpId, id: "nope" };
    const few = await post({ query, variables: { r: [rep, rep] } });
    expect(few.status).toBe(200);
    const many = await post({ query, variables: { r: Array.from({ length: 9000 }, () => rep) } });
    expect(many.status).toBe(400);
    expect(many.json.errors[0].extensions).toMatchObject({ operationLimit: "cost", limit: 50_000, found: 1 + 9000 * 6 });
  });

  it("leaves a normal query alone: same answer, then the compiled fast path", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 100 };
    const first = await stack.graphql(AccountsPageDocument, vars);
    expect(first.errors).toBeUndefined();
    expect(first.data.erpIntegration.accounts.edges).toHaveLength(100);
    const before = stack.gateway.compiledQueries;
    expect(before.texts).toBeGreaterThan(0);
    expect(await stack.graphql(AccountsPageDocument, vars)).toEqual(first);
    expect(stack.gateway.compiledQueries.texts).toBe(before.texts);
  });
});

describe("with the token and alias limits raised", () => {
  it("still refuses 300 × accounts(first: 1000), by cost, before execution", async () => {
    const raised = await startStack({ env: { MAX_TOKENS: "100000", MAX_ALIASES: "1000" } });
    try {
      const res = await request(raised.gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${raised.token}` },
        body: JSON.stringify({ query: `{ erpIntegration(companyId: "${raised.companyId}", erpId: "${raised.erpId}") { ${Array.from({ length: 300 }, (_, i) => `p${i}: accounts(first: 1000) { edges { node { id name } } }`).join(" ")} } }` }),
      });
      const json: any = await res.body.json();
      expect(res.statusCode).toBe(400);
      expect(json.errors[0].extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", operationLimit: "cost", limit: 50_000, found: 1 + 300 * 4001 });
      expect(raised.gateway.compiledQueries.texts).toBe(0);
    } finally {
      await raised.stop();
    }
  });
});

describe("field suggestions", () => {
  it("are hidden by default under NODE_ENV=production, and by HIDE_SCHEMA_SUGGESTIONS=true, over HTTP and WebSocket", async () => {
    expect(loadConfig({ NODE_ENV: "production" }).hideSchemaSuggestions).toBe(true);
    expect(loadConfig({}).hideSchemaSuggestions).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", HIDE_SCHEMA_SUGGESTIONS: "false" }).hideSchemaSuggestions).toBe(false);
    expect(() => loadConfig({ HIDE_SCHEMA_SUGGESTIONS: "maybe" })).toThrow(/HIDE_SCHEMA_SUGGESTIONS="maybe" is invalid: expected true or false/);

    const typo = `{ erpIntegratio(companyId: "x", erpId: "y") { erpName } }`;
    const shown = await stack.graphql(typo);
    expect(shown.errors![0].message).toMatch(/Did you mean "erpIntegration/);

    const hidden = await startStack({ env: { HIDE_SCHEMA_SUGGESTIONS: "true" } });
    try {
      const res = await hidden.graphql(typo);
      expect(res.errors![0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(res.errors![0].message).toBe('Cannot query field "erpIntegratio" on type "Query".');
      const client = createClient({ url: hidden.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${hidden.token}` }, retryAttempts: 0 });
      try {
        const errors = await new Promise<any>((resolve) => {
          client.subscribe({ query: `subscription { requestStatusChange(companyId: "x") { status } }` }, { next: () => {}, error: resolve, complete: () => resolve(undefined) });
        });
        expect(errors[0].message).toBe('Cannot query field "requestStatusChange" on type "Subscription".');
      } finally {
        await client.dispose();
      }
    } finally {
      await hidden.stop();
    }
  });
});
