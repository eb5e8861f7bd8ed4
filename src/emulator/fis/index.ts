import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { ValidationError } from "../core/types.js";
import { addFisAdminRoutes } from "./admin.routes.js";
import type { FisContext, FisSettings } from "./context.js";
import { addFisRoutes } from "./routes.js";
import { FIS_SCOPES } from "./scopes.js";
import { seedFisDemo } from "./seed.js";
import { FisStore } from "./store.js";

export { FIS_LIMITS } from "./limits.js";
export { SCOPE_FIS, FIS_SCOPES } from "./scopes.js";
export { FIS_EVENT_TOPIC, FIS_EVENT_HREF_HOST, type FisEventEnvelope } from "./events.js";
export { FIS_BASE, FIS_ROUTES } from "./routes.js";
export { FIS_AMOUNTS } from "./documents.js";
export { FIS_DEMO_COUNTS, FIS_DEMO_COMPANIES } from "./seed.js";
export { FisCode } from "./codes.js";
export type { DocType as FisDocType, DocStatus as FisDocStatus } from "./types.js";

/** Options of the FIS emulation (the matching EmulatorOptions fields). */
export interface FisOptions {
  /** "demo" = a few documents of each doc type for the demo companies; "none" = empty. Default "none". */
  seed?: "demo" | "none";
  /** The document store, when another emulated API reads the same documents (Image v1 serves their receipts). Default a new one. */
  store?: FisStore;
}

/** Financial Integration Service v4: READY queue, acknowledgements, posting and payment confirmations, ESS events. */
export function fisApi(options: FisOptions = {}): EmulatedApi {
  return {
    name: "financial-integration-v4",
    scopes: FIS_SCOPES,
    install: (core, router) => installFis(core, router, options),
  };
}

function installFis(core: CoreContext, router: Router, options: FisOptions): ApiInstance {
  const startSettings = (): FisSettings => ({ fisUnknownErrorRate: 0, fisError5xxAfterApplyRate: 0 });
  const fisSettings = startSettings();
  const ctx: FisContext = { ...core, fis: options.store ?? new FisStore(), fisSettings };
  // Runs after the Accounting seed (API order), which creates the demo companies.
  const seed = () => {
    if (options.seed === "demo") seedFisDemo(ctx);
  };
  addFisRoutes(router, ctx);
  addFisAdminRoutes(router, ctx);
  seed();
  return {
    reset: () => {
      ctx.fis.clear();
      Object.assign(fisSettings, startSettings());
      seed();
    },
    config: settingsSection(fisSettings),
  };
}

const RATES = ["fisUnknownErrorRate", "fisError5xxAfterApplyRate"] as const;

/** fisUnknownErrorRate and fisError5xxAfterApplyRate in GET/PUT /_emulator/config. */
function settingsSection(settings: FisSettings): ConfigSection {
  return {
    view: () => ({ ...settings }),
    validate: (input) => {
      const errors: ValidationError[] = [];
      for (const name of RATES) {
        const value = input[name];
        if (value !== undefined && (typeof value !== "number" || value < 0 || value > 1)) errors.push({ source: name, errorCode: `${name}.invalid`, errorMessage: "must be a number in 0..1" });
      }
      return errors;
    },
    apply: (input) => {
      for (const name of RATES) if (typeof input[name] === "number") settings[name] = input[name] as number;
    },
  };
}
