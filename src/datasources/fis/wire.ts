/** FIS v4 wire shapes (spec §2), as the lossless parser returns them: numbers are LosslessNumbers until normalized. */
import type { RelLink } from "../client/links.js";

export type FisDocStatus = "READY" | "ACKNOWLEDGED" | "POSTING_CONFIRMED_SUCCESS" | "POSTING_CONFIRMED_FAILURE";

/** `FIDocument` (spec §2.1). `document` is an object (`DocumentFormatAs: json`) or the same JSON as a string (Q2). */
export interface WireFiDocument {
  id: string;
  docType: string;
  companyId?: string | null;
  entityId?: string | null;
  companyUuid?: string | null;
  erpSystemId?: string | null;
  document?: unknown;
  docStatus: string;
  links?: RelLink[];
}

/** `PageMetadata`: `number` is 0-based. */
export interface WirePageMetadata {
  size: unknown;
  totalElements: unknown;
  totalPages: unknown;
  number: unknown;
}

/** `PagedResources<FIDocument>` (spec §2.1) or the older envelope of the JSON examples (Q3). */
export interface WireTransactionsPage {
  links?: RelLink[];
  content?: WireFiDocument[];
  page?: WirePageMetadata;
  fIDocuments?: WireFiDocument[];
  offset?: unknown;
  nextPage?: unknown;
  numberReturned?: unknown;
}

/** One item of the bare-array answers of the three POSTs (spec §2.2-2.4), in request order. */
export interface WireOutcomeItem {
  code: unknown;
  docId?: string;
  systemId?: string | null;
  acknowledgeResult?: string;
  postingConfirmationResult?: string;
  paymentConfirmationResult?: string;
  errorMessage?: string | null;
  detailMessage?: string | null;
  paymentRef?: string | null;
}

/** `PostingDocs` (spec §2.3); fiscalYear sent as a string like every example (Q9). */
export interface WirePostingDoc {
  companyId: string;
  documentNumber?: string;
  fiscalYear?: string;
  paymentRelevantLineItems: Array<{ type: string; id: string; parentId?: string | null }>;
  postingDate?: string;
}

/** `SystemMessage` (spec §2.3); messageLongText sent as a string like the examples (Q10). */
export interface WireSystemMessage {
  concurTransactionLineItemId: string;
  messageId: string;
  messageLanguage: string;
  messageLongText: string;
  messageShortText: string;
}

export interface WirePostingConfirmation {
  docId: string;
  overallPostingStatusCode: "success" | "error";
  postingDocs: WirePostingDoc[];
  systemMessages: WireSystemMessage[];
}

/** `ClearingDetail` (spec §2.4): receiver and clearingReference as objects like the examples (Q10). */
export interface WireClearingDetail {
  clearingDate: string;
  /** A LosslessNumber, so the amount is written with exactly the caller's digits. */
  clearingAmount: unknown;
  clearingCurrency: string;
  receiver?: { receiverId: string; receiverName: string; receiverType: string };
  clearingReference: { companyCode: string; financialDocumentId: string; fiscalYear: string; paymentRef: string; paymentMethod?: "E" | "C" };
}

export interface WirePaymentConfirmation {
  docId: string;
  processingStatusCode: "CP" | "PP" | "RE" | "OB";
  additionalMessage?: string;
  clearingDetails: WireClearingDetail[];
}
