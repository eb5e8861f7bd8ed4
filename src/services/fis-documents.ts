// FIS records and outcomes as the schema's objects: doc types between GraphQL names (CASH_ADVANCE) and FIS path values
// (cashadvance), outcomes with their final / retryable flags.
import { parse as parseLossless } from "lossless-json";
import type { FinancialDocumentRecord, FisDocType, FisOutcome, WirePaymentConfirmation, WirePostingConfirmation } from "../datasources/index.js";
import {
  FinancialDocType,
  PostingOutcome,
  type FinancialDocument,
  type FinancialDocumentOutcome,
  type FinancialDocumentStatus,
  type PaymentProcessingStatus,
  type RecordedPayment,
  type RecordedPosting,
} from "../schema/index.js";
import type { RecordedConfirmation } from "./fis-claims.js";

const TO_FIS: Record<FinancialDocType, FisDocType> = {
  [FinancialDocType.EXPENSE]: "expense",
  [FinancialDocType.INVOICE]: "invoice",
  [FinancialDocType.CASH_ADVANCE]: "cashadvance",
  [FinancialDocType.PAYROLL]: "payroll",
  [FinancialDocType.REQUEST_OBLIGATION]: "requestobligation",
  [FinancialDocType.REPORT_OBLIGATION]: "reportobligation",
};
const FROM_FIS = Object.fromEntries(Object.entries(TO_FIS).map(([graph, fis]) => [fis, graph])) as Record<FisDocType, FinancialDocType>;

export const fisDocType = (docType: FinancialDocType): FisDocType => TO_FIS[docType];
export const graphDocType = (docType: FisDocType): FinancialDocType => FROM_FIS[docType];

/** A record as a FinancialDocument (the typed parts are already shaped like the schema's classes). */
export function toFinancialDocumentNode(record: FinancialDocumentRecord): FinancialDocument {
  return {
    ...record,
    docType: graphDocType(record.docType),
    status: record.status as FinancialDocumentStatus,
  } as unknown as FinancialDocument;
}

export function toOutcomeNode(outcome: FisOutcome & { recorded?: RecordedConfirmation | null }): FinancialDocumentOutcome {
  const again = outcome.status === "RETRY_LATER" || outcome.status === "UNCERTAIN";
  const { recorded, ...rest } = outcome;
  return {
    ...rest,
    status: outcome.status as FinancialDocumentOutcome["status"],
    final: !again,
    retryable: again,
    recordedPosting: recorded?.kind === "posting" ? toRecordedPosting(recorded.wire) : null,
    recordedPayment: recorded?.kind === "payment" ? toRecordedPayment(recorded.wire) : null,
  };
}

/** A recorded posting confirmation (wire JSON) as the schema's RecordedPosting. */
function toRecordedPosting(wire: string): RecordedPosting {
  const item = parseLossless(wire) as WirePostingConfirmation;
  return {
    status: item.overallPostingStatusCode === "success" ? PostingOutcome.SUCCESS : PostingOutcome.ERROR,
    postingDocuments: (item.postingDocs ?? []).map((d) => ({ companyCode: d.companyId, documentNumber: d.documentNumber || null, fiscalYear: d.fiscalYear ? String(d.fiscalYear) : null, postingDate: d.postingDate || null })),
    messageIds: (item.systemMessages ?? []).map((m) => m.messageId),
  };
}

/** A recorded payment confirmation (wire JSON, amounts exact) as the schema's RecordedPayment. */
function toRecordedPayment(wire: string): RecordedPayment {
  const item = parseLossless(wire) as WirePaymentConfirmation;
  return {
    status: item.processingStatusCode as PaymentProcessingStatus,
    clearingDetails: (item.clearingDetails ?? []).map((d) => ({
      clearingDate: d.clearingDate,
      amount: String(d.clearingAmount),
      currency: d.clearingCurrency,
      companyCode: d.clearingReference.companyCode,
      financialDocumentId: d.clearingReference.financialDocumentId,
      fiscalYear: d.clearingReference.fiscalYear,
      paymentRef: d.clearingReference.paymentRef,
    })),
  };
}
