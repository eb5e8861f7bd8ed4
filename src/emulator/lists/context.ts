import type { CoreContext } from "../core/context.js";
import type { ListsStore } from "./store.js";

/** List settings that can change at run time (PUT /_emulator/config). */
export interface ListsSettings {
  /** Bulk calls per company per rolling second before a 429 (`retry-after: 0`); 0 = unlimited. */
  listBulkPerSecond: number;
  /** Share (0..1) of list API calls answered 429 in the list APIs' own error body, `retry-after: 0`. */
  listRate429: number;
  /**
   * What B2 `{code, deleted: false}` does to a deleted item (reactivation is undocumented, spec Q3): "allowed" (default)
   * reactivates it, "refused" answers the part `item.deleted` as for any other change to a deleted item.
   */
  listReactivation: "allowed" | "refused";
  /** Fault: item reads ignore the `isDeleted` filter and answer active and deleted items alike. Default false. */
  listIgnoreDeletedFilter: boolean;
}

/** One bulk call as received (admin `GET …/lists/{l}/bulk-log`): what a client actually sent. */
export interface BulkLogEntry {
  method: "POST" | "PATCH";
  parts: unknown[];
  status: number;
}

/** The shared core plus the list APIs' own state. */
export interface ListsContext extends CoreContext {
  lists: ListsStore;
  listSettings: ListsSettings;
  /** Send times of recent bulk calls per company (rate limit). */
  bulkCalls: Map<string, number[]>;
  /** Bulk calls received per `<company>/<listId>`, oldest first (at most LISTS_LIMITS.bulkLogCalls each). */
  bulkLog: Map<string, BulkLogEntry[]>;
}
