import { isLosslessNumber } from "lossless-json";
import { addAdmin, ADMIN, type AdminHandler } from "../core/admin.js";
import { badRequest, ErrorCode, HttpError, notFound } from "../core/errors.js";
import type { RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { FisContext } from "./context.js";
import { emitReady } from "./events.js";
import { losslessBody, losslessReply } from "./routes.js";
import { createDocuments } from "./seed.js";
import { newDocId, type FisDocument } from "./store.js";
import { DOC_TYPES, type DocType } from "./types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !isLosslessNumber(v);
const DECIMAL = /^-?\d{1,23}(\.\d{1,8})?$/;

/** An admin body parsed losslessly (`document` payloads keep their digits); `{}` when empty. */
async function adminObject(req: RequestContext): Promise<Obj> {
  if ((await req.body()).length === 0) return {};
  const body = await losslessBody(req);
  if (!isObj(body)) throw badRequest("Body must be a JSON object");
  return body;
}

const conflict = (message: string) => new HttpError(409, "fis.state.conflict", message);

/**
 * FIS admin routes: the Concur parts nobody can call — reports becoming final-approved (new READY documents), the
 * processor's recall, re-approval after a recall or a failed posting — and inspection of what partners sent.
 * No auth, no faults, not counted.
 */
export function addFisAdminRoutes(router: Router, ctx: FisContext): void {
  const add = (method: string, template: string, handler: AdminHandler) => addAdmin(router, method, template, handler);
  const find = (req: RequestContext): FisDocument => {
    const doc = ctx.fis.get(req.params.docId);
    if (!doc) throw notFound("fis.document.notFound", `FIS document ${req.params.docId} not found`);
    return doc;
  };
  const view = (doc: FisDocument) => ({
    id: doc.id,
    docType: doc.docType,
    companyUuid: doc.companyUuid,
    status: doc.status,
    recalled: doc.recalled,
    recallOnNextAcknowledge: doc.recallOnNextAcknowledge,
    systemId: doc.systemId,
    postingConfirmation: doc.postingConfirmation ?? null,
    paymentConfirmations: doc.paymentConfirmations,
    paymentStatus: doc.paymentStatus ?? null,
    replacedBy: doc.replacedBy ?? null,
    document: doc.document,
  });

  // New final-approved documents of a company: READY, announced by a signed <docType>.readyForIntegration event each.
  add("POST", `${ADMIN}/fis/companies/{companyId}/documents`, async (req) => {
    if (!ctx.companies.has(req.params.companyId)) throw notFound(ErrorCode.CompanyNotFound, `Company ${req.params.companyId} not found`);
    const body = await adminObject(req);
    const docType = (body.docType ?? "expense") as DocType;
    if (!DOC_TYPES.includes(docType)) throw badRequest(`docType must be one of ${DOC_TYPES.join(", ")}`);
    const count = body.count ?? 1;
    const n = isLosslessNumber(count) ? Number(count.value) : count;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 10_000) throw badRequest("count must be an integer from 1 to 10000");
    const amount = body.amount === undefined ? undefined : String(isLosslessNumber(body.amount) ? body.amount.value : body.amount);
    if (amount !== undefined && (docType !== "expense" || !DECIMAL.test(amount))) throw badRequest("amount: a decimal (≤23 digits, ≤8 decimals) for expense documents only");
    if (body.document !== undefined && !isObj(body.document)) throw badRequest("document must be an object (the financial document)");
    const events = body.events ?? true;
    if (typeof events !== "boolean") throw badRequest("events must be a boolean");
    const docs = createDocuments(ctx, req.params.companyId, docType, n, { amount, document: body.document });
    if (events) for (const doc of docs) emitReady(ctx, doc, req.correlationId);
    return losslessReply(201, { ids: docs.map((d) => d.id) });
  });

  add("GET", `${ADMIN}/fis/documents/{docId}`, async (req) => losslessReply(200, view(find(req))));

  // The processor pulls a document back: now, or at the moment the next acknowledgement of it arrives (ack -> 102).
  add("POST", `${ADMIN}/fis/documents/{docId}/recall`, async (req) => {
    const doc = find(req);
    const body = await adminObject(req);
    const when = body.when ?? "now";
    if (when !== "now" && when !== "nextAcknowledge") throw badRequest("when must be now or nextAcknowledge");
    if (doc.recalled) throw conflict(`FIS document ${doc.id} is already recalled`);
    if (when === "nextAcknowledge") {
      if (doc.status !== "READY") throw conflict(`only a READY document can be recalled before its acknowledgement; ${doc.id} is ${doc.status}`);
      doc.recallOnNextAcknowledge = true;
    } else {
      // Acknowledged documents are locked (spec §2.2); a failed posting can be recalled for correction (spec §5 seq 6).
      if (doc.status !== "READY" && doc.status !== "POSTING_CONFIRMED_FAILURE") throw conflict(`FIS document ${doc.id} is ${doc.status} and locked: it cannot be recalled`);
      doc.recalled = true;
    }
    return losslessReply(200, view(doc));
  });

  // Resubmitted and final-approved again: a NEW document id in the READY queue [BLOG]; the old id stays as it was.
  add("POST", `${ADMIN}/fis/documents/{docId}/reapprove`, async (req) => {
    const doc = find(req);
    if (doc.replacedBy) throw conflict(`FIS document ${doc.id} was already re-approved as ${doc.replacedBy}`);
    if (!doc.recalled && doc.status !== "POSTING_CONFIRMED_FAILURE") throw conflict(`only a recalled or failed document can be re-approved; ${doc.id} is ${doc.status}`);
    const next = ctx.fis.add({
      id: newDocId(),
      docType: doc.docType,
      companyUuid: doc.companyUuid,
      legacyCompanyId: doc.legacyCompanyId,
      entityId: doc.entityId,
      erpSystemId: doc.erpSystemId,
      document: doc.document,
    });
    doc.replacedBy = next.id;
    emitReady(ctx, next, req.correlationId);
    return losslessReply(201, view(next));
  });
}
