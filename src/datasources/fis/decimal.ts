/**
 * Exact decimals (spec §3 "General": numbers up to 23 digits with 8 decimals, e.g. `0E-8`, `50.00000000`). FIS bodies
 * are parsed with lossless-json, so every number arrives as the text Concur sent; here that text becomes a plain
 * decimal string, digit for digit, never through a float.
 */
import { isLosslessNumber } from "lossless-json";

const NUMBER = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const PLAIN = /^-?\d+(\.\d+)?$/;

/**
 * A JSON number's text as a plain decimal: exponents expanded (`0E-8` -> `0.00000000`, `1.5E+3` -> `1500`),
 * digits and scale otherwise kept as sent (`50.00000000` stays). Undefined when `text` is not a JSON number.
 */
export function plainDecimal(text: string): string | undefined {
  const m = NUMBER.exec(text.trim());
  if (!m) return undefined;
  const [, sign, int, frac = "", exp] = m;
  if (exp === undefined) return `${sign}${stripLeadingZeros(int)}${frac ? `.${frac}` : ""}`;
  let digits = int + frac;
  let point = int.length + Number(exp);
  if (point <= 0) {
    digits = "0".repeat(1 - point) + digits;
    point = 1;
  }
  if (point >= digits.length) return `${sign}${stripLeadingZeros(digits + "0".repeat(point - digits.length))}`;
  return `${sign}${stripLeadingZeros(digits.slice(0, point))}.${digits.slice(point)}`;
}

function stripLeadingZeros(int: string): string {
  const stripped = int.replace(/^0+(?=\d)/, "");
  return stripped === "" ? "0" : stripped;
}

/** True for a plain decimal string (`-12.50`), the form the gateway hands out and accepts. */
export const isPlainDecimal = (value: string): boolean => PLAIN.test(value);

/** Digits before and after the point of a plain decimal. */
export function decimalShape(value: string): { integerDigits: number; scale: number } {
  const [int, frac = ""] = value.replace(/^-/, "").split(".");
  return { integerDigits: stripLeadingZeros(int).length, scale: frac.length };
}

/**
 * A lossless-json value made plain JSON: numbers that are safe integers become numbers, every other number its
 * plain decimal string, so amounts survive JSON.stringify, Redis and GraphQL exactly.
 */
export function normalizeNumbers(value: unknown): unknown {
  if (isLosslessNumber(value)) return numberOf(value.value);
  if (Array.isArray(value)) return value.map(normalizeNumbers);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = normalizeNumbers(v);
    return out;
  }
  return value;
}

function numberOf(text: string): number | string {
  if (/^-?\d{1,15}$/.test(text)) return Number(text);
  return plainDecimal(text) ?? text;
}
