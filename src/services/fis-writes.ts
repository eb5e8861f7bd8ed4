// The FIS write mutations: input checked against what FIS takes (spec §2.2-2.4) before anything is sent, mapped to the
// exact wire shapes of the spec, queued on the coalescing writer; claim = pull READY documents, acknowledge them,
// hand back only those this call acknowledged.
import { LosslessNumber } from "lossless-json";
import type { Caller, FinancialDocumentRecord, FisDocType, WirePaymentConfirmation, WirePostingConfirmation } from "../datasources/index.js";
import { FIS_CONFIRMABLE_DOC_TYPES } from "../datasources/index.js";
import { badInput } from "../errors.js";
import { PaymentMethod, PostingOutcome, type FinancialPaymentInput, type FinancialPostingInput } from "../schema/index.js";
import { acknowledgeThroughLedger, claimThroughLedger, confirmThroughLedger, type FisClaimDeps, type LedgerOutcome } from "./fis-claims.js";

/** What the FIS write services need: reader, coalescing writer and the claim ledger. */
export type FisWriteDeps = FisClaimDeps;

/** Most documents one mutation takes (the writer splits them into POSTs of ≤100). */
export const MAX_DOCUMENTS_PER_MUTATION = 1000;
/** Most documents one claim pulls: one upstream page. */
export const MAX_CLAIM = 100;

const DOC_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** The two clearingDate formats FIS accepts (spec §2.4). */
const CLEARING_DATE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}\.\d{3}Z$|^(\d{4})(\d{2})(\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function requireConfirmable(docType: FisDocType, what: string): void {
  if (!FIS_CONFIRMABLE_DOC_TYPES.includes(docType)) throw badInput(`${what}: FIS lists no ${what} for ${docType} documents (only reading them)`, { field: "docType" });
}

function checkDocIds(ids: string[], field: string): void {
  if (ids.length === 0) throw badInput(`${field}: give at least one document id`, { field });
  if (ids.length > MAX_DOCUMENTS_PER_MUTATION) throw badInput(`${field}: at most ${MAX_DOCUMENTS_PER_MUTATION} documents per mutation, got ${ids.length}`, { field, limit: MAX_DOCUMENTS_PER_MUTATION });
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!DOC_ID.test(id)) throw badInput(`${field}[${i}]: ${JSON.stringify(id)} is not a FIS document id (1-32 letters and digits)`, { field: `${field}[${i}]` });
    const seen = first.get(id);
    if (seen !== undefined) throw badInput(`${field}[${i}] repeats ${field}[${seen}] (${id}): give each document once`, { field: `${field}[${i}]` });
    first.set(id, i);
  });
}

function text(value: string | null | undefined, field: string, max: number, required = false): string {
  const v = value ?? "";
  if (required && v.trim() === "") throw badInput(`${field} is required`, { field });
  if (v.length > max) throw badInput(`${field}: at most ${max} characters, got ${v.length}`, { field, limit: max });
  return v;
}

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** FinancialPostingInput -> the spec's PostingConfirmationRequestItem, key order as in its example. */
export function toWirePosting(input: FinancialPostingInput, i: number): WirePostingConfirmation {
  const at = `confirmations[${i}]`;
  const docs = input.postingDocuments ?? [];
  const messages = input.messages ?? [];
  if (input.status === PostingOutcome.SUCCESS && docs.length === 0) throw badInput(`${at}.postingDocuments: a SUCCESS needs the ERP document(s) it posted as`, { field: `${at}.postingDocuments` });
  if (input.status === PostingOutcome.ERROR && messages.length === 0) throw badInput(`${at}.messages: an ERROR needs at least one ERP message (it goes to Concur's audit trail)`, { field: `${at}.messages` });
  return {
    docId: input.docId,
    overallPostingStatusCode: input.status === PostingOutcome.SUCCESS ? "success" : "error",
    postingDocs: docs.map((d, j) => {
      const f = `${at}.postingDocuments[${j}]`;
      if (d.fiscalYear != null && !/^\d{4}$/.test(d.fiscalYear)) throw badInput(`${f}.fiscalYear must be four digits, got ${JSON.stringify(d.fiscalYear)}`, { field: `${f}.fiscalYear` });
      if (d.postingDate != null && !(DATE.test(d.postingDate) && validDate(...(d.postingDate.split("-") as [string, string, string])))) {
        throw badInput(`${f}.postingDate must be a date YYYY-MM-DD, got ${JSON.stringify(d.postingDate)}`, { field: `${f}.postingDate` });
      }
      const wire: WirePostingConfirmation["postingDocs"][number] = {
        companyId: text(d.companyCode, `${f}.companyCode`, 32, true),
        documentNumber: text(d.documentNumber, `${f}.documentNumber`, 80),
        fiscalYear: d.fiscalYear ?? "",
        paymentRelevantLineItems: (d.paymentRelevantLineItems ?? []).map((p, k) => ({ type: p.type, id: text(p.id, `${f}.paymentRelevantLineItems[${k}].id`, 64, true), parentId: p.parentId ?? null })),
        postingDate: d.postingDate ?? "",
      };
      return wire;
    }),
    systemMessages: messages.map((m, j) => {
      const f = `${at}.messages[${j}]`;
      return {
        concurTransactionLineItemId: text(m.lineItemId, `${f}.lineItemId`, 64),
        messageId: text(m.messageId, `${f}.messageId`, 64, true),
        messageLanguage: text(m.language ?? "EN", `${f}.language`, 8),
        messageLongText: text(m.longText, `${f}.longText`, 1300),
        messageShortText: text(m.shortText, `${f}.shortText`, 1300, true),
      };
    }),
  };
}

/** FinancialPaymentInput -> the spec's payment confirmation item; the amount written with exactly its digits. */
export function toWirePayment(input: FinancialPaymentInput, i: number, paymentRefs: Map<string, string>): WirePaymentConfirmation {
  const at = `confirmations[${i}]`;
  const details = input.clearingDetails ?? [];
  if ((input.status === "CP" || input.status === "PP") && details.length === 0) throw badInput(`${at}.clearingDetails: a payment (${input.status}) needs at least one clearing detail`, { field: `${at}.clearingDetails` });
  const wire: WirePaymentConfirmation = {
    docId: input.docId,
    processingStatusCode: input.status,
    clearingDetails: details.map((d, j) => {
      const f = `${at}.clearingDetails[${j}]`;
      const m = CLEARING_DATE.exec(d.clearingDate);
      if (!m || !validDate(m[1] ?? m[4], m[2] ?? m[5], m[3] ?? m[6])) {
        throw badInput(`${f}.clearingDate must be yyyy-MM-ddTHH:mm:ss.SSSZ (e.g. 2019-02-06T12:00:00.000Z) or yyyyMMdd (e.g. 20190206), got ${JSON.stringify(d.clearingDate)}`, { field: `${f}.clearingDate` });
      }
      if (!/^[A-Z]{3}$/.test(d.currency)) throw badInput(`${f}.currency must be an ISO 4217 code such as USD, got ${JSON.stringify(d.currency)}`, { field: `${f}.currency` });
      if (!/^\d{4}$/.test(d.reference.fiscalYear)) throw badInput(`${f}.reference.fiscalYear must be four digits`, { field: `${f}.reference.fiscalYear` });
      const paymentRef = text(d.reference.paymentRef, `${f}.reference.paymentRef`, 64, true);
      const earlier = paymentRefs.get(paymentRef);
      if (earlier !== undefined) throw badInput(`${f}.reference.paymentRef ${JSON.stringify(paymentRef)} is already used by ${earlier}: each confirmation needs its own`, { field: `${f}.reference.paymentRef` });
      paymentRefs.set(paymentRef, `${f}.reference.paymentRef`);
      const detail: WirePaymentConfirmation["clearingDetails"][number] = {
        clearingDate: d.clearingDate,
        clearingAmount: new LosslessNumber(d.amount),
        clearingCurrency: d.currency,
        clearingReference: {
          companyCode: text(d.reference.companyCode, `${f}.reference.companyCode`, 32, true),
          financialDocumentId: text(d.reference.financialDocumentId, `${f}.reference.financialDocumentId`, 80, true),
          fiscalYear: d.reference.fiscalYear,
          paymentRef,
        },
      };
      if (d.reference.paymentMethod) detail.clearingReference.paymentMethod = d.reference.paymentMethod === PaymentMethod.CHECK ? "C" : "E";
      if (d.receiver) detail.receiver = { receiverId: text(d.receiver.receiverId, `${f}.receiver.receiverId`, 128, true), receiverName: text(d.receiver.receiverName, `${f}.receiver.receiverName`, 255, true), receiverType: d.receiver.receiverType ?? "EMPLOYEE" };
      return detail;
    }),
  };
  if (input.additionalMessage) wire.additionalMessage = text(input.additionalMessage, `${at}.additionalMessage`, 1300);
  return wire;
}

export async function acknowledge(deps: FisWriteDeps, caller: Caller, companyId: string, docType: FisDocType, ids: string[]): Promise<LedgerOutcome[]> {
  requireConfirmable(docType, "acknowledgements");
  checkDocIds(ids, "ids");
  return (await acknowledgeThroughLedger(deps, caller, companyId, docType, ids)).outcomes;
}

export function confirmPostings(deps: FisWriteDeps, caller: Caller, companyId: string, docType: FisDocType, confirmations: FinancialPostingInput[]): Promise<LedgerOutcome[]> {
  requireConfirmable(docType, "posting confirmations");
  checkDocIds(confirmations.map((c) => c.docId), "confirmations.docId");
  // One posting confirmation per document (spec §2.3): the document is the ledger item.
  const items = confirmations.map((c, i) => ({ docId: c.docId, itemKey: c.docId, item: { docId: c.docId, posting: toWirePosting(c, i) } }));
  return confirmThroughLedger(deps, caller, companyId, docType, "postingConfirmation", items);
}

/**
 * The ledger item of a payment confirmation: a completing payment (CP) once per document (FIS answers a second one
 * 213), every other one per document, status and paymentRef (FIS keeps each paymentRef once).
 */
export function paymentItemKey(wire: WirePaymentConfirmation): string {
  if (wire.processingStatusCode === "CP") return `${wire.docId}:CP`;
  return `${wire.docId}:${wire.processingStatusCode}:${wire.clearingDetails[0]?.clearingReference.paymentRef ?? ""}`;
}

export function confirmPayments(deps: FisWriteDeps, caller: Caller, companyId: string, confirmations: FinancialPaymentInput[]): Promise<LedgerOutcome[]> {
  checkDocIds(confirmations.map((c) => c.docId), "confirmations.docId");
  const refs = new Map<string, string>();
  const items = confirmations.map((c, i) => {
    const payment = toWirePayment(c, i, refs);
    return { docId: c.docId, itemKey: paymentItemKey(payment), item: { docId: c.docId, payment } };
  });
  return confirmThroughLedger(deps, caller, companyId, "expense", "paymentConfirmation", items);
}

/**
 * Pull up to `max` READY documents and acknowledge them; hand back only the ones this call now holds (its claim
 * ledger row settled as its own), with their new status. A document recalled in between (102), held by another
 * caller, or whose acknowledgement cannot be settled yet (UNCERTAIN) is in `outcomes` only: posting it would
 * double-book or post a withdrawn report.
 */
export async function claim(
  deps: FisWriteDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  max: number,
): Promise<{ documents: FinancialDocumentRecord[]; outcomes: LedgerOutcome[] }> {
  requireConfirmable(docType, "acknowledgements");
  if (!Number.isInteger(max) || max < 1 || max > MAX_CLAIM) throw badInput(`max must be between 1 and ${MAX_CLAIM}, got ${max}`, { field: "max", limit: MAX_CLAIM });
  return claimThroughLedger(deps, caller, companyId, docType, max);
}
