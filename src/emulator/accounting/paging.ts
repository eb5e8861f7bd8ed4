import { badRequest } from "../core/errors.js";
import { AccountingErrorCode } from "./errors.js";

/**
 * Byte-budget paging [INFERRED Q7]: a page holds as many records as fit so that the whole serialized
 * response stays within `pageBytes`; the cursor is an opaque base64url token; the last page has no `next`.
 */
export interface PageRequest {
  /** Serialized records, in order. */
  items: readonly string[];
  /** UTF-8 byte length of each item (same order). */
  itemBytes: readonly number[];
  offset: number;
  pageBytes: number;
  /** `links` for data GETs, `_links` for request errors (spec Q2). */
  linksKey: "links" | "_links";
  /** Builds the href of the next page for a token. */
  nextHref: (token: string) => string;
  /** What the token pages over; a token for another kind is rejected. */
  kind: string;
}

interface Cursor {
  k: string;
  o: number;
}

export function encodeCursor(kind: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, o: offset } satisfies Cursor)).toString("base64url");
}

/** Returns the offset a `next` token points at; 400 for anything that is not a token of this kind. */
export function decodeCursor(kind: string, token: string): number {
  const fail = () => badRequest(`Invalid next page token: ${token.slice(0, 80)}`, [
    { source: "next", errorCode: "next.invalid", errorMessage: "next is not a valid page token" },
  ], AccountingErrorCode.NextInvalid);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw fail();
  }
  if (typeof parsed !== "object" || parsed === null) throw fail();
  const c = parsed as Partial<Cursor>;
  if (c.k !== kind || typeof c.o !== "number" || !Number.isSafeInteger(c.o) || c.o < 1) throw fail();
  return c.o;
}

export function utf8Lengths(items: readonly string[]): number[] {
  return items.map((s) => Buffer.byteLength(s));
}

/** Serializes one page. At least one record is always included so paging progresses even with a tiny budget. */
export function buildPage(req: PageRequest): Buffer {
  const { items, itemBytes, pageBytes, linksKey } = req;
  const offset = Math.min(req.offset, items.length);
  const prefix = '{"data":[';
  const lastSuffix = `],"${linksKey}":{}}`;
  const nextSuffix = (nextOffset: number) =>
    `],"${linksKey}":{"next":{"href":${JSON.stringify(req.nextHref(encodeCursor(req.kind, nextOffset)))}}}}`;

  let remainingBytes = 0;
  for (let i = offset; i < items.length; i++) remainingBytes += itemBytes[i];
  const remainingCount = items.length - offset;
  const commas = Math.max(0, remainingCount - 1);
  if (prefix.length + remainingBytes + commas + lastSuffix.length <= pageBytes || remainingCount === 0) {
    return Buffer.from(prefix + items.slice(offset).join(",") + lastSuffix);
  }
  // The longest possible next-suffix (largest offset) keeps the estimate conservative.
  const worstSuffix = Buffer.byteLength(nextSuffix(items.length));
  let bytes = prefix.length + worstSuffix;
  let end = offset;
  while (end < items.length) {
    const add = itemBytes[end] + (end > offset ? 1 : 0);
    if (bytes + add > pageBytes && end > offset) break;
    bytes += add;
    end += 1;
  }
  const suffix = end < items.length ? nextSuffix(end) : lastSuffix;
  return Buffer.from(prefix + items.slice(offset, end).join(",") + suffix);
}
