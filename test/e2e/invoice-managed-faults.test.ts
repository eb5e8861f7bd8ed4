// Invoice vendors in managed mode (the company's stored token, the gateway's role and company checks before any
// upstream call, each company's data at its own data center) and under the emulator's faults on demand (429 with
// Retry-After waited out; a 500 on a create never repeated; a 500 on an update retried).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const LIST = `query L($c: ID!) { invoiceVendors(companyId: $c, first: 10) { totalCount edges { node { vendorCode } } } }`;
const CREATE = `mutation C($c: ID!, $v: ConcurInvoiceVendorInput!) { createInvoiceVendor(companyId: $c, vendor: $v) { succeeded statuses { type message } } }`;
const UPDATE = `mutation U($c: ID!, $v: ConcurInvoiceVendorInput!) { updateInvoiceVendor(companyId: $c, vendor: $v) { succeeded } }`;
const vendor = (code: string, name = code) => ({ vendorCode: code, addressCode: "REMIT", name, countryCode: "US", currencyCode: "USD" });
const codeOf = (res: { errors?: any[] }) => res.errors?.[0]?.extensions?.code;
const GET = "GET /api/v3.1/invoice/vendors";
const POST = "POST /api/v3.1/invoice/vendors";
const PUT = "PUT /api/v3.1/invoice/vendors";

describe("Invoice vendors in managed mode", () => {
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

  it("writes and reads with each company's stored token; refuses a read key's write and another company's key before any call", async () => {
    expect((await stack.graphql(CREATE, { c: stack.companyId, v: vendor("MA-1") }, writeA)).data.createInvoiceVendor.succeeded).toBe(true);
    expect((await stack.graphql(CREATE, { c: stack.secondCompanyId, v: vendor("MB-1") }, writeB)).data.createInvoiceVendor.succeeded).toBe(true);
    const a = await stack.graphql(LIST, { c: stack.companyId }, readA);
    expect(a.errors).toBeUndefined();
    expect(a.data.invoiceVendors.edges.map((e: any) => e.node.vendorCode)).toEqual(["MA-1"]);
    const b = await stack.graphql(LIST, { c: stack.secondCompanyId }, writeB);
    expect(b.data.invoiceVendors.edges.map((e: any) => e.node.vendorCode)).toEqual(["MB-1"]);

    await stack.resetCounters();
    expect(codeOf(await stack.graphql(UPDATE, { c: stack.companyId, v: vendor("MA-1", "x") }, readA))).toBe("FORBIDDEN");
    expect(codeOf(await stack.graphql(LIST, { c: stack.companyId }, writeB))).toBe("FORBIDDEN");
    expect(codeOf(await stack.graphql(CREATE, { c: stack.companyId, v: vendor("MB-2") }, writeB))).toBe("FORBIDDEN");
    expect(Object.keys(await stack.counters()).filter((route) => route.includes("/invoice/"))).toEqual([]);
  });
});

describe("Invoice vendor writes under faults", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
  });
  afterAll(async () => {
    await stack?.admin("PUT", "/faults", { rate429: 0, error5xxRate: 0 });
    await stack?.stop();
  });

  it("waits out a 429's Retry-After and sends the update once it is let through", async () => {
    await stack.graphql(CREATE, { c: stack.companyId, v: vendor("F-1") });
    await stack.resetCounters();
    await stack.admin("PUT", "/faults", { rate429: 1 });
    const pending = stack.graphql(UPDATE, { c: stack.companyId, v: vendor("F-1", "after 429") });
    await waitFor(async () => sumCalls(await stack.counters(), PUT, "429") >= 1, 20_000, "a 429 on the PUT");
    await stack.admin("PUT", "/faults", { rate429: 0 });
    const answer = await pending;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.updateInvoiceVendor.succeeded).toBe(true);
    expect(sumCalls(await stack.counters(), PUT, "200")).toBe(1);
  }, 60_000);

  it("a create that fails with a 500 is not sent again (it may have been applied); an update is retried", async () => {
    await stack.resetCounters();
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    const failed = await stack.graphql(CREATE, { c: stack.companyId, v: vendor("F-2") });
    expect(codeOf(failed)).toBe("UPSTREAM_UNAVAILABLE");
    expect(failed.errors?.[0]).toMatchObject({ extensions: { maybeApplied: true }, message: expect.stringMatching(/may have been applied: read the vendor/) });
    expect(sumCalls(await stack.counters(), POST)).toBe(1);

    const pending = stack.graphql(UPDATE, { c: stack.companyId, v: vendor("F-1", "after 500") });
    await waitFor(async () => sumCalls(await stack.counters(), PUT, "500") >= 1, 20_000, "a 500 on the PUT");
    await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    const answer = await pending;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.updateInvoiceVendor.succeeded).toBe(true);
    expect(sumCalls(await stack.counters(), PUT, "200")).toBe(1);
    expect(sumCalls(await stack.counters(), GET)).toBe(0);
  }, 60_000);
});
