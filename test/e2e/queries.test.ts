// Queries end to end: typed operations (test/operations -> test/generated) over real HTTP against the gateway
// in front of the Concur emulator. Upstream call counts come from the emulator's counters.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPE_READ } from "../../src/emulator/index.js";
import {
  AccountsPageDocument,
  ErpIntegrationsDocument,
  ErpRequestStatusDocument,
  ListNamesPageDocument,
  MappingsDocument,
  RequestErrorsDocument,
  TaxDataPageDocument,
  VendorsPageDocument,
} from "../generated/graphql.js";
import { waitForFinalStatus } from "../helpers/requests.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";

const API = "/accountingintegration/v4";
const ERP_ROUTE = "GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}";

interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown> & { code?: string };
}
interface GqlResult<R> {
  data?: R | null;
  errors?: GqlError[];
}

describe("queries over HTTP (typed operations)", () => {
  let stack: Stack;

  /** Runs a generated document; the result is typed by the document. `token: null` sends no Authorization. */
  async function run<R, V>(document: TypedDocumentNode<R, V>, variables: V, token?: string | null): Promise<GqlResult<R>> {
    return stack.graphql<R>(print(document), variables as Record<string, unknown>, token);
  }

  /** The raw HTTP answer, for "nothing leaks" checks on the exact bytes sent to the client. */
  async function runRaw<V>(document: TypedDocumentNode<unknown, V>, variables: V, token: string): Promise<string> {
    const res = await request(stack.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return res.body.text();
  }

  /** Ids of every upstream page of a list, walked directly on the emulator (counted there too: call before reading counters). */
  async function upstreamPages(segment: string, token = stack.token, key: (r: any) => string = (r) => r.id): Promise<string[][]> {
    const pages: string[][] = [];
    let href: string | undefined = `${API}/companies/${stack.companyId}/erps/${stack.erpId}/${segment}`;
    while (href) {
      const res = await request(new URL(href, stack.emulator.url), { headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      const page = (await res.body.json()) as { data: unknown[]; links?: { next?: { href: string } } };
      pages.push(page.data.map(key));
      href = page.links?.next?.href;
    }
    return pages;
  }

  /** Upstream pages a walk of `count` items starting at item `start` has to read. */
  function pagesSpanned(pages: string[][], start: number, count: number): number {
    let seen = 0;
    let touched = 0;
    for (const page of pages) {
      const end = seen + page.length;
      if (end > start && seen < start + count) touched++;
      seen = end;
    }
    return touched;
  }

  const vars = (extra: { first?: number; after?: string | null } = {}) => ({ companyId: stack.companyId, erpId: stack.erpId, ...extra });
  /** A fresh demo-company token: its own cache identity, so its first reads go upstream. */
  const freshToken = (scopes?: string[]) => stack.emulator.issueToken(stack.companyId, scopes);

  function expectNoLeak(body: string): void {
    expect(body).not.toMatch(/stack/i);
    expect(body).not.toContain("ErrorMessage");
    expect(body).not.toContain("httpStatus"); // a field of Concur's ErrorMessage body
    expect(body).not.toContain("injected fault"); // the emulator's upstream error text
    expect(body).not.toMatch(/\n\s+at /);
  }

  beforeAll(async () => {
    // Small upstream pages (~20 kB) so 5,000 accounts span many pages that do not line up with first=100.
    stack = await startStack({ emulator: { pageBytes: 20_000, processingDelayMs: 10 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("walks all 5,000 demo accounts with first: 100: each exactly once, in upstream order, each upstream page fetched once", async () => {
    await stack.resetCounters();
    const ids: string[] = [];
    const cursors = new Set<string>();
    let after: string | null = null;
    let queries = 0;
    for (;;) {
      const result: GqlResult<import("../generated/graphql.js").AccountsPageQuery> = await run(AccountsPageDocument, vars({ first: 100, after }));
      expect(result.errors).toBeUndefined();
      const conn = result.data!.erpIntegration.accounts;
      queries++;
      expect(conn.edges.length).toBeLessThanOrEqual(100);
      for (const edge of conn.edges) ids.push(edge.node.id);
      // Forward-only paging: Relay lets hasPreviousPage stay false with first/after, and this gateway does.
      if (after === null) expect(conn.pageInfo.hasPreviousPage).toBe(false);
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(100);
      after = conn.pageInfo.endCursor;
      expect(after).toBe(conn.edges.at(-1)!.cursor);
      expect(cursors.has(after!)).toBe(false);
      cursors.add(after!);
      if (queries > 200) throw new Error("runaway walk");
    }
    const gatewayPageGets = sumCalls(await stack.counters(), ROUTES.accounts);

    const pages = await upstreamPages("accounts");
    expect(ids).toHaveLength(5_000);
    expect(new Set(ids).size).toBe(5_000);
    expect(ids).toEqual(pages.flat());
    expect(queries).toBe(50);
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.some((p) => p.length % 100 !== 0)).toBe(true); // pages do not line up with first=100
    expect(gatewayPageGets).toBe(pages.length);
    console.info(`[e2e queries] 5,000 accounts: ${queries} queries of first=100, ${pages.length} upstream pages, ${gatewayPageGets} upstream page GETs`);
  });

  it("first larger than an upstream page reads exactly the pages it needs; continuing reads only the pages after the cursor", async () => {
    const pages = await upstreamPages("accounts");
    const all = pages.flat();
    const perPage = pages[0].length;
    const big = perPage * 2 + 17; // spans three upstream pages
    expect(big).toBeLessThanOrEqual(1000);

    const token = freshToken();
    await stack.resetCounters();
    const first = await run(AccountsPageDocument, vars({ first: big }), token);
    expect(first.errors).toBeUndefined();
    const conn = first.data!.erpIntegration.accounts;
    expect(conn.edges.map((e) => e.node.id)).toEqual(all.slice(0, big));
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(pagesSpanned(pages, 0, big));

    // Another caller (own, empty cache) continues from the cursor: the walked pages are never re-read.
    const other = freshToken();
    await stack.resetCounters();
    const next = await run(AccountsPageDocument, vars({ first: big, after: conn.pageInfo.endCursor }), other);
    expect(next.errors).toBeUndefined();
    expect(next.data!.erpIntegration.accounts.edges.map((e) => e.node.id)).toEqual(all.slice(big, 2 * big));
    expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(pagesSpanned(pages, big, big));
  });

  it("first smaller than an upstream page: one page read, later slices of it served from the cache", async () => {
    const pages = await upstreamPages("accounts");
    const token = freshToken();
    await stack.resetCounters();
    const a = await run(AccountsPageDocument, vars({ first: 7 }), token);
    const b = await run(AccountsPageDocument, vars({ first: 7, after: a.data!.erpIntegration.accounts.pageInfo.endCursor }), token);
    expect(a.data!.erpIntegration.accounts.edges.map((e) => e.node.id)).toEqual(pages[0].slice(0, 7));
    expect(b.data!.erpIntegration.accounts.edges.map((e) => e.node.id)).toEqual(pages[0].slice(7, 14));
    expect(b.data!.erpIntegration.accounts.pageInfo.startCursor).toBe(b.data!.erpIntegration.accounts.edges[0].cursor);
    expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(1);
  });

  it.each([0, -1, 1001, 5000])("first: %i is BAD_USER_INPUT naming first and the limit", async (first) => {
    const result = await run(AccountsPageDocument, vars({ first }));
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first", limit: 1000 });
    expect(error.message).toContain("first");
    expect(error.message).toContain("1000");
    expectNoLeak(JSON.stringify(result));
  });

  it("malformed cursors and a vendors cursor used on accounts are BAD_USER_INPUT, without a crash or a stack", async () => {
    const vendors = await run(VendorsPageDocument, vars({ first: 3 }));
    const vendorCursor = vendors.data!.erpIntegration.vendors.pageInfo.endCursor!;
    const accountCursor = (await run(AccountsPageDocument, vars({ first: 3 }))).data!.erpIntegration.accounts.pageInfo.endCursor!;
    const forged = Buffer.from(JSON.stringify({ v: 1, k: `accounts|${stack.companyId}|${stack.erpId}`, p: "https://evil.example/x", o: 0 })).toString("base64url");
    const bad = ["not a cursor", "!!!", "", "eyJ2IjoxfQ", Buffer.from("[1,2]").toString("base64url"), "A".repeat(5000), forged, accountCursor.slice(0, -3)];
    for (const after of [...bad, vendorCursor]) {
      const body = await runRaw(AccountsPageDocument, vars({ first: 5, after }), stack.token);
      const result = JSON.parse(body) as GqlResult<unknown>;
      expect(result.data, `after=${after.slice(0, 40)}`).toBeNull();
      expect(result.errors?.[0]?.extensions, `after=${after.slice(0, 40)}`).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
      expectNoLeak(body);
    }
    const foreign = await run(AccountsPageDocument, vars({ first: 5, after: vendorCursor }));
    expect(foreign.errors![0].message).toMatch(/another list/);
    // The gateway is still fine afterwards.
    expect((await run(AccountsPageDocument, vars({ first: 2, after: accountCursor }))).data!.erpIntegration.accounts.edges).toHaveLength(2);
  });

  it("GET /graphql?query=… answers queries (and refuses mutations)", async () => {
    const query = `{ erpIntegration(companyId: "${stack.companyId}", erpId: "${stack.erpId}") { erpName } }`;
    const headers = { authorization: `Bearer ${stack.token}`, accept: "application/json", "apollo-require-preflight": "true" };
    const res = await request(`${stack.gateway.url}?query=${encodeURIComponent(query)}`, { headers });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ data: { erpIntegration: { erpName: "Emulated ERP" } } });
    const mutation = `mutation { deleteAccounts(companyId: "${stack.companyId}", erpId: "${stack.erpId}", ids: ["x"]) { sentIds } }`;
    const refused = await request(`${stack.gateway.url}?query=${encodeURIComponent(mutation)}`, { headers });
    expect(refused.statusCode).toBe(405);
    await refused.body.text();
  });

  it("a read-only token can query", async () => {
    const readOnly = freshToken([SCOPE_READ]);
    const accounts = await run(AccountsPageDocument, vars({ first: 3 }), readOnly);
    expect(accounts.errors).toBeUndefined();
    expect(accounts.data!.erpIntegration.accounts.edges.map((e) => e.node.id)).toEqual(["ACC-00001", "ACC-00002", "ACC-00003"]);
    const mappings = await run(MappingsDocument, vars(), readOnly);
    expect(mappings.errors).toBeUndefined();
    expect(mappings.data!.erpIntegration.mappings.erpId).toBe(stack.erpId);
  });

  it("no token is UNAUTHENTICATED, with no data and no upstream call", async () => {
    await stack.resetCounters();
    const result = await run(AccountsPageDocument, vars({ first: 3 }), null);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.errors![0].message).toMatch(/Authorization: Bearer/);
    expect(await stack.counters()).toEqual({});
  });

  it("a token of another company is FORBIDDEN and gets nothing from what the demo company's callers cached", async () => {
    // The demo company's token reads (and so caches) the first page, the ERP and the mappings.
    const cachedAccounts = await run(AccountsPageDocument, vars({ first: 5 }));
    expect(cachedAccounts.data!.erpIntegration.accounts.edges).toHaveLength(5);
    expect((await run(MappingsDocument, vars())).data!.erpIntegration.mappings).toBeTruthy();
    expect((await run(ErpIntegrationsDocument, { companyId: stack.companyId })).data!.erpIntegrations).toHaveLength(1);

    const { companyId: otherCompany } = await stack.admin("POST", "/companies", {});
    const otherToken = stack.emulator.issueToken(otherCompany);
    const attempts: Array<[string, GqlResult<unknown>]> = [
      ["accounts", await run(AccountsPageDocument, vars({ first: 5 }), otherToken)],
      ["accounts after a cached cursor", await run(AccountsPageDocument, vars({ first: 5, after: cachedAccounts.data!.erpIntegration.accounts.pageInfo.endCursor }), otherToken)],
      ["vendors", await run(VendorsPageDocument, vars({ first: 5 }), otherToken)],
      ["mappings", await run(MappingsDocument, vars(), otherToken)],
      ["erpIntegrations", await run(ErpIntegrationsDocument, { companyId: stack.companyId }, otherToken)],
    ];
    for (const [what, result] of attempts) {
      expect(result.data, what).toBeNull();
      expect(result.errors?.[0]?.extensions?.code, what).toBe("FORBIDDEN");
      const text = JSON.stringify(result);
      expect(text, what).not.toContain("ACC-0000");
      expect(text, what).not.toContain("Emulated ERP");
      expectNoLeak(text);
    }
  });

  it("identical concurrent reads make one upstream call", async () => {
    const token = freshToken();
    await stack.admin("PUT", "/faults", { latencyMs: 150 }); // keep the first load in flight while the others arrive
    try {
      await stack.resetCounters();
      const results = await Promise.all(Array.from({ length: 20 }, () => run(AccountsPageDocument, vars({ first: 10 }), token)));
      for (const result of results) {
        expect(result.errors).toBeUndefined();
        expect(result.data!.erpIntegration.accounts.edges[0].node.id).toBe("ACC-00001");
      }
      const counters = await stack.counters();
      expect(sumCalls(counters, ROUTES.accounts)).toBe(1);
      // Only `accounts` is selected under erpIntegration: the ERP package is not read at all (issue 15, item 1).
      expect(sumCalls(counters, ERP_ROUTE)).toBe(0);
    } finally {
      await stack.admin("PUT", "/faults", { latencyMs: 0 });
    }
  });

  it("vendors: every field, pages in upstream order", async () => {
    const pages = await upstreamPages("vendors");
    const result = await run(VendorsPageDocument, vars({ first: 250 }));
    expect(result.errors).toBeUndefined();
    const edges = result.data!.erpIntegration.vendors.edges;
    expect(edges.map((e) => e.node.id)).toEqual(pages.flat().slice(0, 250));
    const accounting = edges.find((e) => e.node.type === "ACCOUNTING")!.node;
    expect(accounting).toMatchObject({ companyId: stack.companyId, erpId: stack.erpId });
    expect(accounting.companyName).toMatch(/Inc\.$/);
    expect(accounting.address?.city).toBeTruthy();
    const employee = edges.find((e) => e.node.type === "EMPLOYEE")!.node;
    expect(employee.firstName && employee.lastName && employee.email && employee.employeeId).toBeTruthy();
    expect(employee.companyName).toBeNull();
  });

  it("list names: all 50 in two queries", async () => {
    const a = await run(ListNamesPageDocument, vars({ first: 30 }));
    const b = await run(ListNamesPageDocument, vars({ first: 30, after: a.data!.erpIntegration.listNames.pageInfo.endCursor }));
    const ids = [...a.data!.erpIntegration.listNames.edges, ...b.data!.erpIntegration.listNames.edges].map((e) => e.node.id);
    expect(ids).toEqual((await upstreamPages("lists")).flat());
    expect(ids).toHaveLength(50);
    expect(b.data!.erpIntegration.listNames.pageInfo.hasNextPage).toBe(false);
  });

  it("tax data sent straight to the emulator reads back with every nested field", async () => {
    const taxData = [
      {
        countryCode: "DE",
        countryDesc: "Germany",
        stateEntries: [
          {
            stateCode: null,
            stateDesc: null,
            reclaimEntries: [
              {
                reclaimCode: "V19",
                reclaimDesc: "Input tax 19%",
                reclaimDetails: [
                  { taxCode: "VST19", taxRateDesc: "Standard", percentage: 19, validFrom: "2020-01-01", validTo: null },
                  { taxCode: "VST16", taxRateDesc: "Reduced (2020)", percentage: 16, validFrom: "2020-07-01", validTo: "2020-12-31" },
                ],
              },
            ],
          },
        ],
      },
      {
        countryCode: "US",
        countryDesc: "United States",
        stateEntries: [{ stateCode: "WA", stateDesc: "Washington", reclaimEntries: [{ reclaimCode: "WA-S", reclaimDesc: null, reclaimDetails: [{ taxCode: "WA65", taxRateDesc: null, percentage: 6.5, validFrom: "2024-01-01", validTo: null }] }] }],
      },
    ];
    const requestId = await sendToEmulator("POST", "taxData", { data: taxData });
    expect(await waitForFinalStatus(stack, { requestId, token: stack.token })).toBe("SUCCESS");

    const result = await run(TaxDataPageDocument, vars({ first: 10 }));
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.erpIntegration.taxData.edges.map((e) => e.node);
    expect(nodes.map((n) => n.countryCode)).toEqual(["DE", "US"]);
    expect(nodes[0]).toMatchObject({ countryName: "Germany", companyId: stack.companyId, erpId: stack.erpId });
    expect(nodes[0].stateEntries[0].reclaimEntries[0].reclaimDetails).toEqual(taxData[0].stateEntries[0].reclaimEntries[0].reclaimDetails);
    expect(nodes[1].stateEntries[0]).toMatchObject({ stateCode: "WA", stateDesc: "Washington" });
    expect(result.data!.erpIntegration.taxData.pageInfo.hasNextPage).toBe(false);
  });

  it("mappings with every field selected: enums converted, nested lists filled", async () => {
    const result = await run(MappingsDocument, vars());
    expect(result.errors).toBeUndefined();
    const m = result.data!.erpIntegration.mappings;
    expect(m).toMatchObject({ companyId: stack.companyId, erpId: stack.erpId, companyEdition: "PROFESSIONAL" });
    expect(m.ledger).toMatchObject({ code: "EMU-LEDGER", name: "Emulated ERP Ledger" });
    expect(m.ledger!.expenseHierarchy).toEqual([
      { level: 1, formTypeCode: "REPORT", alternateFieldId: "orgUnit1" },
      { level: 2, formTypeCode: "EXPENSE_ENTRY", alternateFieldId: "custom1" },
    ]);
    expect(m.ledger!.invoiceHierarchy).toEqual([{ level: 1, formTypeCode: "LINE_ITEM", alternateFieldId: "custom1" }]);
    expect(m.features.map((f) => f.id)).toEqual(["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"]);
    expect(m.features[0].value).toEqual({});
    const [file] = m.files;
    expect(file.fileId).toBe("DEFAULT");
    expect(file.invoiceLiabilityAccount).toEqual({ id: "ACC-00002", name: "Accounts Payable", number: "2000", type: "ACCOUNTS_PAYABLE" });
    expect(file.billableField).toEqual({ formTypeCode: "EXPENSE_ENTRY", alternateFieldId: "isBillable" });
    expect(file.paymentTypes.map((p) => [p.patKey, p.transactionType, p.postingDate])).toEqual([
      ["CASH", "BILL", "PROCESSORAPPROVAL"],
      ["IBCP", "CREDIT_CARD", "REPORTSUBMIT"],
      ["CBCP", "GENERAL_JOURNAL", "REPORTCREATE"],
    ]);
    expect(file.paymentTypes[1]).toMatchObject({ erpCreditCardAccount: "CC-1000", creditCardVendorId: "V-00001", countryCode: "US", currencyCode: "USD" });
    expect(file.listMappings).toHaveLength(2);
    expect(file.listMappings[0].fieldMappings.length).toBeGreaterThan(0);
    expect(file.listMappings[0].fieldMappings[0].fields.length).toBeGreaterThan(0);
    expect(m.invoicePolicies).toEqual([
      { name: "Standard Invoice", externalId: "INV-STD", isPurchaseOrderPolicy: false },
      { name: "Purchase Order Invoice", externalId: "INV-PO", isPurchaseOrderPolicy: true },
    ]);
  });

  it("request status and its errors connection after a PATCH with bad records sent straight to the emulator (PARTIAL)", async () => {
    // A separate ERP in a separate company, so the demo accounts stay untouched for the other tests.
    const { companyId } = await stack.admin("POST", "/companies", {});
    const erp = await stack.admin("POST", `/companies/${companyId}/register-erp`, {});
    const token = stack.emulator.issueToken(companyId);
    const good = Array.from({ length: 3 }, (_, i) => ({ id: `GOOD-${i}`, name: `Good ${i}`, number: String(100 + i), type: "EXPENSE" }));
    const bad = Array.from({ length: 12 }, (_, i) => ({ id: `BAD-${i}`, name: `Bad ${i}`, type: "NOT_A_TYPE" }));
    const requestId = await sendToEmulator("PATCH", "accounts", { data: [...good, ...bad] }, { companyId, erpId: erp.erpId, token });
    const ids = { companyId, erpId: erp.erpId, requestId };
    expect(await waitForFinalStatus(stack, { ...ids, token })).toBe("PARTIAL");

    const errors: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: GqlResult<import("../generated/graphql.js").RequestErrorsQuery> = await run(RequestErrorsDocument, { ...ids, first: 5, after }, token);
      expect(result.errors).toBeUndefined();
      const req = result.data!.request;
      expect(req).toMatchObject({ ...ids, status: "PARTIAL" });
      for (const { node } of req.errors.edges) {
        expect(node.requestId).toBe(requestId);
        expect(node.objectType).toBe("ACCOUNT");
        expect(node.errorCode).toBeTruthy();
        expect(node.validationErrors.some((v) => v.source === "type")).toBe(true);
        expect(node.record).toMatchObject({ id: JSON.parse(node.values!).id });
        errors.push(JSON.parse(node.values!).id);
      }
      pages++;
      if (!req.errors.pageInfo.hasNextPage) break;
      after = req.errors.pageInfo.endCursor;
      if (pages > 10) throw new Error("runaway walk");
    }
    expect(errors).toEqual(bad.map((b) => b.id));
    expect(pages).toBe(3);

    const viaErp = await run(ErpRequestStatusDocument, ids, token);
    expect(viaErp.data!.erpIntegration.request).toEqual({ requestId, status: "PARTIAL" });
    // The other company's token (the demo one) cannot read this request.
    const foreign = await run(RequestErrorsDocument, { ...ids, first: 5 }, stack.token);
    expect(foreign.data).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("erpIntegrations lists the company's ERP packages with every field", async () => {
    const result = await run(ErpIntegrationsDocument, { companyId: stack.companyId });
    expect(result.errors).toBeUndefined();
    expect(result.data!.erpIntegrations).toEqual([
      {
        companyId: stack.companyId,
        erpId: stack.erpId,
        erpName: "Emulated ERP",
        externalErpId: "demo-erp-0001",
        partnerAppName: "Concur Graph Demo",
        features: ["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"],
        postingOptions: [
          {
            postingCode: "JOURNAL",
            postingName: "Journal Entry",
            availableForOutOfPocketExpenses: true,
            configurationFields: [
              { configurationFieldType: "ERP_LIABILITY_ACCOUNT", isRequired: true },
              { configurationFieldType: "POSTING_DATE", isRequired: false },
            ],
          },
          { postingCode: "BILL", postingName: "Vendor Bill", availableForOutOfPocketExpenses: false, configurationFields: [] },
        ],
      },
    ]);
  });

  it("upstream 5xx is UPSTREAM_UNAVAILABLE with a correlationId, and no upstream body or stack reaches the client", async () => {
    const token = freshToken(); // own cache identity: the read must go upstream
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    try {
      const body = await runRaw(AccountsPageDocument, vars({ first: 5 }), token);
      const result = JSON.parse(body) as GqlResult<unknown>;
      expect(result.data).toBeNull();
      const [error] = result.errors!;
      expect(error.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", upstreamStatus: 500 });
      expect(error.extensions!.correlationId).toEqual(expect.any(String));
      expect((error.extensions!.correlationId as string).length).toBeGreaterThan(0);
      expectNoLeak(body);
      expect(body).not.toContain("FaultInjected");
    } finally {
      await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    }
    // Errors are not cached: the same caller reads fine once Concur is back.
    expect((await run(AccountsPageDocument, vars({ first: 5 }), token)).data!.erpIntegration.accounts.edges).toHaveLength(5);
  });

  /** Sends a data write straight to the emulator (not through the gateway); returns the request id. */
  async function sendToEmulator(
    method: "PATCH" | "POST",
    segment: string,
    body: unknown,
    target: { companyId: string; erpId: string; token: string } = { companyId: stack.companyId, erpId: stack.erpId, token: stack.token },
  ): Promise<string> {
    const res = await request(`${stack.emulator.url}${API}/companies/${target.companyId}/erps/${target.erpId}/${segment}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.body.json()) as { requestId: string };
    expect(res.statusCode).toBe(202);
    return answer.requestId;
  }

  describe("one upstream round trip where one is enough (cache off)", () => {
    let uncached: Stack;
    beforeAll(async () => {
      uncached = await startStack({ env: { CACHE_TTL_SECONDS: "0" }, webhooks: false });
    });
    afterAll(() => uncached.stop());

    it("an accounts query that selects no ERP field makes exactly one GET, the list's own", async () => {
      await uncached.resetCounters();
      const res = await uncached.graphql(AccountsPageDocument, { companyId: uncached.companyId, erpId: uncached.erpId, first: 5 });
      expect(res.errors).toBeUndefined();
      const counters = await uncached.counters();
      expect(sumCalls(counters, ROUTES.accounts)).toBe(1);
      expect(sumCalls(counters, ERP_ROUTE)).toBe(0);
      expect(Object.values(counters).flatMap((byStatus) => Object.values(byStatus)).reduce((a, b) => a + b, 0)).toBe(1);
    });

    it("every cursor of the demo data is at most 100 characters", async () => {
      let after: string | null = null;
      let longest = 0;
      for (let i = 0; i < 3; i++) {
        const res: GqlResult<import("../generated/graphql.js").AccountsPageQuery> = await uncached.graphql(AccountsPageDocument, { companyId: uncached.companyId, erpId: uncached.erpId, first: 1000, after });
        expect(res.errors).toBeUndefined();
        const accounts = res.data!.erpIntegration.accounts;
        for (const edge of accounts.edges) longest = Math.max(longest, edge.cursor.length);
        after = accounts.pageInfo.endCursor;
      }
      expect(longest).toBeGreaterThan(0);
      expect(longest).toBeLessThanOrEqual(100);
    });

    it("selecting an ERP field reads the package too (both in parallel); an unknown ERP is still NOT_FOUND through the list's own answer", async () => {
      await uncached.resetCounters();
      const both = await uncached.graphql(`query Q($c: ID!, $e: ID!) { erpIntegration(companyId: $c, erpId: $e) { erpName accounts(first: 1) { edges { node { id } } } } }`, { c: uncached.companyId, e: uncached.erpId });
      expect(both.errors).toBeUndefined();
      const counters = await uncached.counters();
      expect(sumCalls(counters, ERP_ROUTE)).toBe(1);
      expect(sumCalls(counters, ROUTES.accounts)).toBe(1);
      const missing = await uncached.graphql(AccountsPageDocument, { companyId: uncached.companyId, erpId: "00000000-0000-4000-8000-000000000000", first: 5 });
      expect(missing.data).toBeNull();
      expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    });
  });
});
