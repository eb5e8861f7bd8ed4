// The v3 Invoice APIs answer an expired or invalid token with 403, not 401 (invoice-vendors-v3.md §1 [HTTP]). In
// managed mode the gateway renews the company's stored token once on such a 403 and sends the call again (single-flight
// per company, as on a 401); a 403 on the renewed token is the FORBIDDEN answer, after one token call, and that token
// is not renewed again. In passthrough mode the caller's 403 is answered as it is. GraphQL over HTTP, emulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { ROUTES, startStack, sumCalls, tokenCalls, type Stack } from "../helpers/stack.js";

/** Past the access token's hour on the emulator clock: Concur considers the stored token expired, the gateway does not. */
const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;
const LIST = `query L($c: ID!, $first: Int) { invoiceVendors(companyId: $c, first: $first) { edges { node { vendorCode } } } }`;
const CREATE = `mutation C($c: ID!, $v: ConcurInvoiceVendorInput!) { createInvoiceVendor(companyId: $c, vendor: $v) { succeeded } }`;
const PO = `query P($c: ID!, $n: String!) { invoicePurchaseOrder(companyId: $c, number: $n) { number } }`;
const GET = "GET /api/v3.1/invoice/vendors";
const POST = "POST /api/v3.1/invoice/vendors";
const GET_PO = "GET /api/v3.0/invoice/purchaseorders/{id}";
const vendor = (code: string) => ({ vendorCode: code, addressCode: "REMIT", name: code, countryCode: "US", currencyCode: "USD" });
const codesOf = (res: { errors?: any[] }) => (res.errors ?? []).map((e) => e.extensions?.code);
const A = DEMO.companyId;

describe("managed mode: an expired token answered 403 by Invoice v3", () => {
  let stack: Stack;
  const list = (first = 10) => stack.graphql(LIST, { c: A, first });

  beforeAll(async () => {
    stack = await startStack({ managed: {}, env: { CACHE_TTL_SECONDS: "0" } });
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
    await stack.admin("POST", `/invoice/companies/${A}/vendors`, { Vendor: [{ VendorCode: "EXP-0", AddressCode: "REMIT", VendorName: "Expiry", CountryCode: "US", CurrencyCode: "USD" }] });
    expect((await list()).errors).toBeUndefined(); // the stored token is in use
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a read, a write and a purchase-order read each renew the token once and succeed; the caller sees no error", async () => {
    for (const [name, send, route] of [
      ["vendor read", () => list(), GET],
      ["vendor create", () => stack.graphql(CREATE, { c: A, v: vendor("EXP-1") }), POST],
      ["purchase order read", () => stack.graphql(PO, { c: A, n: "PO-NONE" }), GET_PO],
    ] as const) {
      await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
      await stack.resetCounters();
      const answer = await send();
      expect(answer.errors, name).toBeUndefined();
      const counters = await stack.counters();
      expect(counters[ROUTES.token], name).toEqual({ "200": 1 });
      expect(sumCalls(counters, route, "403"), name).toBe(1);
      expect(sumCalls(counters, route) - 1, name).toBe(1); // the one call again, answered with the renewed token
    }
    expect((await list()).data.invoiceVendors.edges.map((e: any) => e.node.vendorCode).sort()).toEqual(["EXP-0", "EXP-1"]);
  });

  it("40 concurrent calls on an expired token (vendor reads and purchase-order reads): exactly one token call", async () => {
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();
    // Concur slow to answer: 403s keep arriving after the renewal is done.
    await stack.admin("PUT", "/faults", { latencyMs: 100 });
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? stack.graphql(PO, { c: A, n: `PO-${i}` }) : list(i + 1))),
      );
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    } finally {
      await stack.admin("PUT", "/faults", { latencyMs: 0 });
    }
    const counters = await stack.counters();
    expect(counters[ROUTES.token]).toEqual({ "200": 1 });
    expect(sumCalls(counters, GET, "403") + sumCalls(counters, GET_PO, "403")).toBeGreaterThan(1);
    expect(sumCalls(counters, GET, "200") + sumCalls(counters, GET_PO, "404")).toBe(40);
  });

  it("a company that has not granted Invoice: FORBIDDEN after exactly one renewal; later calls on that token make no token call", async () => {
    await stack.admin("PUT", `/invoice/companies/${A}/grant`, { granted: false });
    try {
      await stack.resetCounters();
      const first = await list();
      expect(codesOf(first)).toEqual(["FORBIDDEN"]);
      expect(first.errors![0].message).toMatch(/scope INVVEN missing or Concur Invoice not licensed/);
      let counters = await stack.counters();
      expect(counters[ROUTES.token]).toEqual({ "200": 1 });
      expect(counters[GET]).toEqual({ "403": 2 });

      // The renewed token was refused with 403 too: no expiry, so neither later calls nor a burst renew it again.
      const later = await Promise.all([list(2), list(3), stack.graphql(CREATE, { c: A, v: vendor("EXP-X") }), ...Array.from({ length: 10 }, (_, i) => list(4 + i))]);
      for (const answer of later) expect(codesOf(answer)).toEqual(["FORBIDDEN"]);
      counters = await stack.counters();
      expect(await tokenCalls(stack)).toBe(1);
      expect(sumCalls(counters, GET, "403")).toBe(2 + 12);
      expect(sumCalls(counters, POST, "403")).toBe(1);
    } finally {
      await stack.admin("PUT", `/invoice/companies/${A}/grant`, { granted: true });
    }
    // Granted again: the same token works at once.
    await stack.resetCounters();
    expect((await list()).errors).toBeUndefined();
    expect(await tokenCalls(stack)).toBe(0);
  });
});

describe("passthrough mode: the caller's own token answered 403 by Invoice v3", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.admin("PUT", `/invoice/companies/${stack.companyId}/grant`, { granted: true });
    await stack?.stop();
  });

  it("is FORBIDDEN at once: one upstream call, no token call", async () => {
    await stack.admin("PUT", `/invoice/companies/${stack.companyId}/grant`, { granted: false });
    await stack.resetCounters();
    const answer = await stack.graphql(LIST, { c: stack.companyId, first: 5 });
    expect(codesOf(answer)).toEqual(["FORBIDDEN"]);
    const counters = await stack.counters();
    expect(counters[GET]).toEqual({ "403": 1 });
    expect(await tokenCalls(stack)).toBe(0);
  });
});
