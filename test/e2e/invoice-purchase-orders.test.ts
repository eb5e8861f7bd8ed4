// Purchase orders and goods receipts end to end: GraphQL over HTTP, gateway in front of the emulator's Purchase Order
// v3.0 and Receipt v3.0 APIs (which answer GET in the docs' example forms: date-times, WQTY, "false").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";

const SAVE = `mutation Save($c: ID!, $o: ConcurPurchaseOrderInput!) {
  saveInvoicePurchaseOrder(companyId: $c, order: $o) { purchaseOrderNumber created message }
}`;
const READ = `query Read($c: ID!, $n: String!) {
  invoicePurchaseOrder(companyId: $c, number: $n) {
    number name currencyCode orderDate policyExternalId vendorCode vendorAddressCode status isChangeOrder isTest shipping tax
    billTo { externalId address1 city stateProvince postalCode countryCode }
    shipTo { externalId address1 city stateProvince postalCode countryCode }
    customFields { number value }
    lines { lineNumber externalId description quantity unitPrice expenseType accountCode tax receiptType receiptRequired createDate allocations { amount percentage grossAmount customFields { number value } } customFields { number value } }
    receipts { goodsReceiptNumber lineItemExternalId receivedQuantity receivedDate }
  }
}`;
const RECEIPT = (verb: string) => `mutation R($c: ID!, $r: ConcurGoodsReceiptInput!) { ${verb}(companyId: $c, receipt: $r) { purchaseOrderNumber lineItemExternalId goodsReceiptNumber records } }`;
const DELETE = `mutation D($c: ID!, $po: String!, $line: String!, $grn: String!) { deleteInvoiceGoodsReceipt(companyId: $c, purchaseOrderNumber: $po, lineItemExternalId: $line, goodsReceiptNumber: $grn) { goodsReceiptNumber } }`;

const address = (id: string) => ({ externalId: id, address1: "1 Main St", city: "Bellevue", stateProvince: "WA", postalCode: "98004", countryCode: "US" });
const line = (n: number, extra: Record<string, unknown> = {}) => ({
  lineNumber: String(n),
  externalId: `L${n}`,
  description: `line ${n}`,
  quantity: "3",
  // Money with digits a float would lose.
  unitPrice: `1234567890.1234567${n % 10}`,
  ...(n % 2 ? { expenseType: "Advertising" } : { accountCode: "6000" }),
  tax: "0.00000000",
  receiptType: n <= 10 ? "QUANTITY_RECEIPT" : "NONE",
  receiptRequired: n <= 10,
  createDate: "2026-01-15",
  allocations: [{ amount: "100.10", percentage: "100.00000000", grossAmount: "100.10", customFields: [{ number: 1, value: "CC-10" }] }],
  customFields: [{ number: 2, value: `X${n}` }],
  ...extra,
});
const order = (lines: unknown[], extra: Record<string, unknown> = {}) => ({
  number: "PO-1000", name: "Office fit-out", currencyCode: "usd", orderDate: "2026-01-15", policyExternalId: "PO", vendorCode: "PV1", vendorAddressCode: "REMIT",
  billTo: address("bill-1"), shipTo: address("ship-1"), isChangeOrder: false, isTest: false, shipping: "12.34000000", tax: "0.00000000",
  customFields: [{ number: 24, value: "HQ" }], lines, ...extra,
});

describe("Purchase orders and goods receipts over HTTP", () => {
  let stack: Stack;
  const read = async () => {
    const answer = await stack.graphql(READ, { c: stack.companyId, n: "PO-1000" });
    expect(answer.errors).toBeUndefined();
    return answer.data.invoicePurchaseOrder;
  };

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" } });
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { Vendor: [{ VendorCode: "PV1", AddressCode: "REMIT", VendorName: "Paint Co", CountryCode: "US", CurrencyCode: "USD" }] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("creates a PO of 20 lines, updates it (a line changed, one added), reads it back equal, closes it", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => line(i + 1));
    const created = await stack.graphql(SAVE, { c: stack.companyId, o: order(lines) });
    expect(created.errors).toBeUndefined();
    expect(created.data.saveInvoicePurchaseOrder).toMatchObject({ purchaseOrderNumber: "PO-1000", created: true });

    const first = await read();
    expect(first.lines).toHaveLength(20);
    // Canonical forms whatever Concur answered (date-time, WQTY, "false", "true"): exact decimals, days, booleans.
    expect(first).toMatchObject({ orderDate: "2026-01-15", currencyCode: "USD", isChangeOrder: false, isTest: false, status: "TRANSMITTED", shipping: "12.34000000", customFields: [{ number: 24, value: "HQ" }] });
    expect(first.lines[2]).toMatchObject({ externalId: "L3", unitPrice: "1234567890.12345673", receiptType: "QUANTITY_RECEIPT", receiptRequired: true, createDate: "2026-01-15", allocations: [{ amount: "100.10", customFields: [{ number: 1, value: "CC-10" }] }] });

    const changed = [...lines];
    changed[4] = line(5, { quantity: "7.5", description: "line 5, more" });
    changed.push(line(21, { receiptType: "QUANTITY_RECEIPT" }));
    const updated = await stack.graphql(SAVE, { c: stack.companyId, o: order(changed, { isChangeOrder: true }) });
    expect(updated.errors).toBeUndefined();
    expect(updated.data.saveInvoicePurchaseOrder.created).toBe(false);

    const second = await read();
    const expected = changed.map((l: any) => ({ ...l, receiptType: l.receiptType, allocations: l.allocations }));
    expect(second.lines.map((l: any) => l.externalId)).toEqual(expected.map((l) => l.externalId));
    second.lines.forEach((got: any, i: number) => {
      const want: any = expected[i];
      expect(got).toMatchObject({ lineNumber: want.lineNumber, quantity: want.quantity, unitPrice: want.unitPrice, description: want.description, receiptType: want.receiptType, expenseType: want.expenseType ?? null, accountCode: want.accountCode ?? null });
    });
    expect(second.isChangeOrder).toBe(true);

    // Dropping a line is refused before any write (Concur's update needs the whole PO).
    const dropped = await stack.graphql(SAVE, { c: stack.companyId, o: order(changed.slice(1)) });
    expect(dropped.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "order.lines", missingLines: ["L1"] } });

    const closed = await stack.graphql(`mutation { closeInvoicePurchaseOrder(companyId: "${stack.companyId}", number: "PO-1000") { purchaseOrderNumber purchaseOrder { status lines { externalId } } } }`);
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closeInvoicePurchaseOrder.purchaseOrder.status).toBe("CLOSED");
    expect(closed.data.closeInvoicePurchaseOrder.purchaseOrder.lines).toHaveLength(21);
  });

  it("reports Concur's refusal with its code, the field and the line; and refuses bad input before any call", async () => {
    await stack.resetCounters();
    const bad = await stack.graphql(SAVE, { c: stack.companyId, o: order([line(1, { expenseType: "Advertising", accountCode: "6000" })], { number: "PO-BAD" }) });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "order.lines[0].expenseType" } });
    expect(sumCalls(await stack.counters(), "POST /api/v3.0/invoice/purchaseorders")).toBe(0);
    const unknownVendor = await stack.graphql(SAVE, { c: stack.companyId, o: order([line(1)], { number: "PO-BAD", vendorCode: "NOPE" }) });
    expect(unknownVendor.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", upstreamErrorCode: "2000", field: "order.vendorCode" } });
  });

  it("goods receipts: created, replaced, read on the PO; deleting a matched one is refused as what it is", async () => {
    const receipt = { purchaseOrderNumber: "PO-1000", lineItemExternalId: "L3", goodsReceiptNumber: "GR-1", receivedQuantity: "2", receivedDate: "2026-01-20", unitOfMeasureCode: "EA" };
    const noQuantity = await stack.graphql(RECEIPT("createInvoiceGoodsReceipt"), { c: stack.companyId, r: { ...receipt, receivedQuantity: null } });
    expect(noQuantity.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", upstreamErrorCode: "1006", field: "receipt.receivedQuantity" } });
    const created = await stack.graphql(RECEIPT("createInvoiceGoodsReceipt"), { c: stack.companyId, r: receipt });
    expect(created.errors).toBeUndefined();
    const second = await stack.graphql(RECEIPT("createInvoiceGoodsReceipt"), { c: stack.companyId, r: { ...receipt, goodsReceiptNumber: "GR-2", receivedQuantity: "1" } });
    expect(second.errors).toBeUndefined();
    const replaced = await stack.graphql(RECEIPT("replaceInvoiceGoodsReceipt"), { c: stack.companyId, r: { ...receipt, receivedQuantity: "3" } });
    expect(replaced.errors).toBeUndefined();
    expect((await read()).receipts).toEqual([
      { goodsReceiptNumber: "GR-1", lineItemExternalId: "L3", receivedQuantity: "3", receivedDate: "2026-01-20" },
      { goodsReceiptNumber: "GR-2", lineItemExternalId: "L3", receivedQuantity: "1", receivedDate: "2026-01-20" },
    ]);

    // Invoice matches GR-1 to a payment request: Concur no longer deletes it.
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/receipts/match`, { PurchaseOrderNumber: "PO-1000", LineItemExternalID: "L3", GoodsReceiptNumber: "GR-1", Invoice: "PR-0042" });
    const refused = await stack.graphql(DELETE, { c: stack.companyId, po: "PO-1000", line: "L3", grn: "GR-1" });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: "CONFLICT", reason: "RECEIPT_MATCHED", lineItemExternalId: "L3" } });
    expect(refused.errors?.[0].message).toMatch(/matched to an invoice.*PR-0042/);
    const deleted = await stack.graphql(DELETE, { c: stack.companyId, po: "PO-1000", line: "L3", grn: "GR-2" });
    expect(deleted.errors).toBeUndefined();
    expect((await read()).receipts.map((r: any) => r.goodsReceiptNumber)).toEqual(["GR-1"]);
  });
});
