// Closing a payment batch the recommended way (SAP-docs v1.payment-batches): the asynchronous v1.2 close, then the
// synchronous v1.1 call for the File-Url (on a closed batch it only (re)generates the file, so it does not time out
// the way a v1.1 close of a large open batch does). The documented "no reports" 500 is an outcome, not an error.
import { CodedError, ErrorCode } from "../errors.js";
import type { Caller, FilesApi } from "../datasources/index.js";

export type BatchCloseResultKind = "CLOSED" | "CLOSED_FILE_PENDING" | "EMPTY_BATCH";

export interface BatchCloseResult {
  outcome: BatchCloseResultKind;
  companyId: string;
  batchId: string;
  batchStatus: string | null;
  requestStatus: string | null;
  jobQueueKey: string | null;
  /** JobRunKey of the file (from File-Url), when one is known. */
  fileKey: string | null;
  message: string;
  /** EMPTY_BATCH: wait at least this long (the documented advice: 30 minutes). */
  retryAfterSeconds: number | null;
}

/** The documented advice of the empty-batch error. */
export const EMPTY_BATCH_RETRY_SECONDS = 30 * 60;

export async function closePaymentBatch(files: FilesApi, caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult> {
  const base = { companyId, batchId, batchStatus: null, requestStatus: null, jobQueueKey: null, fileKey: null, retryAfterSeconds: null };
  const closing = await files.closeBatchAsync(caller, companyId, batchId);
  if (closing.kind === "empty") {
    return { ...base, outcome: "EMPTY_BATCH", message: closing.message, retryAfterSeconds: EMPTY_BATCH_RETRY_SECONDS };
  }
  try {
    const file = await files.closeBatchSync(caller, companyId, batchId);
    if (file.kind === "empty") return { ...base, outcome: "EMPTY_BATCH", message: file.message, retryAfterSeconds: EMPTY_BATCH_RETRY_SECONDS };
    return {
      ...base,
      outcome: file.fileKey ? "CLOSED" : "CLOSED_FILE_PENDING",
      batchStatus: file.batchStatus ?? "CLOSED",
      requestStatus: file.requestStatus ?? closing.requestStatus,
      jobQueueKey: closing.jobQueueKey,
      fileKey: file.fileKey,
      message: file.fileKey ? "The batch is closed and its file is ready." : "The batch is closed; Concur sent no File-Url yet: ask for the file again later.",
    };
  } catch (error) {
    // The close went through (v1.2 answered); only the file request failed: say so instead of failing the close.
    if (error instanceof CodedError && (error.code === ErrorCode.UPSTREAM_TIMEOUT || error.code === ErrorCode.UPSTREAM_UNAVAILABLE)) {
      return { ...base, outcome: "CLOSED_FILE_PENDING", requestStatus: closing.requestStatus, jobQueueKey: closing.jobQueueKey, message: `The batch is closed; its file could not be requested yet (${error.code}): ask for the file again later.` };
    }
    throw error;
  }
}

/** The file of a closed batch: the synchronous v1.1 call, which (re)generates it and answers its File-Url. */
export async function paymentBatchFile(files: FilesApi, caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult> {
  const base = { companyId, batchId, jobQueueKey: null, retryAfterSeconds: null };
  const file = await files.closeBatchSync(caller, companyId, batchId);
  if (file.kind === "empty") return { ...base, outcome: "EMPTY_BATCH", batchStatus: null, requestStatus: null, fileKey: null, message: file.message, retryAfterSeconds: EMPTY_BATCH_RETRY_SECONDS };
  return {
    ...base,
    outcome: file.fileKey ? "CLOSED" : "CLOSED_FILE_PENDING",
    batchStatus: file.batchStatus ?? "CLOSED",
    requestStatus: file.requestStatus,
    fileKey: file.fileKey,
    message: file.fileKey ? "The batch's file is ready." : "Concur sent no File-Url yet: ask again later.",
  };
}
