// Conformance of the emulated Invoice Vendor v3.1, Purchase Order v3.0 and Receipt v3.0 APIs over HTTP
// (docs/emulator/invoice-vendors.md, docs/emulator/invoice-purchase-orders.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";

let emu: RunningEmulator;
let token: string;
const V = "/api/v3.1/invoice";
const P = "/api/v3.0/invoice";
const company = DEMO.companyId;

const vendor = (code: string, extra: Record<string, string> = {}) => ({ VendorCode: code, AddressCode: "REMIT", VendorName: `Vendor ${code}`, CountryCode: "US", CurrencyCode: "USD", ...extra });
const po = (number: string, extra: Record<string, unknown> = {}) => ({
  PurchaseOrderNumber: number, Name: "Paint", CurrencyCode: "USD", OrderDate: "2026-01-15", PolicyExternalID: "PO", VendorCode: "PV1", VendorAddressCode: "REMIT",
  BillToAddress: { ExternalID: "bill", Address1: "1 Main", City: "Bellevue", StateProvince: "WA", PostalCode: "98004", CountryCode: "US" },
  ShipToAddress: { ExternalID: "ship", Address1: "1 Main", City: "Bellevue", StateProvince: "WA", PostalCode: "98004", CountryCode: "US" },
  LineItem: [{ LineNumber: "1", ExternalID: "L1", ExpenseType: "Advertising", Quantity: "2", UnitPrice: "10.50", PurchaseOrderReceiptType: "QUANTITY_RECEIPT", Allocation: [{ Amount: "21.00", Percentage: "100", GrossAmount: "21.00" }] }],
  ...extra,
});

beforeAll(async () => {
  emu = await createEmulator({ port: 0, seed: "demo", privateKeyPem: testKeyPem() });
  token = emu.issueToken(company);
  await call(emu.url, "PUT", "/_emulator/config", { body: { invoiceWritesPerSecond: 0 } });
});
afterAll(async () => {
  await emu?.stop();
});

describe("Invoice Vendor v3.1 emulation", () => {
  it("accepts OAuth and Bearer schemes; 401 without a header and 403 without INVVEN, in legacy bodies", async () => {
    expect((await call(emu.url, "GET", `${V}/vendors`, { headers: { authorization: `OAuth ${token}` } })).status).toBe(200);
    expect((await call(emu.url, "GET", `${V}/vendors`, { token })).status).toBe(200);
    const none = await call(emu.url, "GET", `${V}/vendors`);
    expect(none.status).toBe(401);
    expect(none.json.Error).toMatchObject({ Message: expect.any(String), "Server-Time": expect.any(String), Id: expect.any(String) });
    const noScope = await call(emu.url, "GET", `${V}/vendors`, { token: emu.issueToken(company, ["INVPO"]) });
    expect(noScope.status).toBe(403);
  });

  it("answers per-record failures inside a 200: StatusList per record with RecordNumber, field-prefixed messages", async () => {
    const res = await call(emu.url, "POST", `${V}/vendors`, { token, body: { Vendor: [vendor("A1"), vendor("A2", { CountryCode: "UA" }), vendor("A3", { CountryCode: "UA", State: "Crimea" })] } });
    expect(res.status).toBe(200);
    const [a, b, c] = res.json.Vendor;
    expect(a.StatusList).toEqual([{ Type: "SUCCESS", Code: 0, Message: "Success", RecordNumber: 1 }]);
    expect(b.StatusList[0]).toMatchObject({ Type: "ERROR", RecordNumber: 2, Message: expect.stringMatching(/^State: /) });
    expect(c.StatusList[0]).toMatchObject({ Type: "ERROR", RecordNumber: 3, Message: expect.stringMatching(/^State: .*embargo/) });
    const dup = await call(emu.url, "POST", `${V}/vendors`, { token, body: { Vendor: vendor("A1") } });
    expect(dup.json.Vendor[0].StatusList[0]).toMatchObject({ Type: "ERROR", Message: expect.stringMatching(/already exists/) });
  });

  it("pages with limit, an opaque offset and a NextPage on the legacy host; every value a string", async () => {
    await call(emu.url, "POST", `/_emulator/invoice/companies/${company}/vendors`, { body: { generate: { count: 30, prefix: "G" } } });
    const first = await call(emu.url, "GET", `${V}/vendors?vendorCode=G&searchType=begins&limit=20`, { token });
    expect(first.json.TotalCount).toBe(30);
    expect(first.json.Items).toHaveLength(20);
    expect(first.json.Items[0]).toMatchObject({ VendorCode: "G00001", Approved: "Y", URI: expect.stringMatching(/^https:\/\/www\.concursolutions\.com\/api\/v3\.1\//) });
    expect(first.json.NextPage).toMatch(/^https:\/\/www\.concursolutions\.com\/api\/v3\.1\/invoice\/vendors\?.*offset=/);
    const next = new URL(first.json.NextPage);
    const second = await call(emu.url, "GET", `${next.pathname}${next.search}`, { token });
    expect(second.json.Items).toHaveLength(10);
    expect(second.json.NextPage).toBe("");
    expect(new Set([...first.json.Items, ...second.json.Items].map((v: any) => v.VendorCode)).size).toBe(30);
    expect((await call(emu.url, "GET", `${V}/vendors?limit=1001`, { token })).json).toEqual({ Message: expect.stringMatching(/limit/) });
  });

  it("refuses more records than the per-call limit with a 400 {Message}", async () => {
    await call(emu.url, "PUT", "/_emulator/config", { body: { invoiceVendorsPerCall: 2 } });
    const res = await call(emu.url, "PUT", `${V}/vendors`, { token, body: { Vendor: [vendor("A1"), vendor("A1"), vendor("A1")] } });
    expect(res.status).toBe(400);
    expect(res.json.Message).toMatch(/exceed the request limit of 2/);
    await call(emu.url, "PUT", "/_emulator/config", { body: { invoiceVendorsPerCall: 1000 } });
  });

  it("banks, groups, delete; a vendor on a PO is not deleted", async () => {
    const bank = await call(emu.url, "PUT", `${V}/vendor/banks`, { token, body: { VendorBank: [{ VendorCode: "A1", AccountNumber: "123456789", RoutingNumber: "021000021", AccountType: "CHCK", NameOnAccount: "Acme", IsActive: "Y" }] } });
    expect(bank.json.VendorBank[0].StatusList[0].Type).toBe("SUCCESS");
    const group = await call(emu.url, "PUT", `${V}/vendor/groups?vendorCode=A1&addressCode=REMIT`, { token, body: { VendorGroup: [{ Name: "Facilities" }, { Name: "Nope" }] } });
    expect(group.json.VendorGroup.map((g: any) => g.StatusList[0].Type)).toEqual(["SUCCESS", "ERROR"]);
    const read = await call(emu.url, "GET", `${V}/vendors?vendorCode=A1`, { token });
    expect(read.json.Items[0].VendorBankList[0]).toMatchObject({ AccountNumber: "XXXXX6789", AccountType: "CHCK" });
    expect(read.json.Items[0].VendorGroupList).toEqual(["Facilities"]);
    await call(emu.url, "POST", `${V}/vendors`, { token, body: { Vendor: [vendor("PV1")] } });
    expect((await call(emu.url, "POST", `${P}/purchaseorders`, { token, body: po("PO-DEL") })).json.Status).toBe("SUCCESS");
    const refused = await call(emu.url, "DELETE", `${V}/vendors?vendorCode=PV1&addressCode=REMIT`, { token });
    expect(refused.json.Vendor[0].StatusList[0]).toMatchObject({ Type: "ERROR", Message: expect.stringMatching(/PO-DEL/) });
    const deleted = await call(emu.url, "DELETE", `${V}/vendors?vendorCode=A1&addressCode=REMIT`, { token });
    expect(deleted.json.Vendor[0].StatusList[0].Type).toBe("SUCCESS");
  });

  it("answers 429 with Retry-After past the write rate", async () => {
    await call(emu.url, "PUT", "/_emulator/config", { body: { invoiceWritesPerSecond: 1 } });
    await call(emu.url, "PUT", `${V}/vendors`, { token, body: { Vendor: [vendor("PV1")] } });
    const limited = await call(emu.url, "PUT", `${V}/vendors`, { token, body: { Vendor: [vendor("PV1")] } });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    await call(emu.url, "PUT", "/_emulator/config", { body: { invoiceWritesPerSecond: 0 } });
  });
});

describe("Purchase Order and Receipt v3.0 emulation", () => {
  it("business failures are 200 FAILURE with code and field; a body that is no PO is an empty 400", async () => {
    const noVendor = await call(emu.url, "POST", `${P}/purchaseorders`, { token, body: po("PO-X", { VendorCode: "NOPE" }) });
    expect(noVendor.status).toBe(200);
    expect(noVendor.json).toMatchObject({ Status: "FAILURE", ErrorCode: "2000", FieldCode: "Header|VendorCode" });
    const both = await call(emu.url, "POST", `${P}/purchaseorders`, { token, body: po("PO-X", { LineItem: [{ LineNumber: "1", ExternalID: "L1", ExpenseType: "A", AccountCode: "B", Quantity: "1", UnitPrice: "1" }] }) });
    expect(both.json).toMatchObject({ Status: "FAILURE", ErrorCode: "5001", LineItemExternalID: "L1" });
    const empty = await call(emu.url, "POST", `${P}/purchaseorders`, { token, rawBody: "not json", headers: { "content-type": "application/json" } });
    expect(empty.status).toBe(400);
    expect(empty.text).toBe("");
  });

  it("GET answers in the docs' example forms; a PUT keeps lines it does not name; close by status", async () => {
    expect((await call(emu.url, "POST", `${P}/purchaseorders`, { token, body: po("PO-1", { IsChangeOrder: "N" }) })).json.Status).toBe("SUCCESS");
    const read = await call(emu.url, "GET", `${P}/purchaseorders/PO-1`, { token });
    expect(read.json).toMatchObject({ OrderDate: "2026-01-15T00:00:00.000Z", IsChangeOrder: "false", Status: "Transmitted" });
    expect(read.json.LineItem[0].PurchaseOrderReceiptType).toBe("WQTY");
    const line2 = { LineNumber: "2", ExternalID: "L2", AccountCode: "6000", Quantity: "1", UnitPrice: "5" };
    expect((await call(emu.url, "PUT", `${P}/purchaseorders`, { token, body: po("PO-1", { Status: "Closed", LineItem: [line2] }) })).json.Status).toBe("SUCCESS");
    const after = await call(emu.url, "GET", `${P}/purchaseorders/PO-1`, { token });
    expect(after.json.Status).toBe("Closed");
    expect(after.json.LineItem.map((l: any) => l.ExternalID)).toEqual(["L1", "L2"]);
    expect((await call(emu.url, "GET", `${P}/purchaseorders/NOPE`, { token })).status).toBe(404);
  });

  it("receipts: quantity lines need a quantity; a matched receipt is not deleted and the error names the invoice", async () => {
    await call(emu.url, "POST", `${P}/purchaseorders`, { token, body: po("PO-2") });
    const base = { PurchaseOrderNumber: "PO-2", LineItemExternalID: "L1", GoodsReceiptNumber: "R1", ReceivedDate: "2026-01-20", Version: "2.0" };
    expect((await call(emu.url, "POST", `${P}/purchaseorderreceipts`, { token, body: base })).json).toMatchObject({ Status: "FAILURE", ErrorCode: "1006" });
    expect((await call(emu.url, "POST", `${P}/purchaseorderreceipts`, { token, body: { ...base, ReceivedQuantity: "1" } })).json.Status).toBe("SUCCESS");
    expect((await call(emu.url, "PUT", `${P}/purchaseorderreceipts`, { token, body: { ...base, ReceivedQuantity: "2" } })).json.Status).toBe("SUCCESS");
    const got = await call(emu.url, "GET", `${P}/purchaseorderreceipts?purchaseOrderNumber=PO-2`, { token });
    expect(got.json).toMatchObject({ TotalCount: 1, Items: [{ GoodsReceiptNumber: "R1", ReceivedQuantity: "2" }] });
    await call(emu.url, "POST", `/_emulator/invoice/companies/${company}/receipts/match`, { body: { PurchaseOrderNumber: "PO-2", LineItemExternalID: "L1", GoodsReceiptNumber: "R1", Invoice: "PR-77" } });
    const refused = await call(emu.url, "DELETE", `${P}/purchaseorderreceipts?purchaseOrderNumber=PO-2&lineItemExternalID=L1&goodsReceiptNumber=R1`, { token });
    expect(refused.json).toMatchObject({ Status: "FAILURE", ErrorMessage: expect.stringMatching(/PR-77/) });
  });
});
