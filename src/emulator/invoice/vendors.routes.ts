// Invoice Vendor v3.1 (vendor spec §5): GET/POST/PUT/DELETE /api/v3.1/invoice/vendors, PUT /vendor/banks,
// PUT/DELETE /vendor/groups. Writes answer 200 with a StatusList per record (failures included); a body the API cannot
// read at all is a 400 `{Message}`.
import { randomUUID } from "node:crypto";
import { json, type Reply, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { InvoiceContext } from "./context.js";
import { invoiceRoute, jsonOrNull, LegacyError, linkBase } from "./guard.js";
import { INVOICE_LIMITS } from "./limits.js";
import { INVOICE_SCOPES } from "./scopes.js";
import { CompanyInvoice, type StoredBank, type StoredVendor } from "./store.js";
import { bankFailures, stringsOf, VENDOR_WRITABLE, vendorFailures, type RuleFailure } from "./vendor-rules.js";

export const VENDOR_API = "/api/v3.1/invoice";

const CANONICAL = new Map([...VENDOR_WRITABLE].map((f) => [f.toLowerCase(), f]));
const BANK_FIELDS = ["VendorCode", "AddressCode", "AccountNumber", "RoutingNumber", "AccountType", "NameOnAccount", "IsActive", "BankName", "BranchLocation", "BankCode", "BranchCode", "CountryCode", "CurrencyAlphaCode", "TransType"];
const BANK_CANONICAL = new Map(BANK_FIELDS.map((f) => [f.toLowerCase(), f]));

/** GET filters -> wire fields ([V31] §5.1). */
const FILTERS: Record<string, string> = {
  vendorcode: "VendorCode", vendorname: "VendorName", taxid: "TaxID", buyeraccountnumber: "AccountNumber", addresscode: "AddressCode",
  address1: "Address1", address2: "Address2", address3: "Address3", city: "City", state: "State", postalcode: "PostalCode", country: "Country",
  paymentmethodtype: "PaymentMethodType",
};
for (let n = 1; n <= 20; n++) FILTERS[`custom${n}`] = `Custom${n}`;

interface Status {
  Code: number;
  Message: string;
  RecordNumber: number;
  Type: "SUCCESS" | "ERROR";
}

const success = (n: number): Status[] => [{ Type: "SUCCESS", Code: 0, Message: "Success", RecordNumber: n }];
const failures = (n: number, list: RuleFailure[]): Status[] => list.map((f) => ({ Type: "ERROR", Code: f.code, Message: f.message, RecordNumber: n }));

/** The records of a write body: `{<key>: [..]}` or `{<key>: {..}}` (both forms are documented, §8). */
function recordsOf(body: unknown, key: string, ctx: InvoiceContext): unknown[] {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new LegacyError(400, `The request body must be a ${key} collection: {"${key}": [...]}`, "message");
  const entry = Object.entries(body).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const records = entry === undefined || entry === null ? [] : Array.isArray(entry) ? entry : [entry];
  if (records.length === 0) throw new LegacyError(400, `The request contains 0 ${key} records`, "message");
  const max = ctx.invoiceSettings.invoiceVendorsPerCall;
  if (max > 0 && records.length > max) throw new LegacyError(400, `The number of requests received (${records.length}) exceed the request limit of ${max}`, "message");
  return records;
}

function canonicalRecord(value: unknown, names: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(stringsOf(value))) {
    const name = names.get(k.toLowerCase());
    if (name) out[name] = v.trim();
  }
  return out;
}

export function addVendorRoutes(router: Router, ctx: InvoiceContext): void {
  const add = (method: string, template: string, handler: Parameters<typeof invoiceRoute>[2], write = method !== "GET") =>
    router.add({ method, template: `${VENDOR_API}${template}`, kind: "concur", handler: invoiceRoute(ctx, INVOICE_SCOPES.vendors, handler, { write, afterApplyFault: template === "/vendors" && (method === "POST" || method === "PUT") }) });

  const view = (company: CompanyInvoice, vendor: StoredVendor, base: string) => ({
    ...vendor,
    URI: `${base}${VENDOR_API}/vendors/${vendor.ID}`,
    VendorBankList: company.banksOf(vendor).map((b) => ({ ...b, AccountNumber: mask(b.AccountNumber), RoutingNumber: b.RoutingNumber ? mask(b.RoutingNumber) : undefined, URI: `${base}${VENDOR_API}/vendor/banks/${b.ID}` })),
    VendorGroupList: [...(company.memberships.get(CompanyInvoice.key(vendor.VendorCode, vendor.AddressCode)) ?? [])],
  });

  add("GET", "/vendors", async (req, company) => getVendors(ctx, req, company, view));

  const write = async (req: RequestContext, company: CompanyInvoice, mode: "create" | "update"): Promise<Reply> => {
    const body = await jsonOrNull(req);
    if (body === null) throw new LegacyError(400, "The request body is missing or is not JSON", "message");
    const records = recordsOf(body, "Vendor", ctx);
    let ok = 0;
    const echoed = records.map((raw, i) => {
      const n = i + 1;
      const record = canonicalRecord(raw, CANONICAL);
      const key = record.VendorCode && record.AddressCode ? CompanyInvoice.key(record.VendorCode, record.AddressCode) : "";
      const existing = key ? company.vendors.get(key) : undefined;
      // A PUT merges: the stored record supplies what the body leaves out (spec Q4), then the v3.1 rules apply.
      const merged = mode === "update" && existing ? { ...existing, ...record } : record;
      let problems = vendorFailures(merged);
      if (problems.length === 0 && mode === "create" && existing) problems = [{ code: 1005, message: `VendorCode: a vendor with VendorCode ${record.VendorCode} and AddressCode ${record.AddressCode} already exists` }];
      if (problems.length === 0 && mode === "update" && !existing) problems = [{ code: 1006, message: `VendorCode: no vendor with VendorCode ${record.VendorCode} and AddressCode ${record.AddressCode}` }];
      if (problems.length === 0 && record.VendorName) {
        // One VendorName per VendorCode ([V31-SW]).
        const other = [...company.vendors.values()].find((v) => v.VendorCode.toUpperCase() === record.VendorCode.toUpperCase() && v.AddressCode.toUpperCase() !== record.AddressCode.toUpperCase() && v.VendorName && v.VendorName !== record.VendorName);
        if (other) problems = [{ code: 1003, message: `VendorName: VendorCode ${record.VendorCode} already has the name ${other.VendorName}` }];
      }
      if (problems.length > 0) return { ...(raw as object), StatusList: failures(n, problems) };
      // "Send N to clear" fields ([V31-SW]).
      for (const field of ["AccountNumber", "DefaultEmployeeID", "DefaultExpenseTypeName", "VendorFormName"]) if (record[field] === "N") record[field] = "";
      const stored = company.putVendor({ ...record, CountryCode: record.CountryCode ?? merged.CountryCode });
      ok++;
      return { ...(raw as object), ID: stored.ID, StatusList: success(n) };
    });
    return json(200, { Vendor: echoed, RequestRunSummary: `${ok} of ${records.length} record(s) ${mode === "create" ? "created" : "updated"}` });
  };
  add("POST", "/vendors", (req, company) => write(req, company, "create"));
  add("PUT", "/vendors", (req, company) => write(req, company, "update"));

  add("DELETE", "/vendors", async (req, company) => {
    const vendorCode = req.query.get("vendorCode");
    const addressCode = req.query.get("addressCode");
    if (!vendorCode || !addressCode) throw new LegacyError(400, "vendorCode and addressCode are required", "message");
    const key = CompanyInvoice.key(vendorCode, addressCode);
    const existing = company.vendors.get(key);
    const record = { VendorCode: vendorCode, AddressCode: addressCode };
    if (!existing) return json(200, { Vendor: [{ ...record, StatusList: failures(1, [{ code: 1006, message: `VendorCode: no vendor with VendorCode ${vendorCode} and AddressCode ${addressCode}` }]) }] });
    const orders = company.purchaseOrdersOf(vendorCode, addressCode);
    if (orders.length > 0) {
      return json(200, { Vendor: [{ ...record, StatusList: failures(1, [{ code: 1007, message: `VendorCode: the vendor is used by purchase order(s) ${orders.slice(0, 5).join(", ")}; set Approved to N instead` }]) }] });
    }
    company.vendors.delete(key);
    company.memberships.delete(key);
    return json(200, { Vendor: [{ ...record, ID: existing.ID, StatusList: success(1) }] });
  });

  add("PUT", "/vendor/banks", async (req, company) => {
    const body = await jsonOrNull(req);
    if (body === null) throw new LegacyError(400, "The request body is missing or is not JSON", "message");
    const records = recordsOf(body, "VendorBank", ctx);
    const echoed = records.map((raw, i) => {
      const n = i + 1;
      const record = canonicalRecord(raw, BANK_CANONICAL);
      let problems = bankFailures(record);
      const owners = [...company.vendors.values()].filter((v) => v.VendorCode.toUpperCase() === (record.VendorCode ?? "").toUpperCase() && (!record.AddressCode || v.AddressCode.toUpperCase() === record.AddressCode.toUpperCase()));
      if (problems.length === 0 && owners.length === 0) problems = [{ code: 1006, message: `VendorCode: no vendor ${record.VendorCode}${record.AddressCode ? ` with AddressCode ${record.AddressCode}` : ""}` }];
      if (problems.length > 0) return { ...(raw as object), StatusList: failures(n, problems) };
      const key = `${record.VendorCode.toUpperCase()}\u0000${(record.AddressCode ?? "").toUpperCase()}\u0000${record.AccountNumber}`;
      const existing = company.banks.get(key);
      const stored = { ...(existing ?? {}), ...record, CountryCode: record.CountryCode || "US", CurrencyAlphaCode: record.CurrencyAlphaCode || "USD", ID: existing?.ID ?? randomUUID() } as StoredBank;
      company.banks.set(key, stored);
      return { ...(raw as object), ID: stored.ID, StatusList: success(n) };
    });
    return json(200, { VendorBank: echoed });
  });

  const groupTarget = (req: RequestContext, company: CompanyInvoice) => {
    const vendorCode = req.query.get("vendorCode");
    const addressCode = req.query.get("addressCode");
    if (!vendorCode || !addressCode) throw new LegacyError(400, "vendorCode and addressCode are required", "message");
    return { key: CompanyInvoice.key(vendorCode, addressCode), exists: company.vendors.has(CompanyInvoice.key(vendorCode, addressCode)), vendorCode, addressCode };
  };
  add("PUT", "/vendor/groups", async (req, company) => {
    const target = groupTarget(req, company);
    const body = await jsonOrNull(req);
    if (body === null) throw new LegacyError(400, "The request body is missing or is not JSON", "message");
    const records = recordsOf(body, "VendorGroup", ctx);
    const echoed = records.map((raw, i) => {
      const name = stringsOf(raw).Name ?? Object.entries(stringsOf(raw)).find(([k]) => k.toLowerCase() === "name")?.[1] ?? "";
      const known = [...company.groups].find((g) => g.toLowerCase() === name.trim().toLowerCase());
      let problem: RuleFailure | undefined;
      if (!target.exists) problem = { code: 1006, message: `VendorCode: no vendor with VendorCode ${target.vendorCode} and AddressCode ${target.addressCode}` };
      else if (!name.trim()) problem = { code: 1001, message: "Name: is required" };
      else if (!known) problem = { code: 1008, message: `Name: no vendor group ${name} (groups are created in Invoice Admin, not through the API)` };
      if (problem) return { Name: name, StatusList: failures(i + 1, [problem]) };
      let set = company.memberships.get(target.key);
      if (!set) company.memberships.set(target.key, (set = new Set()));
      set.add(known!);
      return { Name: known, StatusList: success(i + 1) };
    });
    return json(200, { VendorGroup: echoed });
  });
  add("DELETE", "/vendor/groups", async (req, company) => {
    const target = groupTarget(req, company);
    const name = req.query.get("groupName");
    if (!name) throw new LegacyError(400, "groupName is required", "message");
    const set = company.memberships.get(target.key);
    const member = [...(set ?? [])].find((g) => g.toLowerCase() === name.toLowerCase());
    if (!member) return json(200, { VendorGroup: [{ Name: name, StatusList: failures(1, [{ code: 1006, message: `Name: the vendor is not in group ${name}` }]) }] });
    set!.delete(member);
    return json(200, { VendorGroup: [{ Name: member, StatusList: success(1) }] });
  });
}

/** Stored encrypted, shown masked ([V31-SW]: "Stored encrypted") [INFERRED]: the last 4 characters. */
const mask = (value: string) => (value.length <= 4 ? value : `${"X".repeat(value.length - 4)}${value.slice(-4)}`);

/** GET vendors: filters (`searchType` for all of them), sort, `limit`, keyset `offset`, NextPage, TotalCount. */
function getVendors(ctx: InvoiceContext, req: RequestContext, company: CompanyInvoice, view: (c: CompanyInvoice, v: StoredVendor, base: string) => object): Reply {
  const q = req.query;
  const limitText = q.get("limit");
  const limit = limitText === null || limitText === "" ? INVOICE_LIMITS.vendorPageDefault : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > INVOICE_LIMITS.vendorPageMax) throw new LegacyError(400, `limit must be an integer from 1 to ${INVOICE_LIMITS.vendorPageMax}`, "message");
  const searchType = (q.get("searchType") ?? "exact").toLowerCase();
  if (!["exact", "begins", "contains", "ends"].includes(searchType)) throw new LegacyError(400, "searchType must be exact, begins, contains or ends", "message");
  const tests: Array<(v: StoredVendor) => boolean> = [];
  for (const [param, value] of q) {
    const lower = param.toLowerCase();
    if (lower === "approved") {
      // The filter says True/False, the record Y/N (§8): both accepted.
      const want = /^(true|y|yes|1)$/i.test(value);
      tests.push((v) => (v.Approved ?? "").toUpperCase() === (want ? "Y" : "N"));
      continue;
    }
    const field = FILTERS[lower];
    if (!field) continue;
    const needle = value.toLowerCase();
    tests.push((v) => {
      const hay = (v[field] ?? "").toLowerCase();
      return searchType === "exact" ? hay === needle : searchType === "begins" ? hay.startsWith(needle) : searchType === "ends" ? hay.endsWith(needle) : hay.includes(needle);
    });
  }
  const sortParam = q.get("sortBy") ?? "VendorName";
  const sortField = [...VENDOR_WRITABLE].find((f) => f.toLowerCase() === sortParam.replace(/\s+/g, "").toLowerCase()) ?? (sortParam.toLowerCase() === "name" ? "VendorName" : undefined);
  if (!sortField) throw new LegacyError(400, `sortBy: ${sortParam} is not a field of the vendor form`, "message");
  const direction = (q.get("sortDirection") ?? "asc").toLowerCase();
  const desc = direction === "desc" || direction === "descending";
  const sortKey = (v: StoredVendor) => [(v[sortField] ?? "").toLowerCase(), v.VendorCode.toLowerCase(), v.AddressCode.toLowerCase()].join("\u0000");
  const all = [...company.vendors.values()].filter((v) => tests.every((t) => t(v))).map((v) => ({ v, k: sortKey(v) }));
  all.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * (desc ? -1 : 1));
  // The offset is a keyset position (the sort key of the last record served): a page never repeats or skips a record
  // that existed on both reads, whatever was added or deleted in between.
  let start = 0;
  const offset = q.get("offset");
  if (offset) {
    let after: string;
    try {
      after = Buffer.from(offset, "base64url").toString("utf8");
    } catch {
      throw new LegacyError(400, "offset is not valid", "message");
    }
    start = all.findIndex((e) => (desc ? e.k < after : e.k > after));
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + limit);
  const base = linkBase(ctx, req);
  let nextPage = "";
  if (start + limit < all.length && page.length > 0) {
    const next = new URLSearchParams(q);
    next.set("offset", Buffer.from(page.at(-1)!.k, "utf8").toString("base64url"));
    next.set("limit", String(limit));
    nextPage = `${base}${VENDOR_API}/vendors?${next.toString()}`;
  }
  return json(200, { Items: page.map((e) => view(company, e.v, base)), NextPage: nextPage, TotalCount: all.length, RequestRunSummary: "" });
}
