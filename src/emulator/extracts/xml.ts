import { XMLParser } from "fast-xml-parser";
import type { Reply } from "../core/http.js";

/** The legacy host every documented XML example prints in its absolute URLs (ids, links, Batch-URL, File-Url). */
export const LEGACY_HOST = "https://www.concursolutions.com";
/** Extracts v1.0 namespace (SAP-docs v1.extracts, legacy per-operation pages). */
export const EXTRACT_NS = "http://www.concursolutions.com/api/expense/extract/2010/02";
/** Payment Batches namespace (legacy payment-batch pages). */
export const PAYMENT_BATCH_NS = "http://www.concursolutions.com/api/expense/paymentbatch/2011/11";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

/** `<name>text</name>`, or nothing when the value is absent (absent elements are how the docs show "not yet"). */
export function el(name: string, value: string | number | undefined | null): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** An XML answer with the declaration the legacy examples show. */
export function xmlReply(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, body: `<?xml version="1.0" encoding="utf-8"?>${body}`, contentType: "application/xml; charset=utf-8", headers };
}

/** Parses a request body (namespaces dropped from names); undefined when it is not XML. */
export function parseXml(text: string): Record<string, unknown> | undefined {
  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true });
  try {
    const parsed = parser.parse(text, true) as Record<string, unknown>;
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}
