import type { CoreContext } from "../core/context.js";
import { encryptedId } from "./ids.js";

/** How a new extract job ends once its emulated run time is over. */
export type JobOutcome = "Completed" | "Failed" | "Never";
export type AuthScheme = "Bearer" | "OAuth";

/** Settings that can change at run time (PUT /_emulator/config); they apply to jobs and calls from then on. */
export interface ExtractsSettings {
  /** Emulated ms a new job stays `Queued`. Default 2000. */
  extractJobQueuedMs: number;
  /** Emulated ms a job is `Running` after that. Default 5000. */
  extractJobRunMs: number;
  /** How new jobs end. "Never" = they stay Running (for following timeouts). Default "Completed". */
  extractJobOutcome: JobOutcome;
  /** Authorization schemes the XML APIs accept. Default both (documented `OAuth`, modern `Bearer`). */
  xmlAuthSchemes: AuthScheme[];
  /** An OPEN batch with more payment demands than this times out on the synchronous v1.1 close. Default 500. */
  paymentBatchSyncCloseLimit: number;
  /** How long that synchronous close hangs before its 504. Default 30000 (real ms, on the emulator's timers). */
  paymentBatchSyncCloseDelayMs: number;
  /**
   * Emulated ms an asynchronous (v1.2) close takes: until then the batch is still listed OPEN, then CLOSED with a
   * file. Default 0 (closed at once). Moves with the emulator clock.
   */
  paymentBatchAsyncCloseMs: number;
  /**
   * Emulated ms a synchronous (v1.1) call on a CLOSED batch takes to produce its file: the call answers once the
   * emulator clock is this far past its arrival (real time, or POST /_emulator/clock/advance). Default 0.
   */
  paymentBatchFileMs: number;
  /** true = a v1.2 close is applied, then answered HTTP 500 (Concur failing to answer a request it carried out). Default false. */
  paymentBatchAsyncCloseFailsAfterApply: boolean;
  /** false = `GET /profile/v1/me` answers 404 for everyone (the API was deprecated 2025-05-15). Default true. */
  profileV1Enabled: boolean;
}

export const DEFAULT_SETTINGS: Readonly<ExtractsSettings> = Object.freeze<ExtractsSettings>({
  extractJobQueuedMs: 2000,
  extractJobRunMs: 5000,
  extractJobOutcome: "Completed",
  xmlAuthSchemes: ["Bearer", "OAuth"],
  paymentBatchSyncCloseLimit: 500,
  paymentBatchSyncCloseDelayMs: 30_000,
  paymentBatchAsyncCloseMs: 0,
  paymentBatchFileMs: 0,
  paymentBatchAsyncCloseFailsAfterApply: false,
  profileV1Enabled: true,
});

export interface ExtractDefinition {
  id: string;
  name: string;
  /** Several files per job → the file is a ZIP (SAP-docs v1.extracts E7); else one CSV. */
  multiFile: boolean;
}

export interface ExtractJob {
  id: string;
  definitionId: string;
  createdAt: number;
  queuedMs: number;
  runMs: number;
  outcome: JobOutcome;
}

export type BatchStatus = "OPEN" | "CLOSED";

export interface PaymentBatch {
  /** Encrypted id of `Batch-URL` (the one URLs take). */
  id: string;
  /** `<BatchID>`: the unencrypted GUID, never valid in a URL. */
  guid: string;
  name: string;
  total: string;
  currency: string;
  count: number;
  type: "Employee" | "Card Program";
  paymentMethod: string;
  status: BatchStatus;
  /** The format of its file: "zip" (QuickBooks-like IIF + GL CSV) or "csv". */
  fileFormat: "zip" | "csv";
  /** Keys of generated files (JobRunKey in `File-Url`), newest last. */
  fileKeys: string[];
  /** An asynchronous close is running: the emulator time it completes (the batch is listed OPEN until then). */
  closesAt?: number;
}

/** Profile v1 company resource (`GET /profile/v1/me` with a company token), or how that call fails. */
export type CompanyProfile =
  | { kind: "ok"; uuid: string; name: string; marketingName?: string; offeringCode?: string; expenseBlock: boolean }
  | { kind: "fail"; status: number };

export interface CompanyFiles {
  definitions: Map<string, ExtractDefinition>;
  jobs: Map<string, ExtractJob>;
  batches: Map<string, PaymentBatch>;
  /** JobRunKey → batch id. */
  batchFiles: Map<string, string>;
  profile?: CompanyProfile;
  seq: number;
}

/** Per-company state of Extracts, Payment Batches and the Profile company resource. */
export class FilesStore {
  private readonly companies = new Map<string, CompanyFiles>();

  company(companyId: string): CompanyFiles {
    const key = companyId.toLowerCase();
    let found = this.companies.get(key);
    if (!found) {
      found = { definitions: new Map(), jobs: new Map(), batches: new Map(), batchFiles: new Map(), seq: 0 };
      this.companies.set(key, found);
    }
    return found;
  }

  find(companyId: string): CompanyFiles | undefined {
    return this.companies.get(companyId.toLowerCase());
  }

  /** A new encrypted id of the company (`$` inside). */
  newId(companyId: string, kind: string): string {
    const company = this.company(companyId);
    company.seq += 1;
    return encryptedId(`${companyId.toLowerCase()}/${kind}/${company.seq}`);
  }

  clear(): void {
    this.companies.clear();
  }
}

/** The core plus this API's state, handed to its route modules. */
export interface ExtractsContext extends CoreContext {
  store: FilesStore;
  settings: ExtractsSettings;
}

/** Job status at `now` on the emulator clock: Queued → Running → Completed | Failed (or Running forever). */
export function jobStatus(job: ExtractJob, now: number): "Queued" | "Running" | "Completed" | "Failed" {
  const elapsed = now - job.createdAt;
  if (elapsed < job.queuedMs) return "Queued";
  if (elapsed < job.queuedMs + job.runMs || job.outcome === "Never") return "Running";
  return job.outcome;
}

/** When the job stopped (absent while it runs). */
export function jobStopTime(job: ExtractJob, now: number): number | undefined {
  const status = jobStatus(job, now);
  return status === "Completed" || status === "Failed" ? job.createdAt + job.queuedMs + job.runMs : undefined;
}
