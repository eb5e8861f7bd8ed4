// FIS records and outcomes as the schema's objects: doc types between GraphQL names (CASH_ADVANCE) and FIS path values
// (cashadvance), outcomes with their final / retryable flags.
import type { FinancialDocumentRecord, FisDocType, FisOutcome } from "../datasources/index.js";
import { FinancialDocType, type FinancialDocument, type FinancialDocumentOutcome, type FinancialDocumentStatus } from "../schema/index.js";

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

export function toOutcomeNode(outcome: FisOutcome): FinancialDocumentOutcome {
  return {
    ...outcome,
    status: outcome.status as FinancialDocumentOutcome["status"],
    final: outcome.status !== "RETRY_LATER",
    retryable: outcome.status === "RETRY_LATER",
  };
}
