// GraphQL shapes of posting-by-file records; file fields become signed download URLs for the caller that asked.
import type { Caller, ExtractJobRecord, PaymentBatchRecord } from "../datasources/index.js";
import type { ExtractJobPayload } from "../subscriptions/pubsub.js";
import type { EditionView } from "../services/extract-edition.js";
import type { BatchCloseResult } from "../services/extract-batches.js";
import type { FileLinks, FileRef } from "../services/extract-files.js";
import { CompanyEditionInfo, ConcurEdition, EditionSource, ExtractJob, ExtractJobStatus, FileDownload, PaymentBatch, PaymentBatchCloseOutcome, PaymentBatchCloseResult, PaymentBatchStatus, PostingChannel } from "../schema/index.js";

const iso = (ms: number) => new Date(ms).toISOString();

export function download(links: FileLinks, caller: Caller, ref: FileRef): FileDownload {
  const signed = links.sign(ref, caller.key);
  return { url: signed.url, expiresAt: iso(signed.expiresAt) };
}

export function toEditionInfo(view: EditionView): CompanyEditionInfo {
  return {
    companyId: view.companyId,
    edition: view.edition as ConcurEdition,
    source: view.source as EditionSource,
    postingChannel: view.channel as PostingChannel,
    fisEnabled: view.fisEnabled,
    marketingName: view.marketingName,
    offeringCode: view.offeringCode,
    companyUuid: view.companyUuid,
    checkedAt: iso(view.checkedAt),
    recheckAt: iso(view.recheckAt),
    notes: view.notes,
  };
}

export function toExtractJob(links: FileLinks, caller: Caller, companyId: string, job: ExtractJobRecord | ExtractJobPayload): ExtractJob {
  const isPayload = "jobId" in job;
  const id = isPayload ? job.jobId : job.id;
  const state = isPayload ? job.state : job.state;
  const file = state === "COMPLETED" && job.hasFile ? download(links, caller, { kind: "extract", companyId, definitionId: job.definitionId, jobId: id }) : null;
  return {
    companyId,
    definitionId: job.definitionId,
    id,
    status: state as ExtractJobStatus,
    upstreamStatus: job.upstreamStatus,
    startTime: job.startTime,
    stopTime: job.stopTime,
    hasFile: job.hasFile,
    file,
  };
}

export function toPaymentBatch(companyId: string, batch: PaymentBatchRecord, status: PaymentBatchStatus | null): PaymentBatch {
  return { companyId, id: batch.id, batchGuid: batch.guid, name: batch.name, total: batch.total, currency: batch.currency, count: batch.count, type: batch.type, paymentMethod: batch.paymentMethod, status };
}

export function toCloseResult(links: FileLinks, caller: Caller, result: BatchCloseResult): PaymentBatchCloseResult {
  return {
    outcome: result.outcome as PaymentBatchCloseOutcome,
    companyId: result.companyId,
    batchId: result.batchId,
    batchStatus: result.batchStatus,
    requestStatus: result.requestStatus,
    jobQueueKey: result.jobQueueKey,
    file: result.fileKey ? download(links, caller, { kind: "batch", companyId: result.companyId, fileKey: result.fileKey }) : null,
    message: result.message,
    retryAfterSeconds: result.retryAfterSeconds,
  };
}
