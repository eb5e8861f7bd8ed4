/** Public types of the write side (batched data writes, registration). */
import type { Caller } from "../../client/caller.js";
import type { RequestStatus as WireRequestStatus } from "../wire/index.js";

/** Who is calling (token + its key); writes of two different `key`s never share a PATCH. */
export type WriteCaller = Caller;

/** Object types written through the bulk endpoints (spec 1.2a-d). */
export type WriteType = "accounts" | "vendors" | "lists" | "taxData";

export const WRITE_TYPES: readonly WriteType[] = ["accounts", "vendors", "lists", "taxData"];

/** Where a write goes. */
export interface WriteTarget {
  caller: WriteCaller;
  companyId: string;
  erpId: string;
  type: WriteType;
}

/**
 * A wire record (Account, Vendor, ListName or TaxData) as sent upstream. Plain `object` so typed wire
 * interfaces (without index signatures) are accepted as they are.
 */
export type WireRecord = object;

/**
 * One caller's write. Records are wire records; ids are record ids
 * (`id` for accounts/vendors/lists, `countryCode` for tax data).
 */
export type WriteOp =
  | { kind: "upsert"; records: WireRecord[] }
  | { kind: "delete"; ids: string[] }
  | { kind: "replaceAll"; records: WireRecord[] };

/** `RequestStatus` of a data write (spec 1.4), with the ids it belongs to always filled in. */
export type RequestStatus = WireRequestStatus & { companyId: string; erpId: string };

/** A record refused before sending (over the per-record limit). */
export interface RejectedRecord {
  id: string;
  code: string;
  message: string;
}

/** What each caller of `WriteBatcher.enqueue` gets back. */
export interface WriteResult {
  /** The request of the last PATCH that carried this caller's records. */
  request: RequestStatus;
  /** Every upstream request that carried this caller's records, in send order (usually one). */
  requests: RequestStatus[];
  /** This caller's record ids that were sent, in send order (delete ids included). */
  sentIds: string[];
  /** This caller's records refused before sending; empty when all went. */
  rejected: RejectedRecord[];
}
