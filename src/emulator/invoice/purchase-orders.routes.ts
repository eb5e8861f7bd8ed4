// Purchase Order v3.0 and Purchase Order Receipt v3.0 (PO spec §3, §4): business failures are 200 with
// `Status: FAILURE` and the documented error code; a body that is not a PO at all is a 400 with an empty body (`Void`).
import { json, type Reply, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { InvoiceContext } from "./context.js";
import { invoiceRoute, jsonOrNull, LegacyError, linkBase } from "./guard.js";
import { INVOICE_LIMITS } from "./limits.js";
import { INVOICE_SCOPES } from "./scopes.js";
import { CompanyInvoice, type StoredPurchaseOrder } from "./store.js";
import { stringsOf } from "./vendor-rules.js";

export const PURCHASE_ORDER_API = "/api/v3.0/invoice";

/** Policies a company has ([PO]: `PO` for Standard, country packs `USPO`, `GBPO`, `JPPO`, `CAPO`, `AUPO`). */
const POLICIES = ["PO", "USPO", "GBPO", "JPPO", "CAPO", "AUPO"];

/** [INFERRED] code of "the receipt is matched to an invoice" (RN-2304 gives the rule, no code): 1010, the gap in the table. */
export const RECEIPT_MATCHED_CODE = "1010";

class Failure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fieldCode = "",
    readonly lineItemExternalId = "",
  ) {
    super(message);
  }
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:$|T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$| \d{2}:\d{2}:\d{2}(\.\d+)?$)/;
/** Every date form the docs show, as `YYYY-MM-DD`; undefined when none. */
const dateOf = (value: string | undefined) => (value ? DATE.exec(value)?.[1] : undefined);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const flag = (value: unknown): boolean | undefined => {
  const s = String(value ?? "").trim().toLowerCase();
  return s === "y" || s === "true" ? true : s === "n" || s === "false" ? false : undefined;
};

/** Cents-free comparison of decimal strings: scaled BigInts (8 decimals, the examples' scale). */
const scaled = (value: string) => {
  const [int, frac = ""] = value.replace(/^-/, "").split(".");
  const n = BigInt(int + frac.padEnd(8, "0").slice(0, 8));
  return value.startsWith("-") ? -n : n;
};

function pick(body: unknown, name: string): unknown {
  if (!body || typeof body !== "object") return undefined;
  return Object.entries(body).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}
const str = (body: unknown, name: string) => {
  const v = pick(body, name);
  return v === undefined || v === null || typeof v === "object" ? undefined : String(v).trim() || undefined;
};

function checkLength(value: string | undefined, max: number, fieldCode: string, line = ""): void {
  if (value && value.length > max) throw new Failure("8001", `${fieldCode.split("|")[1]}: the value is longer than ${max} characters`, fieldCode, line);
}

function readAddress(body: unknown, name: "BillToAddress" | "ShipToAddress"): Record<string, string> {
  const level = name === "BillToAddress" ? "BillTo" : "ShipTo";
  const code = name === "BillToAddress" ? "6001" : "6000";
  const raw = pick(body, name);
  if (!raw || typeof raw !== "object") throw new Failure(code, `${name} is missing or invalid`, `${level}|${name}`);
  const address = stringsOf(raw);
  for (const field of ["ExternalID", "Address1", "City", "PostalCode", "CountryCode"]) {
    if (!str(raw, field)) throw new Failure(code, `${name}.${field} is missing`, `${level}|${field}`);
  }
  if (!/^[A-Z]{2}$/i.test(str(raw, "CountryCode")!)) throw new Failure("8005", `${name}.CountryCode is not a valid country code`, `${level}|CountryCode`);
  for (const [k, v] of Object.entries(address)) checkLength(v, k === "ExternalID" ? INVOICE_LIMITS.poCodeMax : INVOICE_LIMITS.poTextMax, `${level}|${k}`);
  return address;
}

/** A PO body checked in the order of the error table (the first failure is answered); its canonical stored form. */
function readPurchaseOrder(body: unknown, company: CompanyInvoice, existing: StoredPurchaseOrder | undefined): StoredPurchaseOrder {
  const number = str(body, "PurchaseOrderNumber");
  if (!number) throw new Failure("1000", "PurchaseOrderNumber is missing or invalid", "Header|PurchaseOrderNumber");
  checkLength(number, INVOICE_LIMITS.poCodeMax, "Header|PurchaseOrderNumber");
  for (const field of ["Name", "OrderDate", "PolicyExternalID", "VendorCode", "VendorAddressCode", "CurrencyCode"]) {
    if (!str(body, field)) throw new Failure(field === "CurrencyCode" ? "3000" : "8000", `${field} is required`, `Header|${field}`);
  }
  const vendorCode = str(body, "VendorCode")!;
  const addressCode = str(body, "VendorAddressCode")!;
  if (!company.vendors.has(CompanyInvoice.key(vendorCode, addressCode))) throw new Failure("2000", `No vendor for VendorCode ${vendorCode} and VendorAddressCode ${addressCode}`, "Header|VendorCode");
  if (!/^[A-Z]{3}$/i.test(str(body, "CurrencyCode")!)) throw new Failure("3000", "CurrencyCode is invalid", "Header|CurrencyCode");
  const policy = str(body, "PolicyExternalID")!;
  if (!POLICIES.includes(policy.toUpperCase())) throw new Failure("4000", `No policy for PolicyExternalID ${policy}`, "Header|PolicyExternalID");
  if (existing && String(existing.header.PolicyExternalID).toUpperCase() !== policy.toUpperCase()) throw new Failure("4002", "The policy of a purchase order cannot be changed", "Header|PolicyExternalID");
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stringsOf(body))) {
    if (k === "ID" || k === "URI") continue;
    checkLength(v, /Code|Number|ExternalID|Key$/.test(k) ? INVOICE_LIMITS.poCodeMax : INVOICE_LIMITS.poTextMax, `Header|${k}`);
    header[k] = v;
  }
  for (const field of ["OrderDate", "NeededByDate", "RequestedDeliveryDate"]) {
    const raw = str(body, field);
    if (raw === undefined) continue;
    const day = dateOf(raw);
    if (!day) throw new Failure("8002", `${field} is not a date (YYYY-MM-DD)`, `Header|${field}`);
    header[field] = day;
  }
  for (const field of ["IsTest", "IsChangeOrder"]) {
    const raw = pick(body, field);
    if (raw === undefined || raw === null || raw === "") continue;
    const value = flag(raw);
    if (value === undefined) throw new Failure("8002", `${field} must be Y or N`, `Header|${field}`);
    header[field] = value;
  }
  const status = str(body, "Status") ?? "Transmitted";
  if (!["TRANSMITTED", "CLOSED"].includes(status.toUpperCase())) throw new Failure("8002", "Status must be Transmitted or Closed", "Header|Status");
  header.Status = status.toUpperCase() === "CLOSED" ? "Closed" : "Transmitted";
  for (const field of ["Shipping", "Tax", "AmountWithoutVat"]) {
    const raw = str(body, field);
    if (raw !== undefined && !DECIMAL.test(raw)) throw new Failure("8002", `${field} is not a number`, `Header|${field}`);
  }
  header.PurchaseOrderNumber = number;
  header.BillToAddress = readAddress(body, "BillToAddress");
  header.ShipToAddress = readAddress(body, "ShipToAddress");
  const rawLines = pick(body, "LineItem");
  const lineList = rawLines === undefined || rawLines === null ? [] : Array.isArray(rawLines) ? rawLines : [rawLines];
  if (lineList.length === 0) throw new Failure("5000", "The purchase order has no line items", "LineItem|LineItem");
  // A PUT without some earlier lines keeps them (PO spec Q4: undocumented; the emulator keeps them).
  const lines = new Map(existing?.lines ?? []);
  const seen = new Set<string>();
  for (const raw of lineList) lines.set(...readLine(raw, seen));
  return { header, lines };
}

function readLine(raw: unknown, seen: Set<string>): [string, Record<string, unknown>] {
  const id = str(raw, "ExternalID");
  if (!id) throw new Failure("8000", "LineItem.ExternalID is required", "LineItem|ExternalID");
  const key = id.toUpperCase();
  if (seen.has(key)) throw new Failure("5600", `Line item ExternalID ${id} is not unique within the purchase order`, "LineItem|ExternalID", id);
  seen.add(key);
  for (const field of ["LineNumber", "Quantity", "UnitPrice"]) if (!str(raw, field)) throw new Failure("8000", `LineItem.${field} is required`, `LineItem|${field}`, id);
  const line: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stringsOf(raw))) {
    checkLength(v, /Code|ExternalID|ExpenseType|ID$/.test(k) ? INVOICE_LIMITS.poCodeMax : INVOICE_LIMITS.poTextMax, `LineItem|${k}`, id);
    line[k] = v;
  }
  for (const field of ["Quantity", "UnitPrice", "Tax", "AmountWithoutVat"]) {
    const value = str(raw, field);
    if (value !== undefined && !DECIMAL.test(value)) throw new Failure("8002", `LineItem.${field} is not a number`, `LineItem|${field}`, id);
  }
  const expenseType = str(raw, "ExpenseType");
  const accountCode = str(raw, "AccountCode");
  if (Boolean(expenseType) === Boolean(accountCode)) throw new Failure("5001", "Give either ExpenseType or AccountCode on a line item, not both or neither", "LineItem|ExpenseType", id);
  const unitPrice = scaled(str(raw, "UnitPrice")!);
  const tax = str(raw, "Tax");
  if (tax !== undefined && scaled(tax) !== 0n && unitPrice !== 0n && scaled(tax) < 0n !== unitPrice < 0n) throw new Failure("5004", "Tax and UnitPrice must have the same sign", "LineItem|Tax", id);
  const type = (str(raw, "PurchaseOrderReceiptType") ?? "NONE").toUpperCase();
  if (!["NONE", "QUANTITY_RECEIPT", "WQTY"].includes(type)) throw new Failure("8002", "PurchaseOrderReceiptType must be NONE or QUANTITY_RECEIPT", "LineItem|PurchaseOrderReceiptType", id);
  line.PurchaseOrderReceiptType = type === "NONE" ? "NONE" : "QUANTITY_RECEIPT";
  for (const field of ["CreateDate", "RequestedDeliveryDate"]) {
    const value = str(raw, field);
    if (value === undefined) continue;
    const day = dateOf(value);
    if (!day) throw new Failure("8002", `LineItem.${field} is not a date (YYYY-MM-DD)`, `LineItem|${field}`, id);
    line[field] = day;
  }
  if (pick(raw, "IsReceiptRequired") !== undefined) line.IsReceiptRequired = flag(pick(raw, "IsReceiptRequired")) ?? false;
  // Allocations: Amount required; zero, sign and total rules (5501-5503).
  const rawAllocations = pick(raw, "Allocation");
  const allocations = rawAllocations === undefined || rawAllocations === null ? [] : Array.isArray(rawAllocations) ? rawAllocations : [rawAllocations];
  const lineTotal = (scaled(str(raw, "Quantity")!) * unitPrice) / 100_000_000n;
  let sum = 0n;
  line.Allocation = allocations.map((a) => {
    const amount = str(a, "Amount");
    if (!amount || !DECIMAL.test(amount)) throw new Failure("8000", "Allocation.Amount is required and must be a number", "Allocation|Amount", id);
    const value = scaled(amount);
    if (value === 0n) throw new Failure("5503", "An allocation amount cannot be zero", "Allocation|Amount", id);
    if (value < 0n !== lineTotal < 0n && lineTotal !== 0n) throw new Failure("5502", "Allocation and line item must have the same sign", "Allocation|Amount", id);
    sum += value;
    return stringsOf(a);
  });
  if ((sum < 0n ? -sum : sum) > (lineTotal < 0n ? -lineTotal : lineTotal) && allocations.length > 0) throw new Failure("5501", "The allocations add up to more than the line item total", "Allocation|Amount", id);
  return [key, line];
}

/** GET form: the shapes of the docs' only example (datetime OrderDate, `WQTY`, `"false"`, `2019-12-13 20:00:37.0`) [INFERRED]. */
function poView(po: StoredPurchaseOrder, base: string): Record<string, unknown> {
  const h = po.header;
  const out: Record<string, unknown> = { ...h, ID: h.PurchaseOrderNumber, URI: `${base}${PURCHASE_ORDER_API}/purchaseorders/purchaseorders/${h.PurchaseOrderNumber}` };
  for (const field of ["OrderDate", "NeededByDate", "RequestedDeliveryDate"]) if (h[field]) out[field] = `${h[field]}T00:00:00.000Z`;
  if (h.IsTest !== undefined) out.IsTest = h.IsTest ? "Y" : "N";
  if (h.IsChangeOrder !== undefined) out.IsChangeOrder = h.IsChangeOrder ? "true" : "false";
  out.LineItem = [...po.lines.values()].map((line) => {
    const l: Record<string, unknown> = { ...line };
    if (line.PurchaseOrderReceiptType === "QUANTITY_RECEIPT") l.PurchaseOrderReceiptType = "WQTY";
    for (const field of ["CreateDate", "RequestedDeliveryDate"]) if (line[field]) l[field] = `${line[field]} 00:00:00.0`;
    if (line.IsReceiptRequired !== undefined) l.IsReceiptRequired = line.IsReceiptRequired ? "true" : "false";
    return l;
  });
  return out;
}

const result = (fields: { Status: "SUCCESS" | "FAILURE"; PurchaseOrderNumber?: string; LineItemExternalID?: string; ErrorCode?: string; ErrorMessage?: string; FieldCode?: string; Message?: string }) =>
  json(200, { PurchaseOrderNumber: "", LineItemExternalID: "", ErrorCode: "", ErrorMessage: "", FieldCode: "", Message: "", ...fields });

const failed = (error: unknown, number?: string) => {
  if (!(error instanceof Failure)) throw error;
  return result({ Status: "FAILURE", PurchaseOrderNumber: number ?? "", ErrorCode: error.code, ErrorMessage: error.message, FieldCode: error.fieldCode, LineItemExternalID: error.lineItemExternalId });
};

export function addPurchaseOrderRoutes(router: Router, ctx: InvoiceContext): void {
  const add = (method: string, template: string, handler: Parameters<typeof invoiceRoute>[2]) =>
    router.add({ method, template: `${PURCHASE_ORDER_API}${template}`, kind: "concur", handler: invoiceRoute(ctx, INVOICE_SCOPES.purchaseOrders, handler, { write: method !== "GET", afterApplyFault: method === "POST" || method === "PUT" }) });

  const writePo = async (req: RequestContext, company: CompanyInvoice, mode: "POST" | "PUT"): Promise<Reply> => {
    const body = await jsonOrNull(req);
    // [PO-SW] 400 is `Void`: no body at all.
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new LegacyError(400, "", "empty");
    const number = str(body, "PurchaseOrderNumber");
    const existing = number ? company.purchaseOrders.get(number.toUpperCase()) : undefined;
    try {
      if (mode === "PUT" && number && !existing) throw new Failure("1000", `No purchase order ${number} to update`, "Header|PurchaseOrderNumber");
      const po = readPurchaseOrder(body, company, existing);
      company.purchaseOrders.set(number!.toUpperCase(), po);
      return result({ Status: "SUCCESS", PurchaseOrderNumber: number, Message: existing ? "Purchase order updated" : "Purchase order created" });
    } catch (error) {
      return failed(error, number);
    }
  };
  // [PO] "Create or update" (POST) and update (PUT).
  add("POST", "/purchaseorders", (req, company) => writePo(req, company, "POST"));
  add("PUT", "/purchaseorders", (req, company) => writePo(req, company, "PUT"));
  add("GET", "/purchaseorders/{id}", async (req, company) => {
    const po = company.purchaseOrders.get(req.params.id.toUpperCase());
    // [INFERRED] unknown id: 404 in the legacy body (the swagger documents only 200).
    if (!po) throw new LegacyError(404, `No purchase order ${req.params.id}`);
    return json(200, poView(po, linkBase(ctx, req)));
  });

  // ---- Receipts
  const receiptTarget = (body: unknown, company: CompanyInvoice) => {
    const po = str(body, "PurchaseOrderNumber");
    if (!po) throw new Failure("1000", "PurchaseOrderNumber is missing or invalid", "Header|PurchaseOrderNumber");
    const order = company.purchaseOrders.get(po.toUpperCase());
    if (!order) throw new Failure("1000", `No purchase order ${po}`, "Header|PurchaseOrderNumber");
    const lineId = str(body, "LineItemExternalID");
    const line = lineId ? order.lines.get(lineId.toUpperCase()) : undefined;
    if (!lineId || !line) throw new Failure("1001", `No line item ${lineId ?? ""} on purchase order ${po}`, "LineItem|LineItemExternalID", lineId ?? "");
    return { po, lineId, line };
  };
  const readReceipt = (body: unknown, line: Record<string, unknown>, lineId: string): Record<string, string> => {
    const fields = stringsOf(body);
    const quantity = str(body, "ReceivedQuantity");
    if (quantity !== undefined && !DECIMAL.test(quantity)) throw new Failure("1003", "ReceivedQuantity is not numeric", "Receipt|ReceivedQuantity", lineId);
    const date = str(body, "ReceivedDate");
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}( 00:00:00(\.0+)?)?$/.test(date)) throw new Failure("1004", "ReceivedDate is not YYYY-MM-DD", "Receipt|ReceivedDate", lineId);
    if (date) fields.ReceivedDate = date.slice(0, 10);
    const uom = str(body, "UnitOfMeasureCode");
    if (uom !== undefined && uom.length >= 10) throw new Failure("1005", "UnitOfMeasureCode is invalid or 10 characters or more", "Receipt|UnitOfMeasureCode", lineId);
    if (line.PurchaseOrderReceiptType === "QUANTITY_RECEIPT" && quantity === undefined) throw new Failure("1006", "For Receipt Type WQTY (quantity) Quantity is required", "Receipt|ReceivedQuantity", lineId);
    if (!str(body, "GoodsReceiptNumber")) throw new Failure("10010", "GoodsReceiptNumber is required (Version 2.0)", "Receipt|GoodsReceiptNumber", lineId);
    for (const [k, v] of Object.entries(fields)) if (v.length > INVOICE_LIMITS.poTextMax) throw new Failure("1008", `${k} is too long`, `Receipt|${k}`, lineId);
    return fields;
  };
  const receiptResult = (status: "SUCCESS" | "FAILURE", po: string, line: string, extra: Record<string, string> = {}) => result({ Status: status, PurchaseOrderNumber: po, LineItemExternalID: line, ...extra });
  const writeReceipt = async (req: RequestContext, company: CompanyInvoice, mode: "POST" | "PUT"): Promise<Reply> => {
    const body = await jsonOrNull(req);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new LegacyError(400, "The request body must be a purchaseOrderReceipt", "message");
    try {
      const { po, lineId, line } = receiptTarget(body, company);
      const fields = readReceipt(body, line, lineId);
      const key = CompanyInvoice.receiptKey(po, lineId, fields.GoodsReceiptNumber);
      const existing = company.receipts.get(key);
      if (mode === "POST" && existing) throw new Failure("9999", `Receipt ${fields.GoodsReceiptNumber} already exists on line ${lineId}; update it with PUT`, "Receipt|GoodsReceiptNumber", lineId);
      if (mode === "PUT" && !existing) throw new Failure("9999", `No receipt ${fields.GoodsReceiptNumber} on line ${lineId} to update`, "Receipt|GoodsReceiptNumber", lineId);
      company.receipts.set(key, { fields: { ...fields, PurchaseOrderNumber: po, LineItemExternalID: lineId }, matchedInvoices: existing?.matchedInvoices ?? [] });
      return receiptResult("SUCCESS", po, lineId, { Message: mode === "POST" ? "Receipt created" : "Receipt updated" });
    } catch (error) {
      return failed(error, str(body, "PurchaseOrderNumber"));
    }
  };
  add("POST", "/purchaseorderreceipts", (req, company) => writeReceipt(req, company, "POST"));
  add("PUT", "/purchaseorderreceipts", (req, company) => writeReceipt(req, company, "PUT"));

  const matching = (req: RequestContext, company: CompanyInvoice) => {
    const po = req.query.get("purchaseOrderNumber")?.toUpperCase();
    const line = req.query.get("lineItemExternalID")?.toUpperCase();
    const grn = req.query.get("goodsReceiptNumber")?.toUpperCase();
    if (!po && !grn) throw new LegacyError(400, "Give purchaseOrderNumber or goodsReceiptNumber (lineItemExternalID only together with one of them)", "message");
    return [...company.receipts.values()].filter(
      (r) => (!po || r.fields.PurchaseOrderNumber.toUpperCase() === po) && (!line || r.fields.LineItemExternalID.toUpperCase() === line) && (!grn || (r.fields.GoodsReceiptNumber ?? "").toUpperCase() === grn),
    );
  };
  add("GET", "/purchaseorderreceipts", async (req, company) => {
    const found = matching(req, company);
    const items = found.slice(0, INVOICE_LIMITS.receiptsPerGet).map((r) => ({ ...r.fields }));
    return json(200, { Items: items, NextPage: "", TotalCount: found.length, Info: found.length > INVOICE_LIMITS.receiptsPerGet ? `Only the first ${INVOICE_LIMITS.receiptsPerGet} receipts are returned` : "" });
  });
  add("DELETE", "/purchaseorderreceipts", async (req, company) => {
    const found = matching(req, company);
    const po = req.query.get("purchaseOrderNumber") ?? "";
    const line = req.query.get("lineItemExternalID") ?? "";
    if (found.length !== 1) {
      return receiptResult("FAILURE", po, line, { ErrorCode: "9999", ErrorMessage: found.length === 0 ? "No receipt matches the parameters" : `The parameters match ${found.length} receipts; a delete needs exactly one`, FieldCode: "Receipt|GoodsReceiptNumber" });
    }
    const receipt = found[0];
    if (receipt.matchedInvoices.length > 0) {
      // [RN-2304] since 2023-04 a receipt matched to an invoice is never deleted; the error names the invoice(s).
      return receiptResult("FAILURE", receipt.fields.PurchaseOrderNumber, receipt.fields.LineItemExternalID, {
        ErrorCode: RECEIPT_MATCHED_CODE,
        ErrorMessage: `The receipt ${receipt.fields.GoodsReceiptNumber} cannot be deleted because it is matched to invoice(s): ${receipt.matchedInvoices.join(", ")}`,
        FieldCode: "Receipt|GoodsReceiptNumber",
      });
    }
    company.receipts.delete(CompanyInvoice.receiptKey(receipt.fields.PurchaseOrderNumber, receipt.fields.LineItemExternalID, receipt.fields.GoodsReceiptNumber));
    return receiptResult("SUCCESS", receipt.fields.PurchaseOrderNumber, receipt.fields.LineItemExternalID, { Message: "Receipt deleted" });
  });
}
