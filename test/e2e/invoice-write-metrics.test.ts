// Invoice writes in the write-batch metrics and traces, through real HTTP: concurrent vendor creates that share one
// POST are one batch (writer "invoice", target "vendors.create") in /metrics, with each write's queue wait and the
// call's pacing wait; a purchase order is a batch of one; the batch span links every caller. No ids in the labels.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool, request } from "undici";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const CREATE = `mutation Create($c: ID!, $v: ConcurInvoiceVendorInput!) { createInvoiceVendor(companyId: $c, vendor: $v) { succeeded batchSize } }`;
const SAVE_PO = `mutation Save($c: ID!, $o: ConcurPurchaseOrderInput!) { saveInvoicePurchaseOrder(companyId: $c, order: $o) { purchaseOrderNumber created } }`;
const vendor = (code: string) => ({ vendorCode: code, addressCode: "REMIT", name: `Metrics ${code}`, countryCode: "US", currencyCode: "USD" });
const address = (id: string) => ({ externalId: id, address1: "1 Main St", city: "Bellevue", stateProvince: "WA", postalCode: "98004", countryCode: "US" });
const purchaseOrder = {
  number: "PO-MET-1", name: "Metrics", currencyCode: "USD", orderDate: "2026-01-15", policyExternalId: "PO", vendorCode: "PV1", vendorAddressCode: "REMIT",
  billTo: address("bill-1"), shipTo: address("ship-1"), isChangeOrder: false, isTest: false, shipping: "0", tax: "0",
  lines: [{ lineNumber: "1", externalId: "L1", description: "line 1", quantity: "1", unitPrice: "10.00", expenseType: "Advertising", tax: "0", receiptType: "NONE", receiptRequired: false, createDate: "2026-01-15", allocations: [{ amount: "10.00", percentage: "100" }] }],
};

/** Value of one sample: `name{labels}` with the labels given (others ignored), summed over matching series; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.startsWith(`${name}{`) ? line.slice(line.indexOf("{") + 1, line.lastIndexOf("}")) : "";
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

describe("Invoice write batches in /metrics and traces", () => {
  const exporter = new InMemorySpanExporter();
  let stack: Stack;
  const scrape = async () => (await request(`${stack.gateway.origin}/metrics`)).body.text();

  beforeAll(async () => {
    // A wide first window: the three creates below surely share it.
    stack = await startStack({ env: { BATCH_WINDOW_MS: "200" }, tracing: { spanProcessors: [new SimpleSpanProcessor(exporter)] } });
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { Vendor: [{ VendorCode: "PV1", AddressCode: "REMIT", VendorName: "Paint Co", CountryCode: "US", CurrencyCode: "USD" }] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("three concurrent vendor creates: one batch of 3 (writer invoice, target vendors.create), three queue waits, one pacing wait, one linked span", async () => {
    const before = await scrape();
    expect(sample(before, "concur_graph_write_batch_records_count", { writer: "invoice" })).toBe(0);
    await stack.resetCounters();
    // Sockets opened and bodies serialised first, so the three requests leave together.
    const pool = new Pool(stack.gateway.origin, { connections: 3, pipelining: 1 });
    let answers: any[];
    try {
      await Promise.all([0, 1, 2].map(() => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.text())));
      const bodies = ["MET-1", "MET-2", "MET-3"].map((code) => JSON.stringify({ query: CREATE, variables: { c: stack.companyId, v: vendor(code) } }));
      answers = await Promise.all(
        bodies.map((body) => pool.request({ method: "POST", path: "/graphql", headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` }, body }).then((r) => r.body.json() as Promise<any>)),
      );
    } finally {
      await pool.close();
    }
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(answers.map((a) => a.data.createInvoiceVendor)).toEqual(Array(3).fill({ succeeded: true, batchSize: 3 }));
    expect(sumCalls(await stack.counters(), "POST /api/v3.1/invoice/vendors")).toBe(1);

    const text = await scrape();
    expect(sample(text, "concur_graph_write_batch_records_count", { writer: "invoice", target: "vendors.create" })).toBe(1);
    expect(sample(text, "concur_graph_write_batch_records_sum", { writer: "invoice", target: "vendors.create" })).toBe(3);
    expect(sample(text, "concur_graph_write_queue_wait_seconds_count", { writer: "invoice" })).toBe(3);
    // Each write waited at least the batching window's quiet time before its batch left.
    expect(sample(text, "concur_graph_write_queue_wait_seconds_sum", { writer: "invoice" })).toBeGreaterThanOrEqual(3 * 0.2);
    expect(sample(text, "concur_graph_pacer_wait_seconds_count", { writer: "invoice" })).toBe(1);
    expect(text).not.toContain(stack.companyId);

    const span = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === "concur.write_batch vendors.create"), 5_000, "the invoice batch span");
    expect(span.attributes).toMatchObject({ "concur.write_batch.writer": "invoice", "concur.write_batch.records": 3, "concur.write_batch.callers": 3 });
    expect(span.links).toHaveLength(3);
  });

  it("a purchase order is a batch of one (target purchase_orders.create)", async () => {
    const saved = await stack.graphql(SAVE_PO, { c: stack.companyId, o: purchaseOrder });
    expect(saved.errors).toBeUndefined();
    const text = await scrape();
    expect(sample(text, "concur_graph_write_batch_records_count", { writer: "invoice", target: "purchase_orders.create" })).toBe(1);
    expect(sample(text, "concur_graph_write_batch_records_sum", { writer: "invoice", target: "purchase_orders.create" })).toBe(1);
    expect(sample(text, "concur_graph_write_queue_wait_seconds_count", { writer: "invoice" })).toBe(4);
    expect(sample(text, "concur_graph_pacer_wait_seconds_count", { writer: "invoice" })).toBe(2);
  });
});
