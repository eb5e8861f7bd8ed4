import type { CoreContext } from "../core/context.js";
import type { ProcessingQueue } from "./processing.js";
import type { Store } from "./store.js";

/** Accounting settings that can change at run time (PUT /_emulator/config). */
export interface AccountingSettings {
  pageBytes: number;
  processingDelayMs: number;
  processingPaused: boolean;
}

/** The shared core plus Accounting Integration's own state; handed to every accounting route module. */
export interface AccountingContext extends CoreContext {
  store: Store;
  processing: ProcessingQueue;
  settings: AccountingSettings;
}
