import { badInput } from "../../errors.js";

/** Extracts v1.0 (SAP-docs v1.extracts, E1–E7): the only place that spells its paths. */
export const EXTRACT_API = "/api/expense/extract/v1.0";
/** Payment Batches (SAP-docs v1.payment-batches, P1–P4): v1.1 lists, closes synchronously and serves files; v1.2 closes asynchronously. */
export const PAYMENT_BATCH_API = "/api/expense/paymentbatch";
/** Profile v1 company resource (deprecated 2025-05-15). */
export const PROFILE_ME_PATH = "/profile/v1/me";

/** Scopes a 403 names (SAP-docs app-center-learn-more). */
export const FILES_SCOPES = { extract: "EXTRCT", paymentBatch: "PAYBAT", companyRead: "company.read" } as const;

/** Payment batch status as the list's path segment (the doc calls it a "Boolean"; it is OPEN | CLOSED). */
export type PaymentBatchListStatus = "OPEN" | "CLOSED";

export const filesPaths = {
  definitions: () => `${EXTRACT_API}/`,
  definition: (definitionId: string) => `${EXTRACT_API}/${segment("definitionId", definitionId)}`,
  jobs: (definitionId: string) => `${filesPaths.definition(definitionId)}/job`,
  job: (definitionId: string, jobId: string) => `${filesPaths.jobs(definitionId)}/${segment("jobId", jobId)}`,
  jobStatus: (definitionId: string, jobId: string) => `${filesPaths.job(definitionId, jobId)}/status`,
  jobFile: (definitionId: string, jobId: string) => `${filesPaths.job(definitionId, jobId)}/file`,
  batchList: (status?: PaymentBatchListStatus) => `${PAYMENT_BATCH_API}/v1.1/batchlist/${status === undefined ? "" : batchStatus(status)}`,
  closeAsync: (batchId: string) => `${PAYMENT_BATCH_API}/v1.2/batch/${segment("batchId", batchId)}/close`,
  closeSync: (batchId: string) => `${PAYMENT_BATCH_API}/v1.1/batch/${segment("batchId", batchId)}/close`,
  batchFile: (fileKey: string) => `${PAYMENT_BATCH_API}/v1.1/batch/${segment("fileKey", fileKey)}/file`,
};

function batchStatus(status: string): string {
  if (status !== "OPEN" && status !== "CLOSED") throw badInput(`status must be OPEN or CLOSED, got ${String(status)}`, { field: "status" });
  return status;
}

/**
 * One path segment from an id: never empty, never `.`/`..`, always percent-encoded (the encrypted ids contain `$`,
 * which is legal in a path but not in every proxy's view of one).
 */
export function segment(name: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 500 || value === "." || value === "..") {
    throw badInput(`${name} must be a non-empty identifier of at most 500 characters`, { field: name });
  }
  return encodeURIComponent(value);
}
