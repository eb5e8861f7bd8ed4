// Every form the v3 Invoice docs show for one value reads into one canonical form (vendor spec §8, PO spec §7-§8).
import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { dateOnly, fieldOfFieldCode, fromWirePurchaseOrder, fromWireVendor, itemsOf, legacyErrorMessage, nextPagePath, outcomeOf, receiptType, v3Decimal, yesNo } from "../../src/datasources/index.js";

describe("v3 Invoice value forms", () => {
  it("booleans: Y/N, true/false in any case, JSON booleans", () => {
    expect(["Y", "y", "true", "TRUE", true, "1"].map(yesNo)).toEqual([true, true, true, true, true, true]);
    expect(["N", "n", "false", "False", false, "0"].map(yesNo)).toEqual([false, false, false, false, false, false]);
    expect(yesNo("maybe")).toBeUndefined();
  });

  it("dates: YYYY-MM-DD, ISO date-times and 'YYYY-MM-DD HH:mm:ss.S' keep the written day; impossible days are refused", () => {
    expect(dateOnly("2011-08-12")).toBe("2011-08-12");
    expect(dateOnly("2011-08-12T20:17:46.384Z")).toBe("2011-08-12");
    expect(dateOnly("2019-12-13 20:00:37.0")).toBe("2019-12-13");
    expect(dateOnly("2018-09-15 00:00:00.0")).toBe("2018-09-15");
    expect(dateOnly("2019-02-30")).toBeUndefined();
    expect(dateOnly("12/13/2019")).toBeUndefined();
  });

  it("receipt type: WQTY is QUANTITY_RECEIPT; empty is NONE", () => {
    expect(receiptType("WQTY")).toBe("QUANTITY_RECEIPT");
    expect(receiptType("quantity_receipt")).toBe("QUANTITY_RECEIPT");
    expect(receiptType(undefined)).toBe("NONE");
    expect(receiptType("SOMETHING")).toBeUndefined();
  });

  it("money stays exact: strings and lossless numbers, never through a float", () => {
    expect(v3Decimal("12345678901234.12345678")).toBe("12345678901234.12345678");
    expect(v3Decimal(new LosslessNumber("98765432109876.54321098"))).toBe("98765432109876.54321098");
    expect(v3Decimal("0.00000000")).toBe("0.00000000");
    expect(v3Decimal("1E+3")).toBe("1000");
  });

  it("collections: Items, the input key, or a single object instead of an array", () => {
    expect(itemsOf({ Items: [{ a: 1 }] }, "Vendor")).toEqual([{ a: 1 }]);
    expect(itemsOf({ Vendor: { a: 2 } }, "Vendor")).toEqual([{ a: 2 }]);
    expect(itemsOf({}, "Vendor")).toEqual([]);
  });

  it("legacy error bodies: {Message}, {Error: {Message}}, {StatusCode, Content: {Error}}, text", () => {
    expect(legacyErrorMessage({ Message: "a" })).toBe("a");
    expect(legacyErrorMessage({ Error: { Message: "b", "Server-Time": "x", Id: "y" } })).toBe("b");
    expect(legacyErrorMessage({ StatusCode: 400, Content: { Error: { Message: "c" } } })).toBe("c");
    expect(legacyErrorMessage("plain")).toBe("plain");
    expect(legacyErrorMessage(undefined)).toBeUndefined();
  });

  it("a vendor record: case-insensitive names, Y/N and numbers as strings, groups as names or objects", () => {
    const v = fromWireVendor({ vendorcode: "V1", AddressCode: "A", Approved: "true", PaymentTerms: 30, DiscountPercentage: "2.50000000", Custom4: "X", VendorGroupList: [{ Name: "IT" }, "Facilities"], VendorBankList: { VendorCode: "V1", AccountNumber: "XX12", IsActive: "Y" } } as never);
    expect(v).toMatchObject({ vendorCode: "V1", addressCode: "A", approved: true, paymentTerms: 30, discountPercentage: "2.50000000", customFields: [{ number: 4, value: "X" }], groups: ["IT", "Facilities"], banks: [{ accountNumber: "XX12", active: true }] });
  });

  it("per-record status: failure wins, success or nothing is success, the named field is mapped", () => {
    expect(outcomeOf([{ Type: "SUCCESS", Code: 0, Message: "Success", RecordNumber: 1 }]).ok).toBe(true);
    expect(outcomeOf(undefined).ok).toBe(true);
    const failed = outcomeOf({ Type: "ERROR", Code: "1004", Message: "State: embargoed", RecordNumber: "2" });
    expect(failed).toEqual({ ok: false, statuses: [{ type: "ERROR", code: "1004", message: "State: embargoed", field: "state" }] });
    expect(outcomeOf([{ Type: "Failure", Message: "Custom3: not on the form" }]).statuses[0].field).toBe("customFields.3");
  });

  it("a PO in the docs' example forms reads into the canonical one", () => {
    const po = fromWirePurchaseOrder({
      PurchaseOrderNumber: "API101", OrderDate: "2011-08-12T20:17:46.384Z", IsChangeOrder: "false", IsTest: "N", Status: "Transmitted", Shipping: "0.00000000",
      BillToAddress: { ExternalID: "b", Address1: "add1", City: "c", State: "MN", PostalCode: "1", CountryCode: "US" },
      LineItem: { LineNumber: "1", ExternalID: "L1", Quantity: "1.00", UnitPrice: "106.74", IsReceiptRequired: "true", PurchaseOrderReceiptType: "WQTY", CreateDate: "2019-12-13 20:00:37.0", Allocation: { Amount: "106.74", Percentage: "100.00000000" } },
    });
    expect(po).toMatchObject({ number: "API101", orderDate: "2011-08-12", isChangeOrder: false, isTest: false, status: "TRANSMITTED", shipping: "0.00000000", billTo: { stateProvince: "MN" } });
    expect(po.lines[0]).toMatchObject({ receiptType: "QUANTITY_RECEIPT", receiptRequired: true, createDate: "2019-12-13", allocations: [{ amount: "106.74", percentage: "100.00000000" }] });
  });

  it("FieldCode in both documented forms names the input path", () => {
    expect(fieldOfFieldCode("LineItem|Quantity", "L2", "order")).toBe("order.lines[L2].quantity");
    expect(fieldOfFieldCode("BillTo City", undefined, "order")).toBe("order.billTo.city");
    expect(fieldOfFieldCode("Allocation|Amount", "L1", "order")).toBe("order.lines[L1].allocations.amount");
    expect(fieldOfFieldCode("Header|VendorCode", undefined, "order")).toBe("order.vendorCode");
  });

  it("NextPage on the legacy host or the data center is followed on the company's own host; anything else is refused", () => {
    const base = "https://us.api.concursolutions.com";
    expect(nextPagePath("https://www.concursolutions.com/api/v3.1/invoice/vendors?offset=abc&limit=7", base, "/api/v3.1/invoice/vendors")).toBe("/api/v3.1/invoice/vendors?offset=abc&limit=7");
    expect(nextPagePath(`${base}/api/v3.1/invoice/vendors?offset=x`, base, "/api/v3.1/invoice/vendors")).toBe("/api/v3.1/invoice/vendors?offset=x");
    expect(nextPagePath("", base, "/api/v3.1/invoice/vendors")).toBeNull();
    expect(() => nextPagePath("https://evil.example/api/v3.1/invoice/vendors?offset=x", base, "/api/v3.1/invoice/vendors")).toThrow(/will not follow/);
    expect(() => nextPagePath("https://www.concursolutions.com/api/v3.1/other", base, "/api/v3.1/invoice/vendors")).toThrow(/will not follow/);
  });
});
