// Wire shapes of the XML answers after parsing (namespace prefixes dropped, every value a string), per spec §2–§3.

/** `definition` (E1/E2). */
export interface WireDefinition {
  id?: string;
  "job-link"?: string;
  name?: string;
}

/** `job` (E3–E6). */
export interface WireJob {
  id?: string;
  "status-link"?: string;
  "start-time"?: string;
  "stop-time"?: string;
  /** `Queued`, `Running`, `Completed` (status page) or `Complete` (job list/get examples), `Failed`. */
  status?: string;
  "file-link"?: string;
}

/** `BatchList/BatchSummary` (P1). No status element is documented. */
export interface WireBatchSummary {
  BatchName?: string;
  /** Unencrypted GUID: never used in URLs. */
  BatchID?: string;
  BatchTotal?: string;
  Currency?: string;
  Count?: string;
  Type?: string;
  PaymentMethod?: string;
  "Batch-URL"?: string;
}

/** Root `BatchStatus` of P2 (`Status`, `JobQueueKey`) and P3 (`BatchStatus`, `File-Url`, `Status`). */
export interface WireBatchStatus {
  BatchStatus?: string;
  "File-Url"?: string;
  Status?: string;
  JobQueueKey?: string;
}

/** Profile v1 company (JSON). */
export interface WireCompanyProfile {
  id?: string;
  name?: string;
  schemas?: string[];
  "com:concur:Expense:0.1"?: { offeringCode?: string | null; marketingName?: string | null } | null;
}
