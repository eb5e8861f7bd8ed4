import { CodedError, ErrorCode } from "../../errors.js";

/**
 * Invoice Vendor v3.1, Purchase Order v3.0 and Purchase Order Receipt v3.0 (facts: docs/invoice-vendors.md,
 * docs/purchase-orders.md): the only place that spells their paths, scopes and limits. No company in the paths: the
 * company is the token's; the host is the token's geolocation (the swagger's legacy host refuses JWTs).
 */
export const VENDOR_API = "/api/v3.1/invoice";
export const PURCHASE_ORDER_API = "/api/v3.0/invoice";

/** The one scope of each API (vendor spec Q1, PO spec Q1: [INFERRED] it covers writes and receipts too). */
export const INVOICE_SCOPES = { vendors: "INVVEN", purchaseOrders: "INVPO" } as const;

/** GET vendors: `limit` default 25, at most 1000 (vendor spec §1 Paging). */
export const VENDOR_PAGE_MAX = 1000;

/**
 * Vendor records per POST/PUT (and banks per PUT). Undocumented (vendor spec Q3); 1000 matches the GET cap and is the
 * emulator's documented default (docs/emulator/invoice-vendors.md). A 400 that names the request limit halves it.
 */
export const MAX_VENDORS_PER_CALL = 1000;

/**
 * Least time between two write calls of one company, ms, one call in flight (vendor spec Q11, PO spec Q12: rate limits
 * undocumented; [INFERRED] the pace of the gateway's other writers).
 */
export const INVOICE_WRITE_INTERVAL_MS = 1000;

/** Hosts a v3 answer may name in `NextPage` / `URI` (the swagger's legacy host); rebased onto the token's geolocation. */
const LEGACY_HOSTS = new Set(["www.concursolutions.com", "concursolutions.com"]);

export const invoicePaths = {
  vendors: () => `${VENDOR_API}/vendors`,
  banks: () => `${VENDOR_API}/vendor/banks`,
  groups: () => `${VENDOR_API}/vendor/groups`,
  purchaseOrders: () => `${PURCHASE_ORDER_API}/purchaseorders`,
  purchaseOrder: (number: string) => `${PURCHASE_ORDER_API}/purchaseorders/${encodeURIComponent(number)}`,
  receipts: () => `${PURCHASE_ORDER_API}/purchaseorderreceipts`,
};

/** Query string from defined, non-empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A `NextPage` URI as a path under `expectedPath` with its query. v3 answers may name the legacy host
 * (www.concursolutions.com) or the geolocation; either way the gateway sends the next call to the company's own base
 * URL, so the token never goes to a host Concur named. Anything else (another host, another path) is refused.
 */
export function nextPagePath(nextPage: unknown, baseUrl: string, expectedPath: string): string | null {
  if (typeof nextPage !== "string" || nextPage.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(nextPage.trim(), baseUrl);
  } catch {
    throw refusedLink();
  }
  const sameOrigin = url.origin === new URL(baseUrl).origin;
  if (!sameOrigin && !(url.protocol === "https:" && LEGACY_HOSTS.has(url.hostname.toLowerCase()))) throw refusedLink();
  if (url.pathname.replace(/\/$/, "").toLowerCase() !== expectedPath.toLowerCase()) throw refusedLink();
  return `${expectedPath}${url.search}`;
}

function refusedLink(): CodedError {
  return new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur returned a NextPage link the gateway will not follow (not the vendor list on a Concur host)");
}
