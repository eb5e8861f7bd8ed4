import { CodedError, ErrorCode } from "../../errors.js";
import { resolveHref } from "../client/links.js";

/**
 * Hosts the XML examples print inside ids and links (spec §1: "IDs inside the XML are absolute URLs on
 * www.concursolutions.com"). JWT calls are not valid there, so such URLs are re-based onto the company's
 * geolocation keeping their path (spec Q2).
 */
export const LEGACY_HOSTS: ReadonlySet<string> = new Set(["www.concursolutions.com", "concursolutions.com"]);

/**
 * An absolute URL from the XML, on the company's base URL: a legacy-host URL keeps its path and query on `baseUrl`;
 * a URL already on `baseUrl`'s origin stays; a relative path resolves onto it; anything else (another host) is
 * refused, because following it would send the company token away. Whitespace inside (the documented `File-Url`
 * sample has `http:// www.…`) is dropped first.
 */
export function rebaseLegacyUrl(baseUrl: string, href: string): URL {
  const cleaned = href.replace(/\s+/g, "");
  let parsed: URL | undefined;
  try {
    parsed = /^https?:\/\//i.test(cleaned) ? new URL(cleaned) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && LEGACY_HOSTS.has(parsed.hostname.toLowerCase()) && !parsed.username && !parsed.password) {
    return new URL(resolveHref(baseUrl, `${parsed.pathname}${parsed.search}`));
  }
  return new URL(resolveHref(baseUrl, cleaned));
}

/**
 * The id a URL ends with, below `prefix` (e.g. `/api/expense/extract/v1.0/`), decoded; UPSTREAM_ERROR when the URL's
 * path is not of that shape (a link to somewhere else is not followed).
 */
export function idAfter(url: URL, prefix: string, suffix = ""): string {
  // Compared decoded: Concur prints `$` raw, a re-based URL may carry it as `%24`.
  const path = url.pathname.replace(/\/+$/, "").split("/").map(decodeSegment);
  const want = prefix.split("/");
  const tail = suffix === "" ? [] : suffix.split("/").slice(1);
  const matches = path.length === want.length + tail.length && want.slice(0, -1).every((s, i) => s === path[i]) && tail.every((s, i) => s === path[want.length + i]);
  const id = matches ? path[want.length - 1] : "";
  if (!id) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur returned a link of an unexpected shape (expected ${prefix}{id}${suffix})`);
  return id;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
