// Every form the v3 docs show (or contradict themselves on) for one value, read into one canonical form
// (vendor spec §8, PO spec §7 Q5-Q8 and §8). Pure functions, no I/O.
import { isLosslessNumber } from "lossless-json";
import { plainDecimal, isPlainDecimal } from "../fis/decimal.js";

/** Text of a v3 value: strings trimmed, numbers and booleans as their text; empty -> undefined. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === "object") return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
}

/** `Y`/`N`, `true`/`false` (any case), `1`/`0` and JSON booleans; anything else undefined. */
export function yesNo(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const s = text(value)?.toLowerCase();
  if (s === "y" || s === "yes" || s === "true" || s === "1") return true;
  if (s === "n" || s === "no" || s === "false" || s === "0") return false;
  return undefined;
}

/** A whole number sent as a string or a number (`PaymentTerms`: "Integer" in the markdown, string in the swagger). */
export function integer(value: unknown): number | undefined {
  const s = text(value);
  if (s === undefined || !/^-?\d+(\.0+)?$/.test(s)) return undefined;
  const n = Number(s.replace(/\.0+$/, ""));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An exact decimal as a plain string (`"0.00000000"` stays as sent); never through a float for strings. */
export function decimal(value: unknown): string | undefined {
  const s = text(value);
  if (s === undefined) return undefined;
  const plain = plainDecimal(s);
  return plain !== undefined && isPlainDecimal(plain) ? plain : undefined;
}

const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/**
 * `YYYY-MM-DD` from every date form the PO docs show: `2011-08-12`, `2011-08-12T20:17:46.384Z`,
 * `2019-12-13 20:00:37.0`, `2018-09-15 00:00:00.0`. The calendar day as written (no time-zone shift: the example's
 * time part is noise on a date-only field).
 */
export function dateOnly(value: unknown): string | undefined {
  const s = text(value);
  const m = s ? DATE_PREFIX.exec(s) : null;
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  return `${y}-${mo}-${d}`;
}

/** Line receipt type: `QUANTITY_RECEIPT` (also the example's `WQTY`) or `NONE` (also empty); PO spec Q8. */
export function receiptType(value: unknown): "QUANTITY_RECEIPT" | "NONE" | undefined {
  const s = text(value)?.toUpperCase().replace(/[\s-]+/g, "_");
  if (s === undefined || s === "NONE") return "NONE";
  if (s === "QUANTITY_RECEIPT" || s === "WQTY" || s === "QUANTITY") return "QUANTITY_RECEIPT";
  return undefined;
}

/** An array from an array, a single object (the swagger's `$ref` instead of an array) or nothing. */
export function many<T>(value: T[] | T | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The records of a v3 collection: `Items` first, else the input key (`Vendor`, …), as an array (vendor spec Q9). */
export function itemsOf<T>(body: unknown, inputKey: string): T[] {
  if (!body || typeof body !== "object") return [];
  const record = body as Record<string, unknown>;
  if (record.Items !== undefined && record.Items !== null) return many(record.Items as T[] | T);
  return many(record[inputKey] as T[] | T | undefined);
}

/**
 * The message of a legacy error body, whatever its form (vendor spec Q10): `{Message}`, `{Error: {Message}}`,
 * `{StatusCode, Content: {Error: {Message}}}`, or plain text. Clipped.
 */
export function legacyErrorMessage(body: unknown): string | undefined {
  if (typeof body === "string") return clip(body.trim()) || undefined;
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, any>;
  const candidates = [b.Message, b.message, b.Error?.Message, b.Content?.Error?.Message, b.Content?.Message, b.error?.message, b.errorMessage];
  const found = candidates.find((c) => typeof c === "string" && c.trim() !== "");
  return found ? clip(found.trim()) : undefined;
}

export function clip(value: string, max = 300): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
