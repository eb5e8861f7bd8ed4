import { XMLParser } from "fast-xml-parser";
import { CodedError, ErrorCode } from "../../errors.js";

/** Elements that are lists even when one (or none) is present. */
const LIST_ELEMENTS = new Set(["definitions.definition", "jobs.job", "BatchList.BatchSummary"]);

const parser = new XMLParser({
  // `xmlns="…/extract/2010/02"` and `xmlns:i` are declared on the roots; names are matched without prefixes.
  removeNSPrefix: true,
  ignoreAttributes: true,
  // Ids, amounts and counts stay strings (BatchTotal keeps its exact decimals).
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (_name, jpath) => LIST_ELEMENTS.has(String(jpath)),
});

/** Parses an XML answer and returns its `root` element; UPSTREAM_ERROR when it is not that XML. */
export function parseXmlRoot<T>(text: unknown, root: string, correlationId?: string): T {
  let parsed: Record<string, unknown> | undefined;
  if (typeof text === "string" && text.trim().startsWith("<")) {
    try {
      parsed = parser.parse(text, true) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
  }
  const value = parsed?.[root];
  if (value === undefined) {
    throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered with a body that is not the expected <${root}> XML`, correlationId ? { correlationId } : {});
  }
  // `<jobs/>` (no job) parses as "": an empty element.
  return (value === "" ? {} : value) as T;
}

/** `<definition xmlns="…"><id>{definition URL}</id></definition>`: the body of E3 (`id` required). */
export function startJobBody(definitionUrl: string): string {
  const escaped = definitionUrl.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);
  return `<?xml version="1.0" encoding="utf-8"?><definition xmlns="http://www.concursolutions.com/api/expense/extract/2010/02"><id>${escaped}</id></definition>`;
}
