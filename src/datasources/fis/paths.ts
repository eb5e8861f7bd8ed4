import { badInput } from "../../errors.js";

/**
 * Financial Integration Service v4 paths (spec §1, §2): the company is taken from the token, so no company id
 * appears in the path; the base URL is the company's geolocation like every other API.
 */
export const FIS_API = "/financialintegration/fi/v4/companies/transactiontypes";

/** The one scope of all FIS calls (spec §1 "Scope"). */
export const FIS_SCOPE = "FISVC";

/** `{docType}` path values (spec §1 "doc types"). */
export type FisDocType = "expense" | "invoice" | "cashadvance" | "payroll" | "requestobligation" | "reportobligation";
export const FIS_DOC_TYPES: readonly FisDocType[] = ["expense", "invoice", "cashadvance", "payroll", "requestobligation", "reportobligation"];

/** Doc types FIS lists for acknowledgements and posting confirmations; reportobligation is not listed (spec Q12). */
export const FIS_CONFIRMABLE_DOC_TYPES: readonly FisDocType[] = ["expense", "invoice", "cashadvance", "payroll", "requestobligation"];

export const fisPaths = {
  transactions: (docType: FisDocType) => `${FIS_API}/${docTypeSegment(docType)}/transactions`,
  acknowledgements: (docType: FisDocType) => `${fisPaths.transactions(docType)}/acknowledgements`,
  postingConfirmations: (docType: FisDocType) => `${fisPaths.transactions(docType)}/postingconfirmations`,
  paymentConfirmations: (docType: FisDocType) => `${fisPaths.transactions(docType)}/paymentconfirmations`,
};

function docTypeSegment(docType: FisDocType): string {
  if (!FIS_DOC_TYPES.includes(docType)) throw badInput(`docType must be one of ${FIS_DOC_TYPES.join(", ")}, got ${String(docType)}`, { field: "docType" });
  return docType;
}

/** A stable `systemId` per company connection (spec Q8): ≤50 characters, the same in GET, ack, confirm and payment. */
export const systemIdFor = (companyId: string): string => `concur-graph:${companyId.toLowerCase()}`.slice(0, 50);
