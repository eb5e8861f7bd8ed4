import { CodedError, ErrorCode } from "../../errors.js";

// Link shapes Concur documents (spec §1.5); used by every API that pages with links.
/** HAL-style link object, as every JSON example shows it. */
export interface HrefLink {
  href: string;
}

/** Spring-HATEOAS link, as the schema text and swagger `Link` describe it. */
export interface RelLink {
  rel: string;
  href: string;
  hreflang?: string;
  media?: string;
  title?: string;
  type?: string;
  deprecation?: string;
  profile?: string;
  name?: string;
}

/** Both documented link shapes: `{next: {href}}` (examples) or `[{rel, href}]` (schema). */
export type LinksShape = Record<string, HrefLink> | RelLink[];

/** Link relations the docs use. */
export type LinkRel = "self" | "errors" | "next";

/** Anything carrying links: under `links` (PATCH 202, GET data pages) or `_links` (request status, errors, events). */
export interface Linked {
  links?: LinksShape | null;
  _links?: LinksShape | null;
}

/** A page of a GET list endpoint; follow the `next` link for more (pages are cut at 1 MB). */
export interface Page<T> extends Linked {
  data: T[];
}


/**
 * Link parsing for every shape the Concur docs show (spec §1.5, §4 Q2):
 * key `links` or `_links`; HAL object keyed by rel (`{next: {href}}`, also `{next: [{href}]}` or `{next: "…"}`)
 * or Spring-HATEOAS array (`[{rel: "next", href}]`).
 */
export function linkHref(page: unknown, rel: string, keys: readonly LinksKey[] = DATA_PAGE_LINK_KEYS): string | undefined {
  if (page === null || typeof page !== "object") return undefined;
  const record = page as Record<string, unknown>;
  for (const key of keys) {
    const href = hrefIn(record[key], rel);
    if (href !== undefined) return href;
  }
  return undefined;
}

export type LinksKey = "links" | "_links";
/** GET data pages and PATCH answers show `links`; `_links` is accepted too. */
export const DATA_PAGE_LINK_KEYS: readonly LinksKey[] = ["links", "_links"];
/** Request status, errors and ESS events show `_links`; `links` is accepted too. */
export const STATUS_LINK_KEYS: readonly LinksKey[] = ["_links", "links"];

/** The `next` link of an upstream page, or undefined on the last page. */
export function nextHref(page: unknown): string | undefined {
  return linkHref(page, "next");
}

function hrefIn(links: unknown, rel: string): string | undefined {
  if (links === null || typeof links !== "object") return undefined;
  if (Array.isArray(links)) {
    for (const link of links) {
      if (link && typeof link === "object" && (link as { rel?: unknown }).rel === rel) {
        const href = asHref(link);
        if (href) return href;
      }
    }
    return undefined;
  }
  const value = (links as Record<string, unknown>)[rel];
  if (Array.isArray(value)) {
    for (const item of value) {
      const href = asHref(item);
      if (href) return href;
    }
    return undefined;
  }
  return asHref(value);
}

function asHref(value: unknown): string | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (value && typeof value === "object") {
    const href = (value as { href?: unknown }).href;
    if (typeof href === "string" && href.length > 0) return href;
  }
  return undefined;
}

/**
 * Resolves an upstream href against the Concur base URL (spec §4 Q3):
 * `/v4/…` -> `{base}/accountingintegration/v4/…`; any other `/…` -> `{base}/…`;
 * absolute URLs only when they have the base's origin. Anything else throws UPSTREAM_ERROR,
 * because following it could send the caller's token to a foreign host.
 */
export function resolveHref(baseUrl: string, href: string): string {
  const base = baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl;
  if (href.startsWith("/") && !href.startsWith("//") && !href.includes("\\")) {
    return href.startsWith("/v4/") ? `${base}/accountingintegration${href}` : `${base}${href}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw foreign(href);
  }
  if (parsed.origin !== new URL(base).origin) throw foreign(href);
  return parsed.href;
}

/**
 * The one spelling of an upstream href the gateway keeps (cache keys, cursors): a path from the host root with its
 * query, whatever form Concur used (absolute URL on the base's host, `/v4/…`, `/accountingintegration/v4/…`).
 * Throws like {@link resolveHref} for a foreign link.
 */
export function canonicalHref(baseUrl: string, href: string): string {
  const url = new URL(resolveHref(baseUrl, href));
  return `${url.pathname}${url.search}`;
}

/** True when `href` resolves to the base's origin (no throw). */
export function isSameOriginHref(baseUrl: string, href: string): boolean {
  try {
    resolveHref(baseUrl, href);
    return true;
  } catch {
    return false;
  }
}

function foreign(_href: string): CodedError {
  // The href itself stays out of the error: it came from upstream (or a crafted cursor).
  return new CodedError(
    ErrorCode.UPSTREAM_ERROR,
    "Concur returned a link the gateway will not follow (not a path on the Concur host); the request was not sent",
  );
}
