/** Types of the Financial Integration Service emulation (FIS v4, spec §1-§5). */

/** Path values of `{docType}` (spec §1 "doc types"). */
export const DOC_TYPES = ["expense", "invoice", "cashadvance", "payroll", "requestobligation", "reportobligation"] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** Doc types the acknowledgement and posting confirmation operations list (reportobligation is not listed, Q12). */
export const CONFIRMABLE_DOC_TYPES: readonly DocType[] = ["expense", "invoice", "cashadvance", "payroll", "requestobligation"];

/** `FIDocument.docStatus` (spec §2.1). */
export type DocStatus = "READY" | "ACKNOWLEDGED" | "POSTING_CONFIRMED_SUCCESS" | "POSTING_CONFIRMED_FAILURE";

/** ESS event type prefix per doc type (spec §2.5: camel case for the obligations, unlike the path values). */
export const EVENT_PREFIX: Record<DocType, string> = {
  expense: "expense",
  invoice: "invoice",
  cashadvance: "cashadvance",
  payroll: "payroll",
  requestobligation: "requestObligation",
  reportobligation: "reportObligation",
};

/** The JSON the emulator keeps documents in: numbers are lossless-json `LosslessNumber`s (exact digits). */
export type LosslessJson = unknown;
