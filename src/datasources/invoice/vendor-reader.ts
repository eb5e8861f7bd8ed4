// GET /api/v3.1/invoice/vendors as Relay pages: `limit` = the page size asked for, `NextPage` followed as Concur gave it
// (offset is opaque, vendor spec Q8), each upstream page read once per walk: a cursor at a page's end already points
// at the next page.
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { cursorEncoder, decodeCursor } from "../client/cursor.js";
import type { ConcurClient } from "../client/pipeline.js";
import { invoiceErrorFromResponse } from "./errors.js";
import { integer, itemsOf } from "./forms.js";
import { INVOICE_SCOPES, invoicePaths, nextPagePath, VENDOR_PAGE_MAX, withQuery } from "./paths.js";
import { fromWireVendor, vendorKey, type InvoiceVendorRecord, type PaymentMethod } from "./vendor-model.js";
import type { WireCollection, WireVendor } from "./wire.js";

export type VendorSearchType = "exact" | "begins" | "contains" | "ends";

/** The filters GET vendors offers (§5.1); `searchType` applies to every text filter of the call. */
export interface VendorFilter {
  vendorCode?: string | null;
  vendorName?: string | null;
  taxId?: string | null;
  buyerAccountNumber?: string | null;
  addressCode?: string | null;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  paymentMethodType?: PaymentMethod | null;
  approved?: boolean | null;
  customFields?: Array<{ number: number; value: string }> | null;
  searchType?: VendorSearchType | null;
  /** A field name as it appears on the vendor form (default: vendor name). */
  sortBy?: string | null;
  sortDirection?: "asc" | "desc" | null;
}

export interface VendorPageArgs {
  first?: number | null;
  after?: string | null;
}

export interface VendorConnection {
  edges: Array<{ cursor: string; node: InvoiceVendorRecord }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export interface InvoiceVendorReader {
  vendors(caller: Caller, companyId: string, filter: VendorFilter, args: VendorPageArgs): Promise<VendorConnection>;
  /** The record with these codes (exact search), or null. */
  vendor(caller: Caller, companyId: string, vendorCode: string, addressCode: string): Promise<InvoiceVendorRecord | null>;
}

export interface InvoiceVendorReaderOptions {
  client: ConcurClient;
  /** Default `first`. Default 50. */
  defaultPageSize?: number;
}

/** Query of the first page: the filters, then `limit`. */
export function vendorQuery(filter: VendorFilter, limit: number): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {
    vendorCode: filter.vendorCode ?? undefined,
    vendorName: filter.vendorName ?? undefined,
    taxID: filter.taxId ?? undefined,
    buyerAccountNumber: filter.buyerAccountNumber ?? undefined,
    addressCode: filter.addressCode ?? undefined,
    address1: filter.address1 ?? undefined,
    address2: filter.address2 ?? undefined,
    address3: filter.address3 ?? undefined,
    city: filter.city ?? undefined,
    state: filter.state ?? undefined,
    postalCode: filter.postalCode ?? undefined,
    country: filter.country ?? undefined,
    paymentMethodType: filter.paymentMethodType ?? undefined,
    // The record says Y/N, the filter "True/False" (§8).
    approved: filter.approved == null ? undefined : String(filter.approved),
    searchType: filter.searchType ?? undefined,
    sortBy: filter.sortBy ?? undefined,
    // Literal values undocumented (Q6): asc/desc.
    sortDirection: filter.sortDirection ?? undefined,
  };
  for (const custom of filter.customFields ?? []) {
    if (!Number.isInteger(custom.number) || custom.number < 1 || custom.number > 20) throw badInput(`filter.customFields.number: 1 to 20, got ${custom.number}`, { field: "filter.customFields" });
    query[`custom${custom.number}`] = custom.value;
  }
  query.limit = String(limit);
  return query;
}

export function createInvoiceVendorReader(options: InvoiceVendorReaderOptions): InvoiceVendorReader {
  const { client } = options;
  const defaultPageSize = options.defaultPageSize ?? 50;
  const listPath = invoicePaths.vendors();

  async function page(caller: Caller, companyId: string, href: string): Promise<{ items: InvoiceVendorRecord[]; next: string | null; total: number }> {
    const res = await client.request<WireCollection<WireVendor>>({ method: "GET", path: href, caller, companyId, throwOnError: false, scopeHint: INVOICE_SCOPES.vendors });
    if (res.status < 200 || res.status >= 300) throw invoiceErrorFromResponse(res, { method: "GET", what: "vendors", scope: INVOICE_SCOPES.vendors });
    if (!res.body || typeof res.body !== "object") throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered GET vendors without a JSON body", { upstreamStatus: res.status });
    const items = itemsOf<WireVendor>(res.body, "Vendor").map(fromWireVendor);
    const next = nextPagePath(res.body.NextPage, client.baseUrlFor(companyId), listPath);
    return { items, next, total: integer(res.body.TotalCount) ?? items.length };
  }

  return {
    async vendors(caller, companyId, filter, args) {
      const first = args.first ?? defaultPageSize;
      if (!Number.isInteger(first) || first < 1 || first > 10_000) throw badInput(`first must be between 1 and 10000, got ${first}`, { field: "first", limit: 10_000 });
      const query = vendorQuery(filter, Math.min(first, VENDOR_PAGE_MAX));
      const scope = `invoiceVendors|${companyId}|${JSON.stringify({ ...query, limit: undefined })}`;
      let href = withQuery(listPath, query);
      let offset = 0;
      if (args.after) {
        const position = decodeCursor(args.after, scope, listPath);
        if (!position.href) throw badInput("after: malformed cursor", { field: "after" });
        href = position.href;
        offset = position.offset;
      }
      const edges: VendorConnection["edges"] = [];
      let last: Awaited<ReturnType<typeof page>>;
      for (;;) {
        last = await page(caller, companyId, href);
        const encode = cursorEncoder(scope, href, listPath);
        const encodeNext = last.next ? cursorEncoder(scope, last.next, listPath) : undefined;
        const end = Math.min(last.items.length, offset + (first - edges.length));
        for (let i = offset; i < end; i++) {
          // The last edge of a page points at the next page, so continuing never reads this page again.
          const cursor = i + 1 >= last.items.length && encodeNext ? encodeNext(0) : encode(i + 1);
          edges.push({ cursor, node: last.items[i] });
        }
        offset = end;
        if (edges.length >= first || !last.next || last.items.length === 0 || offset < last.items.length) break;
        href = last.next;
        offset = 0;
      }
      const hasNextPage = offset < last.items.length || (last.next !== null && last.items.length > 0);
      return {
        edges,
        totalCount: last.total,
        pageInfo: { hasNextPage, hasPreviousPage: Boolean(args.after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },

    async vendor(caller, companyId, vendorCode, addressCode) {
      const href = withQuery(listPath, vendorQuery({ vendorCode, addressCode, searchType: "exact" }, 10));
      const found = await page(caller, companyId, href);
      const key = vendorKey(vendorCode, addressCode);
      return found.items.find((v) => vendorKey(v.vendorCode, v.addressCode) === key) ?? null;
    },
  };
}
