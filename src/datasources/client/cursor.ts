import { createHash } from "node:crypto";
import { badInput } from "../../errors.js";

/**
 * Where a connection continues: the upstream page that holds the next item and the offset inside it.
 * Wire form (opaque to clients): base64url of `{"v":2,"k":scopeTag,"p":href|null,"o":offset}`, where
 * `scopeTag` is a short digest of the scope (enough to refuse another list's cursor) and `p` is written
 * relative to the list's own path when it starts with it (`~?next=…`). Cursors are sent once per edge, so
 * their length is most of a connection's response size.
 */
export interface CursorPosition {
  /** The list this cursor belongs to, e.g. `accounts|<companyId>|<erpId>` or `errors|c|e|requestId`. */
  scope: string;
  /** Upstream href of the page holding the next item, as Concur gave it; null = the list's first page. */
  href: string | null;
  /** Index of the next item inside that page. */
  offset: number;
}

/** Cursors longer than this are rejected before decoding (upstream hrefs are short). */
export const MAX_CURSOR_LENGTH = 4096;
const MAX_OFFSET = 10_000_000;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const VERSION = 2;

/** Recent scopes' tags: a hash per page read and per cursor decoded is most of a small page's cursor cost. */
const recentTags = new Map<string, string>();
const RECENT_TAGS_MAX = 1024;

/** 12 base64url chars (72 bits) of sha256(scope): tells lists apart without spelling out company and ERP ids. */
function scopeTag(scope: string): string {
  let tag = recentTags.get(scope);
  if (tag === undefined) {
    tag = createHash("sha256").update(scope).digest("base64url").slice(0, 12);
    // Bounded however many scopes pass by: emptied when full (a miss costs one hash).
    if (recentTags.size >= RECENT_TAGS_MAX) recentTags.clear();
    recentTags.set(scope, tag);
  }
  return tag;
}

/** `listPath` (optional): the list's own path; hrefs under it are stored relative to it. */
export function encodeCursor(position: CursorPosition, listPath?: string): string {
  return cursorEncoder(position.scope, position.href, listPath)(position.offset);
}

function compactHref(href: string | null, listPath: string | undefined): string | null {
  if (href === null || !listPath || !href.startsWith(listPath) || href.length === listPath.length) return href;
  return `~${href.slice(listPath.length)}`;
}

/**
 * Encoder for many cursors on one page (hot path: a 100-edge connection encodes 100 cursors).
 * The JSON prefix `{"v":1,"k":…,"p":…,"o":` is padded with JSON whitespace to a multiple of 3 bytes, so its
 * base64url is computed once and each cursor only encodes its `offset}` tail. Decoding is plain JSON.
 */
export function cursorEncoder(scope: string, href: string | null, listPath?: string): (offset: number) => string {
  let prefix = `{"v":${VERSION},"k":"${scopeTag(scope)}","p":${JSON.stringify(compactHref(href, listPath))},"o":`;
  const bytes = Buffer.byteLength(prefix, "utf8");
  if (bytes % 3 !== 0) prefix = prefix.slice(0, -1) + " ".repeat(3 - (bytes % 3)) + ":";
  const head = Buffer.from(prefix, "utf8").toString("base64url");
  return (offset) => head + asciiBase64url(`${offset}}`);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url (no padding) of a short ASCII string; avoids a Buffer per cursor on the hot path. */
function asciiBase64url(text: string): string {
  let out = "";
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8) | text.charCodeAt(i + 2);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = text.length - i;
  if (rest === 1) {
    const n = text.charCodeAt(i) << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

const malformed = () => badInput("after: malformed cursor", { field: "after" });

/**
 * Decodes an `after` cursor for the list `expectedScope`. Throws BAD_USER_INPUT on anything that is not a
 * cursor this gateway issued for that list; never throws anything else.
 */
export function decodeCursor(cursor: string, expectedScope: string, listPath?: string): CursorPosition {
  if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw malformed();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw malformed();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw malformed();
  const { v, k, p, o } = parsed as Record<string, unknown>;
  if (v !== VERSION || typeof k !== "string" || (p !== null && typeof p !== "string") || p === "") throw malformed();
  if (typeof o !== "number" || !Number.isInteger(o) || o < 0 || o > MAX_OFFSET) throw malformed();
  if (k !== scopeTag(expectedScope)) {
    throw badInput("after: this cursor belongs to another list; use a cursor from the same connection", { field: "after" });
  }
  let href = p as string | null;
  if (href !== null && href.startsWith("~")) {
    if (!listPath) throw malformed();
    href = listPath + href.slice(1);
  }
  return { scope: expectedScope, href, offset: o };
}
