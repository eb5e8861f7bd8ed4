import type { CoreContext } from "../core/context.js";
import type { ListsStore } from "./store.js";

/** List settings that can change at run time (PUT /_emulator/config). */
export interface ListsSettings {
  /** Bulk calls per company per rolling second before a 429 (`retry-after: 0`); 0 = unlimited. */
  listBulkPerSecond: number;
  /** Share (0..1) of list API calls answered 429 in the list APIs' own error body, `retry-after: 0`. */
  listRate429: number;
}

/** The shared core plus the list APIs' own state. */
export interface ListsContext extends CoreContext {
  lists: ListsStore;
  listSettings: ListsSettings;
  /** Send times of recent bulk calls per company (rate limit). */
  bulkCalls: Map<string, number[]>;
}
