// Invoice vendors end to end: GraphQL over HTTP against a gateway in front of the emulator's Vendor v3.1 API. Upstream
// call counts come from the emulator's own counters; the stored vendors from its admin dump.
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";

const GET = "GET /api/v3.1/invoice/vendors";
const PUT = "PUT /api/v3.1/invoice/vendors";
const POST = "POST /api/v3.1/invoice/vendors";

const WALK = `query Walk($c: ID!, $after: String, $first: Int) {
  invoiceVendors(companyId: $c, filter: { vendorCode: "W", match: BEGINS }, sortBy: "VendorCode", first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { vendorCode addressCode name countryCode approved paymentMethodType } }
  }
}`;
const UPDATE = `mutation Update($c: ID!, $v: ConcurInvoiceVendorInput!) {
  updateInvoiceVendor(companyId: $c, vendor: $v) { vendorCode addressCode succeeded batchSize statuses { type code message field } }
}`;
const CREATE = `mutation Create($c: ID!, $v: ConcurInvoiceVendorInput!) {
  createInvoiceVendor(companyId: $c, vendor: $v) { succeeded statuses { type message field } vendor { vendorCode name state countryCode currencyCode paymentTerms discountPercentage approved customFields { number value } banks { accountNumber accountType active } groups } }
}`;

describe("Invoice vendors over HTTP", () => {
  let stack: Stack;
  const dump = async () => (await stack.admin("GET", `/invoice/companies/${stack.companyId}/vendors`)).vendors as Array<Record<string, string>>;
  /**
   * Sends the mutations at once. The client shares this process with the gateway: its keep-alive sockets are opened and
   * the bodies serialised first, so the burst leaves together (a client that is itself slow to send spreads arrivals,
   * which no batching rule can see; see batching-load.test.ts).
   */
  const burst = async (variables: Array<Record<string, unknown>>): Promise<any[]> => {
    const pool = new Pool(stack.gateway.origin, { connections: variables.length, pipelining: 1 });
    try {
      await Promise.all(variables.map(() => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.text())));
      const bodies = variables.map((v) => JSON.stringify({ query: UPDATE, variables: v }));
      return await Promise.all(
        bodies.map((body) =>
          pool.request({ method: "POST", path: "/graphql", headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` }, body }).then((r) => r.body.json()),
        ),
      );
    } finally {
      await pool.close();
    }
  };

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" } });
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { generate: { count: 2000, prefix: "W" } });
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { generate: { count: 500, prefix: "U" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("walks 2,000 vendors with first: 7: each vendor once, each upstream page read once", async () => {
    await stack.resetCounters();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const answer: any = await stack.graphql(WALK, { c: stack.companyId, after, first: 7 });
      expect(answer.errors).toBeUndefined();
      const page = answer.data.invoiceVendors;
      expect(page.totalCount).toBe(2000);
      seen.push(...page.edges.map((e: any) => e.node.vendorCode));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(2000);
    expect(new Set(seen).size).toBe(2000);
    expect(seen[0]).toBe("W00001");
    expect(seen.at(-1)).toBe("W02000");
    expect(pages).toBe(Math.ceil(2000 / 7));
    // One upstream GET per GraphQL page: no page read twice, none read ahead.
    expect(sumCalls(await stack.counters(), GET)).toBe(pages);
  });

  it("coalesces 500 concurrent updates into one PUT; each caller gets its own record's outcome, a refused one with its field", async () => {
    await stack.resetCounters();
    const codes = Array.from({ length: 500 }, (_, i) => `U${String(i + 1).padStart(5, "0")}`);
    const answers = await burst(
      codes.map((code, i) => ({
        c: stack.companyId,
        // One record the emulator refuses: a vendor moved to an embargoed region.
        v: i === 123 ? { vendorCode: code, addressCode: "REMIT", countryCode: "UA", currencyCode: "UAH", state: "Crimea" } : { vendorCode: code, addressCode: "REMIT", countryCode: "us", currencyCode: "usd", name: `Renamed ${code}`, paymentTerms: 45 },
      })),
    );
    const counters = await stack.counters();
    expect(sumCalls(counters, PUT)).toBe(1);
    answers.forEach((answer, i) => {
      expect(answer.errors).toBeUndefined();
      const result = answer.data.updateInvoiceVendor;
      expect(result.vendorCode).toBe(codes[i]);
      expect(result.batchSize).toBe(500);
      if (i === 123) {
        expect(result.succeeded).toBe(false);
        expect(result.statuses[0]).toMatchObject({ type: "ERROR", field: "state", message: expect.stringMatching(/embargo/) });
      } else {
        expect(result.succeeded).toBe(true);
        expect(result.statuses[0].type).toBe("SUCCESS");
      }
    });
    const stored = new Map((await dump()).map((v) => [v.VendorCode, v]));
    expect(stored.get("U00001")).toMatchObject({ VendorName: "Renamed U00001", PaymentTerms: "45", CountryCode: "US", CurrencyCode: "USD" });
    expect(stored.get(codes[123])).toMatchObject({ CountryCode: "US", State: "WA" });
  });

  it("refuses bad input before any call, naming the field, the limit and the value", async () => {
    await stack.resetCounters();
    const tooLong = await stack.graphql(UPDATE, { c: stack.companyId, v: { vendorCode: "X".repeat(33), addressCode: "A", countryCode: "US", currencyCode: "USD" } });
    expect(tooLong.errors![0].extensions.code).toBe("BAD_USER_INPUT");
    expect(tooLong.errors![0].message).toMatch(/vendor\.vendorCode: at most 32 characters/);
    const noState = await stack.graphql(UPDATE, { c: stack.companyId, v: { vendorCode: "X", addressCode: "A", countryCode: "UA", currencyCode: "UAH" } });
    expect(noState.errors![0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "vendor.state" } });
    const badCountry = await stack.graphql(UPDATE, { c: stack.companyId, v: { vendorCode: "X", addressCode: "A", countryCode: "USA", currencyCode: "USD" } });
    expect(badCountry.errors![0].message).toMatch(/vendor\.countryCode: must be 2 upper-case letters.*"USA"/);
    const missing = await stack.graphql(UPDATE, { c: stack.companyId, v: { vendorCode: "X", addressCode: "A", countryCode: "US" } });
    expect(missing.errors![0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(Object.keys(await stack.counters()).filter((route) => route.includes("/invoice/"))).toEqual([]);
  });

  it("creates a vendor with custom fields, a bank account and a group, and reads it back in canonical forms", async () => {
    const created = await stack.graphql(CREATE, {
      c: stack.companyId,
      v: { vendorCode: "ACME", addressCode: "REMIT1", name: "Acme Paints", countryCode: "US", currencyCode: "USD", state: "WA", paymentTerms: 30, discountPercentage: "2.50000000", approved: true, customFields: [{ number: 3, value: "NORTH" }] },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createInvoiceVendor.succeeded).toBe(true);
    const bank = await stack.graphql(`mutation { setInvoiceVendorBank(companyId: "${stack.companyId}", bank: { vendorCode: "ACME", accountNumber: "123456789", routingNumber: "021000021", accountType: CHECKING, nameOnAccount: "Acme Paints", active: true }) { succeeded } }`);
    expect(bank.data.setInvoiceVendorBank.succeeded).toBe(true);
    const group = await stack.graphql(`mutation { addInvoiceVendorGroups(companyId: "${stack.companyId}", vendorCode: "ACME", addressCode: "REMIT1", groups: ["Facilities"]) { succeeded } }`);
    expect(group.data.addInvoiceVendorGroups.succeeded).toBe(true);
    const again = await stack.graphql(CREATE, { c: stack.companyId, v: { vendorCode: "acme", addressCode: "remit1", countryCode: "US", currencyCode: "USD" } });
    expect(again.data.createInvoiceVendor).toMatchObject({ succeeded: false, statuses: [{ type: "ERROR", field: "vendorCode" }], vendor: {
      vendorCode: "ACME", name: "Acme Paints", paymentTerms: 30, discountPercentage: "2.50000000", approved: true, customFields: [{ number: 3, value: "NORTH" }],
      banks: [{ accountNumber: "XXXXX6789", accountType: "CHECKING", active: true }], groups: ["Facilities"],
    } });
    const removed = await stack.graphql(`mutation { deleteInvoiceVendor(companyId: "${stack.companyId}", vendorCode: "ACME", addressCode: "REMIT1") { succeeded vendor { vendorCode } } }`);
    expect(removed.data.deleteInvoiceVendor).toEqual({ succeeded: true, vendor: null });
    expect(sumCalls(await stack.counters(), POST)).toBeGreaterThanOrEqual(2);
  });

  it("passthrough: a caller token without INVVEN is refused by Concur and told which scope (and licence) it needs", async () => {
    // company.read lets the gateway's passthrough check learn the token's company (Profile v1) before any data call.
    const token = stack.emulator.issueToken(stack.companyId, ["company.read", "INVPO"]);
    const answer = await stack.graphql(WALK, { c: stack.companyId, after: null, first: 5 }, token);
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN", upstreamStatus: 403 } });
    expect(answer.errors?.[0].message).toMatch(/scope INVVEN missing or Concur Invoice not licensed/);
  });

  // Last: the smaller call size learnt here stays for this company.
  it("a 400 that names the request limit halves the call size and resends (a 400 applied nothing): every caller still gets its outcome", async () => {
    await stack.admin("PUT", "/config", { invoiceVendorsPerCall: 300 });
    await stack.resetCounters();
    const codes = Array.from({ length: 500 }, (_, i) => `U${String(i + 1).padStart(5, "0")}`);
    const answers = await burst(codes.map((code) => ({ c: stack.companyId, v: { vendorCode: code, addressCode: "REMIT", countryCode: "US", currencyCode: "USD", name: `Halved ${code}` } })));
    const counters = await stack.counters();
    expect(sumCalls(counters, PUT, "400")).toBe(1);
    expect(sumCalls(counters, PUT, "200")).toBe(2);
    for (const answer of answers) expect(answer.data.updateInvoiceVendor).toMatchObject({ succeeded: true, batchSize: 250 });
    expect((await dump()).filter((v) => v.VendorName?.startsWith("Halved "))).toHaveLength(500);
    await stack.admin("PUT", "/config", { invoiceVendorsPerCall: 1000 });
  });
});
