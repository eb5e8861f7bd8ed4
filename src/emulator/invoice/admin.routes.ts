import { addAdmin, ADMIN, adminBody } from "../core/admin.js";
import { badRequest, ErrorCode, notFound } from "../core/errors.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { InvoiceContext } from "./context.js";
import { CompanyInvoice } from "./store.js";
import { stringsOf } from "./vendor-rules.js";

const INVOICE_ADMIN = `${ADMIN}/invoice/companies/{companyId}`;

/**
 * Invoice admin routes: what happens in the Concur UI or elsewhere in Invoice (vendor loads, vendor groups, an invoice
 * matched to a receipt) and dumps for tests. No auth, no faults, not counted.
 */
export function addInvoiceAdminRoutes(router: Router, ctx: InvoiceContext): void {
  const companyOf = (companyId: string) => {
    if (!ctx.companies.has(companyId)) throw notFound(ErrorCode.CompanyNotFound, `Company ${companyId} not found`);
    return ctx.invoice.company(companyId);
  };

  // Loads vendors as given (no rules): `{Vendor: [...]}` and/or `{generate: {count, prefix?, currencyCode?, countryCode?}}`.
  addAdmin(router, "POST", `${INVOICE_ADMIN}/vendors`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    const records = Array.isArray(body.Vendor) ? body.Vendor.map(stringsOf) : [];
    const generate = body.generate as { count?: unknown; prefix?: unknown; currencyCode?: unknown; countryCode?: unknown } | undefined;
    if (generate !== undefined) {
      const count = generate.count;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 100_000) throw badRequest("generate.count must be an integer 0..100000");
      const prefix = typeof generate.prefix === "string" ? generate.prefix : "V";
      for (let i = 1; i <= count; i++) {
        const code = `${prefix}${String(i).padStart(5, "0")}`;
        records.push({ VendorCode: code, AddressCode: "REMIT", VendorName: `Vendor ${code}`, Address1: `${i} Main St`, City: "Bellevue", State: "WA", PostalCode: "98004", CountryCode: String(generate.countryCode ?? "US"), CurrencyCode: String(generate.currencyCode ?? "USD"), PaymentMethodType: "CLIENT", Approved: "Y" });
      }
    }
    for (const record of records) {
      if (!record.VendorCode || !record.AddressCode) throw badRequest("every vendor needs VendorCode and AddressCode");
      company.putVendor(record as Record<string, string> & { VendorCode: string; AddressCode: string });
    }
    return json(201, { loaded: records.length, total: company.vendors.size });
  });
  addAdmin(router, "GET", `${INVOICE_ADMIN}/vendors`, async (req) => {
    const company = companyOf(req.params.companyId);
    return json(200, {
      vendors: [...company.vendors.values()].map((v) => ({ ...v, banks: company.banksOf(v), groups: [...(company.memberships.get(CompanyInvoice.key(v.VendorCode, v.AddressCode)) ?? [])] })),
    });
  });
  addAdmin(router, "DELETE", `${INVOICE_ADMIN}/vendors`, async (req) => {
    const company = companyOf(req.params.companyId);
    company.vendors.clear();
    company.banks.clear();
    company.memberships.clear();
    return { status: 204 };
  });
  // The company's vendor groups (configured in Invoice Admin): `{groups: ["…"]}` replaces them.
  addAdmin(router, "PUT", `${INVOICE_ADMIN}/groups`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    if (!Array.isArray(body.groups) || body.groups.some((g) => typeof g !== "string" || g === "")) throw badRequest("groups must be an array of non-empty names");
    company.groups.clear();
    for (const g of body.groups as string[]) company.groups.add(g);
    return json(200, { groups: [...company.groups] });
  });
  // Whether the company granted the app Invoice access: `{granted: false}` makes every v3 call of the company answer 403
  // with a valid token ("the company has not granted the app", [HTTP]), a renewed token included.
  addAdmin(router, "PUT", `${INVOICE_ADMIN}/grant`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    if (typeof body.granted !== "boolean") throw badRequest("granted must be a boolean");
    company.granted = body.granted;
    return json(200, { granted: company.granted });
  });
  addAdmin(router, "GET", `${INVOICE_ADMIN}/purchase-orders/{number}`, async (req) => {
    const company = companyOf(req.params.companyId);
    const po = company.purchaseOrders.get(req.params.number.toUpperCase());
    if (!po) throw notFound("purchaseOrder.notFound", `No purchase order ${req.params.number}`);
    return json(200, { ...po.header, LineItem: [...po.lines.values()] });
  });
  // An invoice matched to a receipt (what Invoice does when a payment request is matched): it can no longer be deleted.
  addAdmin(router, "POST", `${INVOICE_ADMIN}/receipts/match`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = stringsOf(await adminBody(req));
    const key = CompanyInvoice.receiptKey(body.PurchaseOrderNumber ?? "", body.LineItemExternalID ?? "", body.GoodsReceiptNumber ?? "");
    const receipt = company.receipts.get(key);
    if (!receipt) throw notFound("receipt.notFound", "No receipt with this PurchaseOrderNumber, LineItemExternalID and GoodsReceiptNumber");
    receipt.matchedInvoices.push(body.Invoice || `PR${receipt.matchedInvoices.length + 1}`);
    return json(200, { matchedInvoices: receipt.matchedInvoices });
  });
  addAdmin(router, "GET", `${INVOICE_ADMIN}/receipts`, async (req) => {
    const company = companyOf(req.params.companyId);
    return json(200, { receipts: [...company.receipts.values()].map((r) => ({ ...r.fields, matchedInvoices: r.matchedInvoices })) });
  });
}
