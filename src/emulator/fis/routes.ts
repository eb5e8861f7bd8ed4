import { isLosslessNumber, parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import type { TokenGrant } from "../core/auth.js";
import { badRequest, ErrorCode, HttpError } from "../core/errors.js";
import { roll } from "../core/faults.js";
import { authenticated, header } from "../core/guards.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { ValidationError } from "../core/types.js";
import { FisCode, FisMessage } from "./codes.js";
import type { FisContext } from "./context.js";
import { businessIdOf } from "./documents.js";
import { FIS_LIMITS } from "./limits.js";
import { SCOPE_FIS } from "./scopes.js";
import type { FisDocument } from "./store.js";
import { CONFIRMABLE_DOC_TYPES, DOC_TYPES, type DocType } from "./types.js";

/** Base path of every FIS operation: no company in it, the company comes from the token (spec §1). */
export const FIS_BASE = "/financialintegration/fi/v4/companies/transactiontypes";
export const FIS_ROUTES = {
  transactions: `${FIS_BASE}/{docType}/transactions`,
  acknowledgements: `${FIS_BASE}/{docType}/transactions/acknowledgements`,
  postingConfirmations: `${FIS_BASE}/{docType}/transactions/postingconfirmations`,
  paymentConfirmations: `${FIS_BASE}/{docType}/transactions/paymentconfirmations`,
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !isLosslessNumber(v);

/** A JSON answer written with lossless-json, so the documents' numbers leave with exactly their digits. */
export const losslessReply = (status: number, body: unknown): Reply => ({ status, body: Buffer.from(stringifyLossless(body) ?? "null"), contentType: "application/json" });

/** The body parsed with lossless-json (exact amounts, e.g. clearingAmount); 400 when it is not JSON. */
export async function losslessBody(req: RequestContext): Promise<unknown> {
  const raw = await req.body();
  if (raw.length === 0) throw badRequest("Request body is required", [{ source: "body", errorCode: "body.required", errorMessage: "a JSON body is required" }]);
  try {
    return parseLossless(raw.toString("utf8"));
  } catch {
    throw badRequest("Request body is not valid JSON", [{ source: "body", errorCode: "body.invalid", errorMessage: "body must be valid JSON" }]);
  }
}

/** Token checks of every FIS call: 401 (core), then 403 without FISVC (spec §1 "Scope"). */
function fis(ctx: FisContext, handler: (req: RequestContext, grant: TokenGrant, docType: DocType) => Promise<Reply>) {
  return authenticated(ctx, async (req, grant) => {
    if (!grant.scopes.includes(SCOPE_FIS)) throw new HttpError(403, ErrorCode.ScopeMissing, `Token lacks the scope ${SCOPE_FIS}`);
    const docType = req.params.docType as DocType;
    if (!DOC_TYPES.includes(docType)) {
      throw badRequest(`docType must be one of ${DOC_TYPES.join(", ")}`, [{ source: "docType", errorCode: "docType.invalid", errorMessage: `must be one of ${DOC_TYPES.join(", ")}` }]);
    }
    return handler(req, grant, docType);
  });
}

/** The FIDocument as GET returns it; `document` as an object (`DocumentFormatAs: json`) or a JSON string (`text`). */
function fiDocument(doc: FisDocument, asText: boolean): Obj {
  return {
    id: doc.id,
    docType: doc.docType,
    companyId: doc.legacyCompanyId,
    entityId: doc.entityId,
    companyUuid: doc.companyUuid,
    erpSystemId: doc.erpSystemId,
    document: asText ? stringifyLossless(doc.document) : doc.document,
    docStatus: doc.status,
    links: [],
  };
}

function intParam(req: RequestContext, name: string, fallback: number, min: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw badRequest(`${name} must be an integer ≥ ${min}`, [{ source: name, errorCode: `${name}.invalid`, errorMessage: `must be an integer ≥ ${min}` }]);
  return value;
}

/** `DocumentFormatAs`: json -> object, text -> string; absent -> text [INFERRED Q2: the doc's example shows a string]. */
function documentAsText(req: RequestContext): boolean {
  const raw = header(req, "documentformatas");
  if (raw === undefined || raw === "") return true;
  const value = raw.trim().toLowerCase();
  if (value === "json") return false;
  if (value === "text") return true;
  throw badRequest("DocumentFormatAs must be text or JSON", [{ source: "DocumentFormatAs", errorCode: "DocumentFormatAs.invalid", errorMessage: "must be text or JSON" }]);
}

const link = (rel: string, href: string) => ({ rel, href, hreflang: null, media: null, title: null, type: null, deprecation: null });

export function addFisRoutes(router: Router, ctx: FisContext): void {
  const add = (method: string, template: string, handler: ReturnType<typeof fis>) => router.add({ method, template, kind: "concur", handler });
  const unknownError = () => roll(ctx.fisSettings.fisUnknownErrorRate, ctx.random);
  /** The answer of an applied POST, or a 500 in its place (fisError5xxAfterApplyRate): applied, but the partner cannot know. */
  const answerApplied = (items: unknown[]): Reply => {
    if (roll(ctx.fisSettings.fisError5xxAfterApplyRate, ctx.random)) throw new HttpError(500, ErrorCode.FaultInjected, "Internal server error (injected fault, after the request was applied)");
    return losslessReply(200, items);
  };
  /** Documents of the token's company; others do not exist for it (104 / 116). */
  const mine = (grant: TokenGrant, id: unknown): FisDocument | undefined => {
    if (typeof id !== "string") return undefined;
    const doc = ctx.fis.get(id);
    return doc && doc.companyUuid === grant.companyId.toLowerCase() ? doc : undefined;
  };

  // §2.1 GET transactions: READY documents in queue order, 0-based pages; one document by docId (any status with ignoreDocumentStatus=yes).
  add("GET", FIS_ROUTES.transactions, fis(ctx, async (req, grant, docType) => {
    const page = intParam(req, "page", 0, 0);
    const limit = Math.min(intParam(req, "limit", FIS_LIMITS.fisDefaultPageSize, 1), FIS_LIMITS.fisMaxPageSize);
    const docId = req.query.get("docId") || undefined;
    const ignoreRaw = (req.query.get("ignoreDocumentStatus") ?? "no").toLowerCase();
    if (ignoreRaw !== "yes" && ignoreRaw !== "no") throw badRequest("ignoreDocumentStatus must be yes or no", [{ source: "ignoreDocumentStatus", errorCode: "ignoreDocumentStatus.invalid", errorMessage: "must be yes or no" }]);
    const systemId = req.query.get("systemId");
    if (systemId !== null && systemId.length > FIS_LIMITS.fisSystemIdMaxChars) throw badRequest(`systemId must be at most ${FIS_LIMITS.fisSystemIdMaxChars} characters`);
    const asText = documentAsText(req);
    // ignoreDocumentStatus is only honoured together with docId (spec §2.1).
    const anyStatus = docId !== undefined && ignoreRaw === "yes";
    const matches = ctx.fis
      .ofCompany(grant.companyId)
      .filter((d) => d.docType === docType && !d.recalled && (anyStatus || d.status === "READY"))
      .filter((d) => docId === undefined || d.id === docId.toLowerCase() || businessIdOf(d.document) === docId);
    const totalElements = matches.length;
    const totalPages = Math.ceil(totalElements / limit);
    const content = matches.slice(page * limit, page * limit + limit);
    const href = (p: number) => {
      const q = new URLSearchParams({ limit: String(limit), page: String(p), size: String(limit) });
      if (docId !== undefined) q.set("docId", docId);
      return `${req.site.url}${req.path}?${q}`;
    };
    const links = [link("first", href(0)), link("self", href(page))];
    if (page + 1 < totalPages) links.push(link("next", href(page + 1)));
    links.push(link("last", href(Math.max(totalPages - 1, 0))));
    return losslessReply(200, { links, content: content.map((d) => fiDocument(d, asText)), page: { size: content.length, totalElements, totalPages, number: page } });
  }));

  // §2.2 POST acknowledgements: takes READY documents out of the queue and locks them; one item per id, in order.
  add("POST", FIS_ROUTES.acknowledgements, fis(ctx, async (req, grant, docType) => {
    if (!CONFIRMABLE_DOC_TYPES.includes(docType)) throw badRequest(`${docType} documents cannot be acknowledged`);
    const body = await losslessBody(req);
    const errors: ValidationError[] = [];
    if (!isObj(body)) throw badRequest("Body must be an AcknowledgeRequest object");
    const { ids, systemId } = body;
    if (!Array.isArray(ids) || ids.length === 0) errors.push({ source: "ids", errorCode: "ids.required", errorMessage: "ids must be a non-empty array of document ids" });
    else if (ids.length > FIS_LIMITS.fisMaxItemsPerPost) errors.push({ source: "ids", errorCode: "ids.tooMany", errorMessage: `at most ${FIS_LIMITS.fisMaxItemsPerPost} ids per request` });
    else ids.forEach((id, i) => {
      if (typeof id !== "string" || id === "" || id.length > FIS_LIMITS.fisDocIdMaxChars) errors.push({ source: `ids[${i}]`, errorCode: "ids.invalid", errorMessage: `must be a document id of 1-${FIS_LIMITS.fisDocIdMaxChars} characters` });
    });
    errors.push(...systemIdProblems(systemId, false));
    if (errors.length > 0) throw badRequest("Invalid AcknowledgeRequest", errors);
    const system = typeof systemId === "string" ? systemId : null;
    // An armed recall lands between the caller's GET and this acknowledgement (the race of spec §2.2).
    for (const id of ids as string[]) {
      const doc = mine(grant, id);
      if (doc?.recallOnNextAcknowledge) {
        doc.recallOnNextAcknowledge = false;
        if (doc.status === "READY") doc.recalled = true;
      }
    }
    const items = (ids as string[]).map((id) => {
      const item = (code: number, errorMessage = "") => ({ code, docId: id, systemId: system, acknowledgeResult: code === FisCode.Ok ? "SUCCESS" : "FAILURE", errorMessage });
      const doc = mine(grant, id);
      if (!doc) return item(FisCode.AckNotFound, FisMessage.notFound);
      if (doc.docType !== docType) return item(FisCode.AckWrongType, FisMessage.wrongType(docType));
      if (doc.recalled) return item(FisCode.Recalled, FisMessage.recalled);
      if (doc.status !== "READY") return item(FisCode.AlreadyAcknowledged, FisMessage.alreadyAcknowledged(doc.systemId));
      if (unknownError()) return item(FisCode.UnknownError, FisMessage.unknownError);
      doc.status = "ACKNOWLEDGED";
      doc.systemId = system;
      return item(FisCode.Ok);
    });
    return answerApplied(items);
  }));

  // §2.3 POST postingconfirmations: success (ERP document numbers) or error (messages for the audit trail), once per document.
  add("POST", FIS_ROUTES.postingConfirmations, fis(ctx, async (req, grant, docType) => {
    if (!CONFIRMABLE_DOC_TYPES.includes(docType)) throw badRequest(`${docType} documents cannot be confirmed`);
    const body = await losslessBody(req);
    if (!isObj(body)) throw badRequest("Body must be a ConfirmationRequest object");
    const list = body.postingConfirmations;
    const errors = systemIdProblems(body.systemId, true);
    if (!Array.isArray(list) || list.length === 0) errors.push({ source: "postingConfirmations", errorCode: "postingConfirmations.required", errorMessage: "must be a non-empty array" });
    else if (list.length > FIS_LIMITS.fisMaxItemsPerPost) errors.push({ source: "postingConfirmations", errorCode: "postingConfirmations.tooMany", errorMessage: `at most ${FIS_LIMITS.fisMaxItemsPerPost} per request` });
    if (errors.length > 0) throw badRequest("Invalid ConfirmationRequest", errors);
    const systemId = body.systemId as string;
    const items = (list as unknown[]).map((raw) => {
      const docId = isObj(raw) && typeof raw.docId === "string" ? raw.docId : "";
      const item = (code: number, postingConfirmationResult: string, errorMessage = "", detailMessage = "") => ({ code, docId, systemId, postingConfirmationResult, errorMessage, detailMessage });
      const problem = postingProblem(raw);
      if (problem) return item(FisCode.InvalidRequest, "FAILURE", FisMessage.invalid(problem));
      const doc = mine(grant, docId);
      if (!doc) return item(FisCode.NotFound, "DOCUMENT_NOT_FOUND", FisMessage.notFound);
      if (doc.docType !== docType) return item(FisCode.PostingWrongType, "FAILURE", FisMessage.wrongType(docType));
      if (doc.recalled) return item(FisCode.PostingRecalled, "WAS_RECALLED", FisMessage.recalled);
      if (doc.status === "READY") return item(FisCode.NotAcknowledged, "NOT_YET_ACKNOWLEDGED", FisMessage.notAcknowledged);
      if (doc.status !== "ACKNOWLEDGED") return item(FisCode.AlreadyConfirmed, "FAILURE", FisMessage.alreadyConfirmed);
      if (doc.systemId !== null && doc.systemId !== systemId) return item(FisCode.SystemIdMismatch, "FAILURE", FisMessage.systemIdMismatch);
      if (unknownError()) return item(FisCode.UnknownError, "SYSTEM_ERROR_OCCURRED", FisMessage.unknownError);
      const success = String((raw as Obj).overallPostingStatusCode).toLowerCase() === "success";
      doc.status = success ? "POSTING_CONFIRMED_SUCCESS" : "POSTING_CONFIRMED_FAILURE";
      doc.postingConfirmation = raw;
      return item(FisCode.Ok, "SUCCESS");
    });
    return answerApplied(items);
  }));

  // §2.4 POST paymentconfirmations (expense only): CP / PP / RE / OB with clearing details; each paymentRef once.
  add("POST", FIS_ROUTES.paymentConfirmations, fis(ctx, async (req, grant, docType) => {
    if (docType !== "expense") throw badRequest(`Payment confirmations are supported for expense only (${docType}: future release)`);
    const body = await losslessBody(req);
    if (!isObj(body)) throw badRequest("Body must be a payment ConfirmationRequest object");
    const list = body.processingConfirmation;
    const errors = systemIdProblems(body.systemId, true);
    if (!Array.isArray(list) || list.length === 0) errors.push({ source: "processingConfirmation", errorCode: "processingConfirmation.required", errorMessage: "must be a non-empty array" });
    else if (list.length > FIS_LIMITS.fisMaxItemsPerPost) errors.push({ source: "processingConfirmation", errorCode: "processingConfirmation.tooMany", errorMessage: `at most ${FIS_LIMITS.fisMaxItemsPerPost} per request` });
    if (errors.length > 0) throw badRequest("Invalid payment ConfirmationRequest", errors);
    const systemId = body.systemId as string;
    const company = grant.companyId.toLowerCase();
    const items = (list as unknown[]).map((raw) => {
      const docId = isObj(raw) && typeof raw.docId === "string" ? raw.docId : "";
      const refs = isObj(raw) && Array.isArray(raw.clearingDetails) ? raw.clearingDetails.map(clearingReferenceOf).filter((r): r is Obj => r !== undefined) : [];
      const paymentRef = typeof refs[0]?.paymentRef === "string" ? (refs[0].paymentRef as string) : null;
      const item = (code: number, paymentConfirmationResult: string, errorMessage: string | null = null, detailMessage = "") => ({ code, docId, systemId, paymentConfirmationResult, errorMessage, paymentRef, detailMessage });
      const problem = paymentProblem(raw);
      if (problem) return item(FisCode.InvalidPayment, "FAILURE", FisMessage.invalidPayment(problem));
      const doc = mine(grant, docId);
      if (!doc || doc.docType !== docType) return item(FisCode.NotFound, "DOCUMENT_NOT_FOUND", FisMessage.notFound);
      if (doc.status !== "POSTING_CONFIRMED_SUCCESS") return item(FisCode.UnknownState, "NOT_POSTING_CONFIRMED", FisMessage.notPostingConfirmed);
      if (doc.systemId !== null && doc.systemId !== systemId) return item(FisCode.SystemIdMismatch, "FAILURE", FisMessage.systemIdMismatch);
      for (const ref of refs) {
        const used = ctx.fis.paymentRefUse(company, String(ref.paymentRef));
        if (used !== undefined) return item(FisCode.InvalidPayment, "NOOP", FisMessage.paymentExists(used));
      }
      const code = String((raw as Obj).processingStatusCode);
      if (doc.paymentStatus === "CP" && (code === "CP" || code === "PP")) return item(FisCode.PaymentAlreadyConfirmed, "FAILURE", FisMessage.paymentAlreadyConfirmed);
      if (unknownError()) return item(FisCode.UnknownError, "SYSTEM_ERROR_OCCURRED", FisMessage.unknownError);
      for (const ref of refs) ctx.fis.usePaymentRef(company, String(ref.paymentRef), [ref.companyCode, ref.financialDocumentId, ref.fiscalYear, ref.paymentRef].map((v) => String(v ?? "")).join("/"));
      doc.paymentStatus = code;
      doc.paymentConfirmations.push(raw);
      return item(FisCode.Ok, "SUCCESS");
    });
    return answerApplied(items);
  }));
}

function systemIdProblems(systemId: unknown, required: boolean): ValidationError[] {
  if (systemId === undefined || systemId === null) {
    return required ? [{ source: "systemId", errorCode: "systemId.required", errorMessage: "systemId is required (it may be empty)" }] : [];
  }
  if (typeof systemId !== "string" || systemId.length > FIS_LIMITS.fisSystemIdMaxChars) {
    return [{ source: "systemId", errorCode: "systemId.invalid", errorMessage: `must be a string of at most ${FIS_LIMITS.fisSystemIdMaxChars} characters` }];
  }
  return [];
}

const isStr = (v: unknown): v is string => typeof v === "string";
const isNumberLike = (v: unknown) => isLosslessNumber(v) || typeof v === "number";

/** What is wrong with one PostingConfirmationRequestItem (-> 198), or undefined. */
function postingProblem(raw: unknown): string | undefined {
  if (!isObj(raw)) return "a posting confirmation must be an object";
  if (!isStr(raw.docId) || raw.docId === "" || raw.docId.length > FIS_LIMITS.fisDocIdMaxChars) return "docId is required (at most 32 characters)";
  const status = isStr(raw.overallPostingStatusCode) ? raw.overallPostingStatusCode.toLowerCase() : "";
  if (status !== "success" && status !== "error") return "overallPostingStatusCode must be success or error";
  if (!Array.isArray(raw.systemMessages)) return "systemMessages is required (it may be empty)";
  for (const [i, m] of raw.systemMessages.entries()) {
    if (!isObj(m)) return `systemMessages[${i}] must be an object`;
    for (const key of ["messageShortText", "messageLongText"]) {
      const text = m[key];
      // messageLongText: the schema says array, the examples send "" (spec Q10); both accepted.
      if (text !== undefined && text !== null && !isStr(text) && !Array.isArray(text)) return `systemMessages[${i}].${key} must be text`;
      if (isStr(text) && text.length > 1300) return `systemMessages[${i}].${key} must be at most 1300 characters`;
    }
  }
  if (raw.postingDocs !== undefined && raw.postingDocs !== null && !Array.isArray(raw.postingDocs)) return "postingDocs must be an array";
  const docs = (raw.postingDocs ?? []) as unknown[];
  for (const [i, d] of docs.entries()) {
    if (!isObj(d)) return `postingDocs[${i}] must be an object`;
    if (!isStr(d.companyId) || d.companyId === "" || d.companyId.length > 32) return `postingDocs[${i}].companyId is required (at most 32 characters)`;
    if (d.documentNumber !== undefined && (!isStr(d.documentNumber) || d.documentNumber.length > 80)) return `postingDocs[${i}].documentNumber must be at most 80 characters`;
    // fiscalYear: int32 in the schema, a string in every example (spec Q9): both accepted.
    if (d.fiscalYear !== undefined && !isStr(d.fiscalYear) && !isNumberLike(d.fiscalYear)) return `postingDocs[${i}].fiscalYear must be a year`;
    if (d.postingDate !== undefined && (!isStr(d.postingDate) || !/^\d{4}-\d{2}-\d{2}$/.test(d.postingDate))) return `postingDocs[${i}].postingDate must be YYYY-MM-DD`;
  }
  if (status === "success" && docs.length === 0) return "a success confirmation needs at least one postingDocs entry [INFERRED]";
  return undefined;
}

/** clearingDate: only yyyy-MM-dd'T'HH:mm:ss.SSS'Z' or yyyyMMdd (spec §2.4); the doc's own 2-decimal examples are accepted too. */
export const CLEARING_DATE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{2,3}Z|\d{8})$/;
const PROCESSING_CODES = ["CP", "PP", "RE", "OB"];

/** `clearingReference` as an object (examples) or a one-element array (schema, spec Q10). */
function clearingReferenceOf(detail: unknown): Obj | undefined {
  if (!isObj(detail)) return undefined;
  const ref = Array.isArray(detail.clearingReference) ? detail.clearingReference[0] : detail.clearingReference;
  return isObj(ref) ? ref : undefined;
}

/** What is wrong with one payment confirmation item (-> 298 FAILURE), or undefined. */
function paymentProblem(raw: unknown): string | undefined {
  if (!isObj(raw)) return "a payment confirmation must be an object";
  if (!isStr(raw.docId) || raw.docId === "" || raw.docId.length > FIS_LIMITS.fisDocIdMaxChars) return "docId is required (at most 32 characters)";
  const code = raw.processingStatusCode;
  if (!isStr(code) || !PROCESSING_CODES.includes(code)) return "processingStatusCode must be CP, PP, RE or OB";
  if (!Array.isArray(raw.clearingDetails)) return "clearingDetails must be an array";
  if ((code === "CP" || code === "PP") && raw.clearingDetails.length === 0) return "a payment (CP, PP) needs clearingDetails [INFERRED]";
  for (const [i, d] of raw.clearingDetails.entries()) {
    if (!isObj(d)) return `clearingDetails[${i}] must be an object`;
    if (!isStr(d.clearingDate) || !CLEARING_DATE.test(d.clearingDate)) return `clearingDetails[${i}].clearingDate must be yyyy-MM-dd'T'HH:mm:ss.SSS'Z' or yyyyMMdd`;
    if (!isNumberLike(d.clearingAmount)) return `clearingDetails[${i}].clearingAmount must be a number`;
    if (!isStr(d.clearingCurrency) || !/^[A-Z]{3}$/.test(d.clearingCurrency)) return `clearingDetails[${i}].clearingCurrency must be an ISO currency code`;
    const receiver = Array.isArray(d.receiver) ? d.receiver[0] : d.receiver;
    if (receiver !== undefined && !isObj(receiver)) return `clearingDetails[${i}].receiver must be an object`;
    const ref = clearingReferenceOf(d);
    if (!ref) return `clearingDetails[${i}].clearingReference is required`;
    if (!isStr(ref.paymentRef) || ref.paymentRef === "") return `clearingDetails[${i}].clearingReference.paymentRef is required`;
    if (ref.paymentMethod !== undefined && ref.paymentMethod !== "E" && ref.paymentMethod !== "C") return `clearingDetails[${i}].clearingReference.paymentMethod must be E or C`;
  }
  return undefined;
}
