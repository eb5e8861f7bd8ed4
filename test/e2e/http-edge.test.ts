// The gateway's own HTTP edge: the webhook path answers its documented statuses for every method; documents whose
// operation cannot be resolved are the caller's mistake (400 with the spec's message, nothing logged above debug) on
// every path; introspection (what GraphiQL sends on every load) answers input defaults on every path.
import { getIntrospectionQuery, graphql, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LISTS } from "../../src/emulator/lists/seed.js";
import { createLogger } from "../../src/logger.js";
import { buildGatewaySchema } from "../../src/schema/build.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";

const MULTIPLE = "Must provide operation name if query contains multiple operations.";
const TWO_QUERIES = "query First { __typename } query Second { __typename }";
const README_SYNC = `mutation Sync($companyId: ID!, $items: [ErpListItemInput!]!) {
  syncConcurList(companyId: $companyId, target: { erpId: "…", erpListId: "LST-0001" }, items: $items, syncId: "7d1c0a5e-0000-4000-8000-000000000001") {
    created updated deleted unchanged failed bulkCalls
    errors { operation code errorId message }
  }
}
subscription Progress($companyId: ID!, $syncId: ID) { concurListSyncProgress(companyId: $companyId, syncId: $syncId) { phase done total } }`;

describe("HTTP edge", () => {
  let stack: Stack;
  const logs: string[] = [];
  let servedSchema: GraphQLSchema;
  beforeAll(async () => {
    // Built before the stack starts: seconds of CPU on a loaded machine, which would stall this process's keep-alive
    // bookkeeping mid-test (a request on a socket the gateway has closed meanwhile: ECONNRESET).
    servedSchema = await buildGatewaySchema();
    stack = await startStack({ webhooks: false, logger: createLogger("debug", { destination: { write: (line: string) => void logs.push(line) } }) });
  });
  afterAll(() => stack.stop());

  const post = async (body: unknown) => {
    const res = await request(stack.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  const get = async (params: Record<string, string>) => {
    const res = await request(`${stack.gateway.url}?${new URLSearchParams(params)}`, {
      // A GET needs a preflight-forcing header (Apollo's CSRF prevention) and asks for JSON, not the GraphiQL page.
      headers: { accept: "application/json", "apollo-require-preflight": "true", authorization: `Bearer ${stack.token}` },
    });
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  /** Lines logged above debug (pino: debug is 20) since `from`. */
  const loggedAboveDebug = (from: number) => logs.slice(from).filter((line) => (JSON.parse(line) as { level: number }).level > 20);

  it.each(["GET", "PUT", "DELETE"])("%s on the webhook path answers 405 with what to do, not a 404 page", async (method) => {
    const res = await request(`${stack.gateway.origin}/webhooks/concur`, { method });
    expect(res.statusCode).toBe(405);
    expect(await res.body.json()).toEqual({ error: "method not allowed: POST events here" });
  });

  it("answers an unresolvable operation with 400 and the spec's message on POST and GET, the fast path included, and logs nothing above debug", async () => {
    // The named operation runs, twice: the second answer comes from the compiled fast path.
    const textsBefore = stack.gateway.compiledQueries.texts;
    for (let i = 0; i < 2; i++) {
      const named = await post({ query: TWO_QUERIES, operationName: "Second" });
      expect(named).toEqual({ status: 200, body: { data: { __typename: "Query" } } });
    }
    expect(stack.gateway.compiledQueries.texts).toBe(textsBefore + 1);

    const from = logs.length;
    const cases: Array<[string, () => Promise<{ status: number; body: any }>, string]> = [
      ["POST, no operationName", () => post({ query: TWO_QUERIES }), MULTIPLE],
      ["POST, null operationName", () => post({ query: TWO_QUERIES, operationName: null }), MULTIPLE],
      ["POST, unknown operationName", () => post({ query: TWO_QUERIES, operationName: "Third" }), 'Unknown operation named "Third".'],
      ["POST, unknown name of a one-operation document", () => post({ query: "query Only { __typename }", operationName: "Other" }), 'Unknown operation named "Other".'],
      ["GET, no operationName", () => get({ query: TWO_QUERIES }), MULTIPLE],
      ["GET, unknown operationName", () => get({ query: TWO_QUERIES, operationName: "Third" }), 'Unknown operation named "Third".'],
      // The README's syncConcurList example, pasted whole: its mutation and its subscription in one document.
      ["POST, the README's sync mutation and progress subscription", () => post({ query: README_SYNC, variables: { companyId: DEMO_LISTS.companyId, items: [] } }), MULTIPLE],
    ];
    for (const [what, send, message] of cases) {
      // Each twice: a repeat must not reach a path the first did not (the fast path knows only resolved texts).
      for (let i = 0; i < 2; i++) {
        const res = await send();
        expect([what, res.status]).toEqual([what, 400]);
        expect([what, res.body]).toEqual([what, { errors: [{ message, extensions: { code: "OPERATION_RESOLUTION_FAILURE" } }] }]);
      }
    }
    expect(loggedAboveDebug(from)).toEqual([]);
    expect(logs.slice(from).join("\n")).not.toMatch(/"stack"|\n\s+at /);
  });

  it("answers a subscription sent over HTTP with 400 and where subscriptions are served (its field would run without an event)", async () => {
    const from = logs.length;
    for (const body of [
      { query: `subscription Progress { concurListSyncProgress(companyId: "${DEMO_LISTS.companyId}") { phase } }` },
      { query: README_SYNC, operationName: "Progress", variables: { companyId: DEMO_LISTS.companyId } },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ message: expect.stringMatching(/^Subscriptions are served over WebSocket/), extensions: { code: "BAD_REQUEST" } }]);
    }
    expect(loggedAboveDebug(from)).toEqual([]);
  });

  it("answers an unresolvable operation over WebSocket with an error message, not a stream, and no stack in the log", async () => {
    const from = logs.length;
    for (const [operationName, message] of [
      [undefined, MULTIPLE],
      ["Third", 'Unknown operation named "Third".'],
    ] as const) {
      const sub = subscribe(stack.gateway.wsUrl, stack.token, TWO_QUERIES, {}, operationName);
      await sub.done;
      expect(sub.events).toEqual([]);
      expect(sub.completed).toBe(false); // an `error` message ends it, as graphql-ws does for a refused operation
      expect(sub.errors?.map((e) => e.message)).toEqual([message]);
      await sub.close();
    }
    expect(loggedAboveDebug(from)).toEqual([]);
    expect(logs.slice(from).join("\n")).not.toMatch(/"stack"|\n\s+at /);
  });

  it("refuses a subscription over WebSocket whose required variable is missing or mistyped with BAD_USER_INPUT naming it, before it runs", async () => {
    const from = logs.length;
    const changed = "subscription Changed($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state } }";
    for (const [variables, named] of [
      [{}, '"$companyId" of required type "ID!" was not provided'],
      [{ companyId: { not: "an id" } }, '"$companyId" got invalid value'],
    ] as const) {
      const sub = subscribe(stack.gateway.wsUrl, stack.token, changed, variables);
      await sub.done;
      expect(sub.events).toEqual([]);
      expect(sub.errors).toHaveLength(1);
      expect(sub.errors?.[0]?.message).toContain(named);
      expect(sub.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      await sub.close();
    }
    expect(loggedAboveDebug(from)).toEqual([]);
  });

  it("answers GraphiQL's full introspection query twice (Apollo, then the compiled fast path) with input defaults", async () => {
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true });
    const textsBefore = stack.gateway.compiledQueries.texts;
    const first = await post({ query, operationName: "IntrospectionQuery" });
    const textsAfterFirst = stack.gateway.compiledQueries.texts;
    const second = await post({ query, operationName: "IntrospectionQuery" });
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      const schema = (res.body.data as IntrospectionQuery).__schema;
      const textMatch = schema.types.find((t) => t.name === "TextMatchInput");
      expect(textMatch && "inputFields" in textMatch ? textMatch.inputFields.find((f) => f.name === "op")?.defaultValue : "missing").toBe("EQUALS");
    }
    expect(second.body).toEqual(first.body);
    // Apollo's run compiled the text (graphql-jit) and left it to the fast path, which answered the second.
    expect(textsAfterFirst).toBe(textsBefore + 1);
    expect(stack.gateway.compiledQueries.texts).toBe(textsAfterFirst);
  });

  it("introspects the same input default through graphql-js (the interpreted path: mutations, texts graphql-jit cannot compile)", async () => {
    const result = await graphql({ schema: servedSchema, source: getIntrospectionQuery({ inputValueDeprecation: true }) });
    expect(result.errors).toBeUndefined();
    const textMatch = (result.data as unknown as IntrospectionQuery).__schema.types.find((t) => t.name === "TextMatchInput");
    expect(textMatch && "inputFields" in textMatch ? textMatch.inputFields.find((f) => f.name === "op")?.defaultValue : "missing").toBe("EQUALS");
  });

  it("applies an enum input default as its value: an omitted `op` is EQUALS and finds the list by name", async () => {
    const query = `query Lists($companyId: ID!) { concurLists(companyId: $companyId, filter: { name: { value: "Cost Centers" } }) { id } }`;
    for (let i = 0; i < 2; i++) {
      const res = await post({ query, variables: { companyId: DEMO_LISTS.companyId } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.concurLists).toEqual([{ id: DEMO_LISTS.costCenters }]);
    }
  });
});
