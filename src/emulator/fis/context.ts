import type { CoreContext } from "../core/context.js";
import type { FisStore } from "./store.js";

/** FIS settings that can change at run time (PUT /_emulator/config). */
export interface FisSettings {
  /** Share (0..1) of documents in a POST answered 199 "unknown error, retry later" without being applied. Default 0. */
  fisUnknownErrorRate: number;
  /**
   * Share (0..1) of FIS POSTs (acknowledgements, posting and payment confirmations) answered 500 AFTER they were
   * applied: the partner cannot tell from the answer whether anything changed. Default 0.
   */
  fisError5xxAfterApplyRate: number;
}

/** The shared core plus the Financial Integration Service's own state. */
export interface FisContext extends CoreContext {
  fis: FisStore;
  fisSettings: FisSettings;
}
