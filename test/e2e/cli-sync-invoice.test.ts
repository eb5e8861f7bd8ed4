// `concur-graph sync --type invoiceVendors` as a child process against a stack this test starts: Vendor v3.1 call
// counts from the emulator's counters, the vendor master from its admin dump.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";

const dir = mkdtempSync(join(tmpdir(), "cg-sync-inv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = ["VendorCode", "AddressCode", "VendorName", "Address1", "City", "State", "PostalCode", "countryCode", "currencyCode", "paymentMethodType", "paymentTerms", "approved", "custom1"];
const pad = (n: number) => String(n).padStart(5, "0");
const row = (i: number, name = `Vendor ${i}`) => [`IV-${pad(i)}`, "REMIT", name, `${i} Main St`, "Bellevue", "WA", "98004", "US", "USD", "CHECK", "30", i % 2 ? "Y" : "N", `R${i % 7}`];
const csv = (rows: string[][]) => [HEADER, ...rows].map((r) => r.join(",")).join("\n") + "\n";
const POST = "POST /api/v3.1/invoice/vendors";
const PUT = "PUT /api/v3.1/invoice/vendors";

describe("concur-graph sync --type invoiceVendors (child process)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
  });
  afterAll(() => stack.stop());
  const sync = (input: string, report: string) =>
    runCli(["sync", "--type", "invoiceVendors", "--url", stack.gateway.url, "--company", stack.companyId, "--input", input, "--report", report], { cwd: dir, env: { CONCUR_GRAPH_TOKEN: stack.token }, timeoutMs: 240_000 });
  const report = (name: string) => JSON.parse(readFileSync(join(dir, name, "report.json"), "utf8"));

  it("loads 5,000 vendors in ceil(5000 / 1000) POSTs with progress and a report; a rerun sends nothing; changes and refusals are reported by line", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row(i + 1));
    writeFileSync(join(dir, "vendors.csv"), csv(rows));
    await stack.resetCounters();
    const first = await sync("vendors.csv", "r1");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/\[sync\] send: done in .*5000 record\(s\)/);
    expect(first.stdout).toMatch(/invoiceVendors: 5000 valid record\(s\).*\n\s+created 5000\s+updated 0/);
    expect(report("r1").counts).toMatchObject({ input: 5000, created: 5000, updated: 0, rejected: 0, sent: 5000 });
    let counters = await stack.counters();
    expect(sumCalls(counters, POST)).toBe(5);
    expect(sumCalls(counters, PUT)).toBe(0);
    const stored = (await stack.admin("GET", `/invoice/companies/${stack.companyId}/vendors`)).vendors.filter((v: any) => v.VendorCode.startsWith("IV-"));
    expect(stored).toHaveLength(5000);
    expect(stored.find((v: any) => v.VendorCode === "IV-00042")).toMatchObject({ VendorName: "Vendor 42", PaymentTerms: "30", Approved: "N", Custom1: "R0", PaymentMethodType: "CHECK" });

    // ---- rerun: identical export, nothing sent
    await stack.resetCounters();
    const second = await sync("vendors.csv", "r2");
    expect(second.code, second.stderr).toBe(0);
    expect(report("r2").counts).toMatchObject({ unchanged: 5000, sent: 0, created: 0, updated: 0 });
    counters = await stack.counters();
    expect(sumCalls(counters, POST) + sumCalls(counters, PUT)).toBe(0);

    // ---- 50 renamed, one invalid row (UA without a state), one Concur refuses (an embargoed region)
    const changed = rows.map((r, i) => (i < 50 ? row(i + 1, `Renamed ${i + 1}`) : r));
    changed[100] = [...row(101)];
    changed[100][7] = "UA";
    changed[100][5] = "";
    changed[200] = [...row(201)];
    changed[200][7] = "UA";
    changed[200][5] = "Crimea";
    writeFileSync(join(dir, "vendors2.csv"), csv(changed));
    await stack.resetCounters();
    const third = await sync("vendors2.csv", "r3");
    expect(third.code).toBe(1);
    const r3 = report("r3");
    expect(r3.counts).toMatchObject({ updated: 50, rejected: 2, sent: 51 });
    expect(r3.rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "IV-00101/REMIT", line: 102, stage: "input", code: "VALIDATION", message: expect.stringMatching(/vendor\.state: required/) }),
        expect.objectContaining({ key: "IV-00201/REMIT", line: 202, stage: "concur", message: expect.stringMatching(/^state: .*embargo/) }),
      ]),
    );
    expect(readFileSync(join(dir, "r3", "rejected.csv"), "utf8")).toMatch(/^line,id,stage,code,message\n102,IV-00101\/REMIT,input,VALIDATION/);
    expect(sumCalls(await stack.counters(), PUT)).toBe(1);
  }, 400_000);

  it("loads purchase orders from JSON Lines: created, a rerun sends nothing, a change is one update, a bad PO is reported by line", async () => {
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { Vendor: [{ VendorCode: "POV", AddressCode: "REMIT", VendorName: "PO vendor", CountryCode: "US", CurrencyCode: "USD" }] });
    const address = { externalId: "HQ", address1: "1 Main St", city: "Bellevue", stateProvince: "WA", postalCode: "98004", countryCode: "US" };
    const po = (n: number, quantity = "2") => ({
      number: `SP-${n}`, name: `Order ${n}`, currencyCode: "USD", orderDate: "2026-02-01", policyExternalId: "PO", vendorCode: "POV", vendorAddressCode: "REMIT", billTo: address, shipTo: address,
      lines: [1, 2, 3].map((l) => ({ lineNumber: String(l), externalId: `SP-${n}-${l}`, quantity: l === 1 ? quantity : "1", unitPrice: "19.99", expenseType: "Office Supplies", receiptType: l === 1 ? "QUANTITY_RECEIPT" : "NONE" })),
    });
    const jsonl = (orders: object[]) => orders.map((o) => JSON.stringify(o)).join("\n") + "\n";
    const orders = Array.from({ length: 6 }, (_, i) => po(i + 1));
    writeFileSync(join(dir, "pos.jsonl"), jsonl(orders));
    const run = (input: string, name: string) =>
      runCli(["sync", "--type", "purchaseOrders", "--url", stack.gateway.url, "--company", stack.companyId, "--input", input, "--report", name], { cwd: dir, env: { CONCUR_GRAPH_TOKEN: stack.token }, timeoutMs: 240_000 });
    const writes = async () => { const c = await stack.counters(); return sumCalls(c, "POST /api/v3.0/invoice/purchaseorders") + sumCalls(c, "PUT /api/v3.0/invoice/purchaseorders"); };

    await stack.resetCounters();
    const first = await run("pos.jsonl", "p1");
    expect(first.code, first.stderr).toBe(0);
    expect(report("p1").counts).toMatchObject({ input: 6, created: 6, rejected: 0 });
    expect(await writes()).toBe(6);

    await stack.resetCounters();
    const second = await run("pos.jsonl", "p2");
    expect(second.code, second.stderr).toBe(0);
    expect(report("p2").counts).toMatchObject({ unchanged: 6, sent: 0 });
    expect(await writes()).toBe(0);

    const changed = [...orders];
    changed[2] = po(3, "5.5");
    changed[4] = { ...po(5), lines: [{ ...po(5).lines[0], accountCode: "6000" } as (typeof orders)[number]["lines"][number]] };
    writeFileSync(join(dir, "pos2.jsonl"), jsonl(changed));
    await stack.resetCounters();
    const third = await run("pos2.jsonl", "p3");
    expect(third.code).toBe(1);
    expect(report("p3").counts).toMatchObject({ updated: 1, unchanged: 4, rejected: 1 });
    expect(report("p3").rejected[0]).toMatchObject({ key: "SP-5", line: 5, stage: "input", message: expect.stringMatching(/expenseType or accountCode/) });
    expect(await writes()).toBe(1);
    const stored = await stack.admin("GET", `/invoice/companies/${stack.companyId}/purchase-orders/SP-3`);
    expect(stored.LineItem[0].Quantity).toBe("5.5");
  }, 400_000);

  it("loads goods receipts from JSON Lines: created, a rerun sends nothing, a change is replaced, a matched receipt's delete is refused as such", async () => {
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/vendors`, { Vendor: [{ VendorCode: "RCV", AddressCode: "REMIT", VendorName: "Receipt vendor", CountryCode: "US", CurrencyCode: "USD" }] });
    const address = { externalId: "HQ", address1: "1 Main St", city: "Bellevue", postalCode: "98004", countryCode: "US" };
    const saved = await stack.graphql(`mutation($c: ID!, $o: ConcurPurchaseOrderInput!) { saveInvoicePurchaseOrder(companyId: $c, order: $o) { created } }`, {
      c: stack.companyId,
      o: { number: "RC-1", name: "Receipts", currencyCode: "USD", orderDate: "2026-03-01", policyExternalId: "PO", vendorCode: "RCV", vendorAddressCode: "REMIT", billTo: address, shipTo: address,
        lines: [{ lineNumber: "1", externalId: "RC-1-1", quantity: "10", unitPrice: "5", expenseType: "Supplies", receiptType: "QUANTITY_RECEIPT" }] },
    });
    expect(saved.errors).toBeUndefined();
    const receipt = (n: number, quantity = "1") => ({ purchaseOrderNumber: "RC-1", lineItemExternalId: "RC-1-1", goodsReceiptNumber: `GR-${n}`, receivedQuantity: quantity, receivedDate: "2026-03-0" + n });
    const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
    writeFileSync(join(dir, "receipts.jsonl"), jsonl([1, 2, 3].map((n) => receipt(n))));
    const run = (input: string, name: string, extra: string[] = []) =>
      runCli(["sync", "--type", "receipts", "--url", stack.gateway.url, "--company", stack.companyId, "--input", input, "--report", name, ...extra], { cwd: dir, env: { CONCUR_GRAPH_TOKEN: stack.token }, timeoutMs: 240_000 });

    const first = await run("receipts.jsonl", "g1");
    expect(first.code, first.stderr).toBe(0);
    expect(report("g1").counts).toMatchObject({ input: 3, created: 3, rejected: 0 });
    await stack.resetCounters();
    const second = await run("receipts.jsonl", "g2");
    expect(second.code, second.stderr).toBe(0);
    expect(report("g2").counts).toMatchObject({ unchanged: 3, sent: 0 });
    const counters = await stack.counters();
    expect(sumCalls(counters, "POST /api/v3.0/invoice/purchaseorderreceipts") + sumCalls(counters, "PUT /api/v3.0/invoice/purchaseorderreceipts")).toBe(0);

    // GR-1 is matched to an invoice; the export changes GR-2 and drops GR-1 and GR-3.
    await stack.admin("POST", `/invoice/companies/${stack.companyId}/receipts/match`, { PurchaseOrderNumber: "RC-1", LineItemExternalID: "RC-1-1", GoodsReceiptNumber: "GR-1", Invoice: "PR-9" });
    writeFileSync(join(dir, "receipts2.jsonl"), jsonl([receipt(2, "4")]));
    const third = await run("receipts2.jsonl", "g3", ["--delete"]);
    expect(third.code).toBe(1);
    expect(report("g3").counts).toMatchObject({ updated: 1, deleted: 1, rejected: 1 });
    expect(report("g3").rejected[0]).toMatchObject({ key: "RC-1/RC-1-1/GR-1", code: "RECEIPT_MATCHED", stage: "concur", message: expect.stringMatching(/PR-9/) });
    const held = (await stack.admin("GET", `/invoice/companies/${stack.companyId}/receipts`)).receipts.filter((r: any) => r.PurchaseOrderNumber === "RC-1");
    expect(held.map((r: any) => [r.GoodsReceiptNumber, r.ReceivedQuantity])).toEqual([["GR-1", "1"], ["GR-2", "4"]]);
  }, 400_000);
});
