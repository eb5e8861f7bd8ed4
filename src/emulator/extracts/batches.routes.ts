import { badRequest, HttpError, notFound } from "../core/errors.js";
import type { Reply } from "../core/http.js";
import type { Router } from "../core/router.js";
import { xmlGuarded, type FilesHandler } from "./auth.js";
import { batchFile } from "./files.js";
import { SCOPE_PAYMENT_BATCH } from "./scopes.js";
import type { CompanyFiles, ExtractsContext, PaymentBatch } from "./store.js";
import { el, LEGACY_HOST, PAYMENT_BATCH_NS, XSI_NS, xmlReply } from "./xml.js";

export const PAYMENT_BATCH_BASE = "/api/expense/paymentbatch";
export const BATCH_ROUTES = {
  list: `${PAYMENT_BATCH_BASE}/v1.1/batchlist`,
  listByStatus: `${PAYMENT_BATCH_BASE}/v1.1/batchlist/{status}`,
  closeAsync: `${PAYMENT_BATCH_BASE}/v1.2/batch/{batchId}/close`,
  closeSync: `${PAYMENT_BATCH_BASE}/v1.1/batch/{batchId}/close`,
  file: `${PAYMENT_BATCH_BASE}/v1.1/batch/{jobRunKey}/file`,
} as const;

/** The one documented error (SAP-docs v1.payment-batches, "Errors"), answered as HTTP 500. */
export const EMPTY_BATCH_MESSAGE =
  "The batch you attempted to close does not contain any reports. If you recently approved reports for payment, wait 30 minutes and try again.";

const batchUrl = (batch: PaymentBatch) => `${LEGACY_HOST}${PAYMENT_BATCH_BASE}/v1.1/batch/${batch.id}`;
/** `http://` as the documented close example prints it (its stray space is a typo we do not copy). */
const fileUrl = (key: string) => `http://www.concursolutions.com${PAYMENT_BATCH_BASE}/v1.1/batch/${key}/file`;

function summaryXml(b: PaymentBatch): string {
  return `<BatchSummary>${el("BatchName", b.name)}${el("BatchID", b.guid)}${el("BatchTotal", b.total)}${el("Currency", b.currency)}${el("Count", String(b.count))}` +
    `${el("Type", b.type)}${el("PaymentMethod", b.paymentMethod)}${el("Batch-URL", batchUrl(b))}</BatchSummary>`;
}

/** [INFERRED] the error body shape (undocumented); the message is the documented one. */
const emptyBatch = (): Reply => xmlReply(500, `<Error xmlns="${PAYMENT_BATCH_NS}"><Message>${EMPTY_BATCH_MESSAGE}</Message></Error>`);

function requireBatch(company: CompanyFiles | undefined, id: string): PaymentBatch {
  const batch = company?.batches.get(id);
  // The unencrypted <BatchID> GUID is no URL id (DCC-legacy close page): it is not found like any other unknown id.
  if (!batch) throw notFound("paymentBatch.notFound", `Payment batch ${id} not found (use the encrypted id of Batch-URL)`);
  return batch;
}

function newBatchFile(ctx: ExtractsContext, companyId: string, company: CompanyFiles, batch: PaymentBatch): string {
  const key = ctx.store.newId(companyId, "batchfile");
  batch.fileKeys.push(key);
  company.batchFiles.set(key, batch.id);
  return key;
}

/** Pending asynchronous closes the emulator clock has reached complete: CLOSED, with a file. */
export function settlePaymentBatches(ctx: ExtractsContext, companyId: string): void {
  const company = ctx.store.find(companyId);
  for (const batch of company?.batches.values() ?? []) {
    if (batch.closesAt === undefined || ctx.now() < batch.closesAt) continue;
    batch.closesAt = undefined;
    if (batch.status === "OPEN") {
      batch.status = "CLOSED";
      newBatchFile(ctx, companyId, company!, batch);
    }
  }
}

/** Payment Batches v1.1/v1.2: list (P1), asynchronous close (P2), synchronous close (P3), file (P4). */
export function addBatchRoutes(router: Router, ctx: ExtractsContext): void {
  const add = (method: string, template: string, handler: FilesHandler) =>
    router.add({ method, template, kind: "concur", handler: xmlGuarded(ctx, SCOPE_PAYMENT_BATCH, handler, () => ctx.settings.xmlAuthSchemes) });

  const list = (companyId: string, status?: string) => {
    const company = ctx.store.find(companyId);
    settlePaymentBatches(ctx, companyId);
    const batches = [...(company?.batches.values() ?? [])].filter((b) => status === undefined || b.status === status);
    return xmlReply(200, `<BatchList xmlns="${PAYMENT_BATCH_NS}" xmlns:i="${XSI_NS}">${batches.map(summaryXml).join("")}</BatchList>`);
  };
  add("GET", BATCH_ROUTES.list, async (_req, grant) => list(grant.companyId));
  add("GET", BATCH_ROUTES.listByStatus, async (req, grant) => {
    const status = req.params.status;
    // The doc calls Status a "Boolean"; it is the path segment OPEN | CLOSED.
    if (status !== "OPEN" && status !== "CLOSED") throw badRequest("Status must be OPEN or CLOSED", [{ source: "status", errorCode: "status.invalid", errorMessage: "must be OPEN or CLOSED" }]);
    return list(grant.companyId, status);
  });

  add("POST", BATCH_ROUTES.closeAsync, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    settlePaymentBatches(ctx, grant.companyId);
    const batch = requireBatch(company, req.params.batchId);
    if (batch.status === "OPEN" && batch.count === 0) return emptyBatch();
    // [INFERRED] the asynchronous close takes paymentBatchAsyncCloseMs of emulated time (0: at once); closing a
    // closing or closed batch again is a success that changes nothing.
    if (batch.status === "OPEN" && batch.closesAt === undefined) {
      batch.closesAt = ctx.now() + ctx.settings.paymentBatchAsyncCloseMs;
      settlePaymentBatches(ctx, grant.companyId);
    }
    // [INFERRED] fault: the close is carried out, the answer lost (the caller cannot tell it was applied).
    if (ctx.settings.paymentBatchAsyncCloseFailsAfterApply) throw new HttpError(500, "paymentBatch.internalError", "Internal error while answering the close");
    const queueKey = ctx.store.newId(grant.companyId, "jobqueue");
    return xmlReply(200, `<BatchStatus xmlns="${PAYMENT_BATCH_NS}" xmlns:i="${XSI_NS}">${el("Status", "SUCCESS")}${el("JobQueueKey", queueKey)}</BatchStatus>`);
  });

  add("POST", BATCH_ROUTES.closeSync, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    settlePaymentBatches(ctx, grant.companyId);
    const batch = requireBatch(company, req.params.batchId);
    if (batch.status === "OPEN" && batch.count === 0) return emptyBatch();
    // A batch still closing asynchronously is not closed yet: v1.1 closes it itself (and a large one times out).
    if (batch.status === "OPEN" && batch.count > ctx.settings.paymentBatchSyncCloseLimit) {
      // "v1.1 is synchronous and may time out on large batches" (SAP-docs v1.payment-batches): hang, then 504 [INFERRED].
      await new Promise<void>((resolve) => ctx.timers.set(resolve, ctx.settings.paymentBatchSyncCloseDelayMs) ?? resolve());
      throw new HttpError(504, "paymentBatch.closeTimeout", "The synchronous close timed out; close the batch with v1.2 and call v1.1 again for the file");
    }
    if (batch.status === "CLOSED") await untilEmulatorTime(ctx, ctx.now() + ctx.settings.paymentBatchFileMs);
    batch.closesAt = undefined;
    batch.status = "CLOSED";
    // On a closed batch the synchronous close regenerates the file (a new key; earlier files stay readable [INFERRED]).
    const key = newBatchFile(ctx, grant.companyId, company!, batch);
    return xmlReply(200, `<BatchStatus xmlns="${PAYMENT_BATCH_NS}" xmlns:i="${XSI_NS}">${el("BatchStatus", "CLOSED")}${el("File-Url", fileUrl(key))}${el("Status", "SUCCESS")}</BatchStatus>`);
  });

  add("GET", BATCH_ROUTES.file, async (req, grant) => {
    const company = ctx.store.find(grant.companyId);
    const batchId = company?.batchFiles.get(req.params.jobRunKey);
    if (!batchId) throw notFound("paymentBatch.fileNotFound", `No payment batch file ${req.params.jobRunKey}`);
    const file = batchFile(company!.batches.get(batchId)!, req.params.jobRunKey);
    return { status: 200, body: file.data, contentType: file.contentType, headers: { "content-disposition": `attachment; filename="${file.filename}"` } };
  });
}

/**
 * Waits until the emulator clock reaches `at` (it moves with real time and with POST /_emulator/clock/advance), so a
 * slow file can be released at once by a test. Returns early when the emulator stops.
 */
async function untilEmulatorTime(ctx: ExtractsContext, at: number): Promise<void> {
  while (ctx.now() < at) {
    const scheduled = await new Promise<boolean>((resolve) => {
      if (!ctx.timers.set(() => resolve(true), Math.min(25, at - ctx.now()))) resolve(false);
    });
    if (!scheduled) return;
  }
}
