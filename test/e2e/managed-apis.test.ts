// Managed mode beyond Accounting Integration: the Financial Integration Service and the List API called with the
// company's stored token (the caller sends the gateway's API key), with the gateway's own role and company checks
// before any upstream call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LISTS, FIS_ROUTES } from "../../src/emulator/index.js";
import { createApiKey, startStack, sumCalls, type Stack } from "../helpers/stack.js";

const WALK = `query Walk($companyId: ID!) { financialDocuments(companyId: $companyId, docType: EXPENSE, first: 40) { edges { node { id status } } } }`;
const ACKNOWLEDGE = `mutation Ack($companyId: ID!, $ids: [ID!]!) { acknowledgeFinancialDocuments(companyId: $companyId, docType: EXPENSE, ids: $ids) { docId status final } }`;
const LIST = `query List($c: ID!, $l: ID!) { concurList(companyId: $c, listId: $l) { name levelCount } }`;

const codeOf = (res: { errors?: any[] }) => res.errors?.[0]?.extensions?.code;

describe("managed mode: FIS and lists with the gateway's API keys", () => {
  let stack: Stack;
  let readA: string;
  let writeA: string;
  let writeB: string;
  beforeAll(async () => {
    stack = await startStack({ managed: {} });
    readA = await createApiKey(stack, "read", [stack.companyId]);
    writeA = await createApiKey(stack, "write", [stack.companyId]);
    writeB = await createApiKey(stack, "write", [stack.secondCompanyId]);
  });
  afterAll(() => stack?.stop());

  it("reads and acknowledges financial documents with the company's token; a read key cannot acknowledge, another company's key cannot read", async () => {
    const walk = await stack.graphql(WALK, { companyId: stack.companyId }, readA);
    expect(walk.errors).toBeUndefined();
    const ids: string[] = walk.data.financialDocuments.edges.map((e: any) => e.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(1);

    await stack.resetCounters();
    const refused = await stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, ids: [ids[0]] }, readA);
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expect(codeOf(await stack.graphql(WALK, { companyId: stack.companyId }, writeB))).toBe("FORBIDDEN");
    // Refused by the gateway itself, before any upstream call.
    const counters = await stack.counters();
    expect(sumCalls(counters, `POST ${FIS_ROUTES.acknowledgements}`) + sumCalls(counters, `GET ${FIS_ROUTES.transactions}`)).toBe(0);

    const acknowledged = await stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, ids: [ids[0]] }, writeA);
    expect(acknowledged.errors).toBeUndefined();
    expect(acknowledged.data.acknowledgeFinancialDocuments).toEqual([expect.objectContaining({ docId: ids[0] })]);
  });

  it("reads a Concur list with the company's token, and refuses a key of another company", async () => {
    const list = await stack.graphql(LIST, { c: stack.companyId, l: DEMO_LISTS.costCenters }, readA);
    expect(list.errors).toBeUndefined();
    expect(list.data.concurList).toMatchObject({ name: "Cost Centers", levelCount: 3 });
    expect(codeOf(await stack.graphql(LIST, { c: stack.companyId, l: DEMO_LISTS.costCenters }, writeB))).toBe("FORBIDDEN");
  });
});
