import { registerEnumType } from "type-graphql";

/*
 * GraphQL enums of the Financial Integration Service v4 (spec §1, §2). Values equal their GraphQL names; the FIS
 * spelling (path values such as `cashadvance`) is mapped in src/services/fis-documents.ts.
 */

/** FIS doc type (the `{docType}` path value). */
export enum FinancialDocType {
  EXPENSE = "EXPENSE",
  INVOICE = "INVOICE",
  CASH_ADVANCE = "CASH_ADVANCE",
  PAYROLL = "PAYROLL",
  REQUEST_OBLIGATION = "REQUEST_OBLIGATION",
  REPORT_OBLIGATION = "REPORT_OBLIGATION",
}

registerEnumType(FinancialDocType, {
  name: "FinancialDocType",
  description: "Kind of financial document FIS hands to the ERP. One doc type per call.",
  valuesConfig: {
    EXPENSE: { description: "Expense report (FIS `expense`); the only doc type with payment confirmations." },
    INVOICE: { description: "Invoice / payment request (FIS `invoice`)." },
    CASH_ADVANCE: { description: "Cash advance (FIS `cashadvance`)." },
    PAYROLL: { description: "Expense paid through payroll (FIS `payroll`)." },
    REQUEST_OBLIGATION: { description: "Funds reservation of a travel request (FIS `requestobligation`)." },
    REPORT_OBLIGATION: { description: "Funds reservation of a report (FIS `reportobligation`): readable only; FIS lists no acknowledgement or confirmation for it." },
  },
});

/** `FIDocument.docStatus`. */
export enum FinancialDocumentStatus {
  READY = "READY",
  ACKNOWLEDGED = "ACKNOWLEDGED",
  POSTING_CONFIRMED_SUCCESS = "POSTING_CONFIRMED_SUCCESS",
  POSTING_CONFIRMED_FAILURE = "POSTING_CONFIRMED_FAILURE",
}

registerEnumType(FinancialDocumentStatus, {
  name: "FinancialDocumentStatus",
  description: "Where a financial document is in FIS's lifecycle: READY -> ACKNOWLEDGED -> POSTING_CONFIRMED_SUCCESS or _FAILURE.",
  valuesConfig: {
    READY: { description: "Final-approved and waiting to be pulled; not yet acknowledged. Do not post it before acknowledging it." },
    ACKNOWLEDGED: { description: "Acknowledged (locked in Concur, out of the READY queue): post it to the ERP, then confirm the posting." },
    POSTING_CONFIRMED_SUCCESS: { description: "The ERP posting was confirmed as successful; expense reports may now get payment confirmations." },
    POSTING_CONFIRMED_FAILURE: { description: "The ERP posting was confirmed as failed; a corrected report comes back under a new document id." },
  },
});

/** How one document's write went, from its FIS service code. */
export enum FinancialOutcomeStatus {
  SUCCEEDED = "SUCCEEDED",
  ALREADY_DONE = "ALREADY_DONE",
  RETRY_LATER = "RETRY_LATER",
  FAILED = "FAILED",
  UNCERTAIN = "UNCERTAIN",
  CONFLICT = "CONFLICT",
}

registerEnumType(FinancialOutcomeStatus, {
  name: "FinancialOutcomeStatus",
  description: "How one document's acknowledgement or confirmation went: from its FIS service code, settled by the gateway's claim ledger where FIS's answer cannot say whose it was.",
  valuesConfig: {
    SUCCEEDED: { description: "Done for this caller (code 0, or an already-done answer after this call's own lost answer, settled through the claim ledger or by reading the document back). An acknowledgement SUCCEEDED is yours: post that document; no other caller was or will be told so." },
    ALREADY_DONE: { description: "Done before, or held by someone else (101 / 113 / 213 / 298 NOOP, or the claim ledger: another caller holds it; or a repeat of the same confirmation): nothing changed. An acknowledgement ALREADY_DONE is not yours: do not post that document." },
    RETRY_LATER: { description: "Not done, and sending it again may work (199 unknown error after the gateway's own retries; read back as not applied)." },
    FAILED: { description: "Not done, and sending it again will not help (recalled, not found, wrong state or type, invalid, system id mismatch)." },
    UNCERTAIN: { description: "Concur's answer was lost and the gateway cannot tell yet whether it was applied. An acknowledgement: not yours, do not post it; claim again later (the gateway settles it once its lease has run out and hands it to exactly one caller). A confirmation: send the same one again later." },
    CONFLICT: { description: "Another confirmation of this document (or payment) with different values is on record (see recordedPosting / recordedPayment) and Concur keeps that one: nothing of yours was sent. Check your ERP for a double posting." },
  },
});

/** `overallPostingStatusCode`. */
export enum PostingOutcome {
  SUCCESS = "SUCCESS",
  ERROR = "ERROR",
}

registerEnumType(PostingOutcome, {
  name: "PostingOutcome",
  description: "How the ERP posting of a document ended.",
  valuesConfig: {
    SUCCESS: { description: "Posted: give the ERP document numbers (postingDocuments)." },
    ERROR: { description: "Not posted (every ERP posting of the document backed out): give the ERP messages; they land in Concur's audit trail." },
  },
});

/** `processingStatusCode` of a payment confirmation. */
export enum PaymentProcessingStatus {
  CP = "CP",
  PP = "PP",
  RE = "RE",
  OB = "OB",
}

registerEnumType(PaymentProcessingStatus, {
  name: "PaymentProcessingStatus",
  description: "What happened to an expense report's payment in the ERP.",
  valuesConfig: {
    CP: { description: "Completely paid." },
    PP: { description: "Partially paid." },
    RE: { description: "Reversal (say why in additionalMessage)." },
    OB: { description: "Obsolete (say why in additionalMessage)." },
  },
});

/** `clearingReference.paymentMethod`. */
export enum PaymentMethod {
  EFT = "EFT",
  CHECK = "CHECK",
}

registerEnumType(PaymentMethod, {
  name: "PaymentMethod",
  description: "How the ERP paid.",
  valuesConfig: { EFT: { description: "Electronic funds transfer (FIS `E`)." }, CHECK: { description: "Check (FIS `C`)." } },
});

/** `CommitmentSource.type` (obligations' paymentRelevantLineItems). */
export enum CommitmentSourceType {
  DOCUMENT = "DOCUMENT",
  ENTRY = "ENTRY",
  ALLOCATION = "ALLOCATION",
}

registerEnumType(CommitmentSourceType, {
  name: "CommitmentSourceType",
  description: "What a funds commitment reference points at (obligations).",
  valuesConfig: {
    DOCUMENT: { description: "The request or report (id = requestId / reportId)." },
    ENTRY: { description: "An entry (id = entryId, parentId = the document id)." },
    ALLOCATION: { description: "An allocation (id = allocation resolver key, parentId = entryId)." },
  },
});
