import type { CoreContext } from "../core/context.js";
import type { FisStore } from "./store.js";

/** FIS settings that can change at run time (PUT /_emulator/config). */
export interface FisSettings {
  /** Share (0..1) of documents in a POST answered 199 "unknown error, retry later" without being applied. Default 0. */
  fisUnknownErrorRate: number;
}

/** The shared core plus the Financial Integration Service's own state. */
export interface FisContext extends CoreContext {
  fis: FisStore;
  fisSettings: FisSettings;
}
