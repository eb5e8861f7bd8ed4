// Which refusals renew a stored company token: 401 everywhere, 403 only on the APIs documented to answer an expired
// token with 403 (the v3 Invoice APIs), by path or by absolute URL.
import { describe, expect, it } from "vitest";
import { tokenRefusal } from "../../src/datasources/client/token-refusal.js";

describe("tokenRefusal", () => {
  it("401 on any API; 403 only on Vendor v3.1 and Purchase Order / Receipt v3.0", () => {
    expect(tokenRefusal(401, "https://us.api.concursolutions.com/accountingintegration/v4/companies/x/erps")).toBe(401);
    expect(tokenRefusal(401, "/api/image/v1.0/report/R1")).toBe(401);
    expect(tokenRefusal(403, "https://us.api.concursolutions.com/api/v3.1/invoice/vendors?limit=10")).toBe(403);
    expect(tokenRefusal(403, "/api/v3.1/invoice/vendor/banks")).toBe(403);
    expect(tokenRefusal(403, "https://eu2.api.concursolutions.com/api/v3.0/invoice/purchaseorders/PO-1")).toBe(403);
    expect(tokenRefusal(403, "/API/V3.0/Invoice/PurchaseOrderReceipts")).toBe(403);
  });

  it("a 403 elsewhere (scope, permission) and any other status are not refusals of the token", () => {
    expect(tokenRefusal(403, "https://us.api.concursolutions.com/api/image/v1.0/invoice/I1")).toBeUndefined();
    expect(tokenRefusal(403, "/accountingintegration/v4/companies/x/erps/y/accounts")).toBeUndefined();
    expect(tokenRefusal(403, "/list/v4/items")).toBeUndefined();
    expect(tokenRefusal(403, "/api/v3.0/expense/receiptimages")).toBeUndefined();
    expect(tokenRefusal(400, "/api/v3.1/invoice/vendors")).toBeUndefined();
    expect(tokenRefusal(404, "/api/v3.1/invoice/vendors")).toBeUndefined();
  });
});
