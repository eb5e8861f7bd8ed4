/** Shared types of `concur-graph sync`. */

/** Object types the command loads (the gateway's `erpIntegration` connections). */
export const SYNC_TYPES = ["accounts", "vendors", "listNames", "taxData"] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

/** Concur Invoice master data the command loads (the gateway's invoice* fields; no ERP id, synchronous answers). */
export const INVOICE_SYNC_TYPES = ["invoiceVendors", "purchaseOrders", "receipts"] as const;
export type InvoiceSyncType = (typeof INVOICE_SYNC_TYPES)[number];

/** One record in GraphQL input shape (AccountInput, VendorInput, ListNameInput, TaxDataInput), normalised. */
export type InputRecord = Record<string, unknown>;

/** A record of the input file that passed validation, with where it came from. */
export interface SourceRecord {
  key: string;
  record: InputRecord;
  /** 1-based line of the input file (CSV: the data row's line; tax data: its first row). */
  line: number;
}

/** Why a record of the input, or sent to Concur, was not applied. */
export interface Rejection {
  key: string;
  line: number | undefined;
  /** `VALIDATION`, `DUPLICATE_ID`, a gateway error code, or Concur's error code. */
  code: string;
  message: string;
  /** Where it was refused: before sending, by the gateway's mutation, or by Concur's processing. */
  stage: "input" | "gateway" | "concur";
}

/** One difference of the plan, for `--dry-run` and the report. */
export interface Change {
  kind: "create" | "update" | "delete";
  key: string;
  line?: number;
  /** For updates: field -> [held, wanted]. */
  fields?: Record<string, [unknown, unknown]>;
}

/** Terminal statuses of a Concur upload request. */
export const FINAL_STATUSES = ["SUCCESS", "PARTIAL", "ERROR"] as const;
