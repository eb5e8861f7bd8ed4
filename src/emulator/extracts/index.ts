import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { JsonObject, ValidationError } from "../core/types.js";
import { addFilesAdminRoutes } from "./admin.routes.js";
import { addBatchRoutes } from "./batches.routes.js";
import { addExtractRoutes } from "./extracts.routes.js";
import { addProfileRoutes } from "./profile.routes.js";
import { EXTRACTS_SCOPES } from "./scopes.js";
import { seedFilesDemo } from "./seed.js";
import { DEFAULT_SETTINGS, FilesStore, type ExtractsContext, type ExtractsSettings } from "./store.js";

export { FILES_DEMO } from "./seed.js";
export { EXTRACTS_SCOPES, SCOPE_EXTRACT, SCOPE_PAYMENT_BATCH, SCOPE_COMPANY_READ } from "./scopes.js";
export { EXTRACT_ROUTES, JOB_LIST_LIMIT } from "./extracts.routes.js";
export { BATCH_ROUTES, EMPTY_BATCH_MESSAGE } from "./batches.routes.js";
export { PROFILE_ME } from "./profile.routes.js";
export { DEFAULT_SETTINGS as EXTRACTS_DEFAULT_SETTINGS, type ExtractsSettings } from "./store.js";

/** Options of the posting-by-file emulation. */
export interface ExtractsOptions {
  /** "demo" = the Professional, Standard and Profile-failing demo companies (FILES_DEMO); "none" = empty. Default "none". */
  seed?: "demo" | "none";
  /** Start settings (see ExtractsSettings for defaults). */
  settings?: Partial<ExtractsSettings>;
}

/**
 * Extracts v1.0 (Professional Edition), Payment Batches v1.1/v1.2 (Standard Edition) and the Profile v1 company
 * resource (edition): docs/emulator/extracts-and-payment-batches.md.
 */
export function extractsApi(options: ExtractsOptions = {}): EmulatedApi {
  return {
    name: "extracts-v1+payment-batches-v1.1+profile-v1",
    scopes: EXTRACTS_SCOPES,
    install: (core, router) => installExtracts(core, router, options),
  };
}

function installExtracts(core: CoreContext, router: Router, options: ExtractsOptions): ApiInstance {
  const startSettings = (): ExtractsSettings => ({ ...DEFAULT_SETTINGS, xmlAuthSchemes: [...DEFAULT_SETTINGS.xmlAuthSchemes], ...options.settings });
  const settings = startSettings();
  const store = new FilesStore();
  const ctx: ExtractsContext = { ...core, store, settings };
  const seed = () => {
    if (options.seed !== "demo") return;
    const names = core.dataCenters.map((dc) => dc.name);
    seedFilesDemo(core.companies, store, core.now(), { primary: names[0], second: names[1] ?? names[0] });
  };
  addExtractRoutes(router, ctx);
  addBatchRoutes(router, ctx);
  addProfileRoutes(router, ctx);
  addFilesAdminRoutes(router, ctx);
  seed();
  return {
    reset: () => {
      store.clear();
      Object.assign(settings, startSettings());
      seed();
    },
    config: settingsSection(settings),
  };
}

const NUMBERS = ["extractJobQueuedMs", "extractJobRunMs", "paymentBatchSyncCloseLimit", "paymentBatchSyncCloseDelayMs", "paymentBatchAsyncCloseMs", "paymentBatchFileMs"] as const;

const BOOLEANS = ["profileV1Enabled", "paymentBatchAsyncCloseFailsAfterApply"] as const;

/** This API's keys of GET/PUT /_emulator/config. */
function settingsSection(settings: ExtractsSettings): ConfigSection {
  return {
    view: () => ({ ...settings, xmlAuthSchemes: [...settings.xmlAuthSchemes] }),
    validate: (body: JsonObject) => {
      const errors: ValidationError[] = [];
      for (const key of NUMBERS) {
        const v = body[key];
        if (v !== undefined && (typeof v !== "number" || v < 0)) errors.push({ source: key, errorCode: `${key}.invalid`, errorMessage: "must be a number ≥ 0" });
      }
      const outcome = body.extractJobOutcome;
      if (outcome !== undefined && outcome !== "Completed" && outcome !== "Failed" && outcome !== "Never") {
        errors.push({ source: "extractJobOutcome", errorCode: "extractJobOutcome.invalid", errorMessage: "must be Completed, Failed or Never" });
      }
      const schemes = body.xmlAuthSchemes;
      if (schemes !== undefined && (!Array.isArray(schemes) || schemes.length === 0 || schemes.some((s) => s !== "Bearer" && s !== "OAuth"))) {
        errors.push({ source: "xmlAuthSchemes", errorCode: "xmlAuthSchemes.invalid", errorMessage: "must be a non-empty array of Bearer / OAuth" });
      }
      for (const key of BOOLEANS) {
        if (body[key] !== undefined && typeof body[key] !== "boolean") errors.push({ source: key, errorCode: `${key}.invalid`, errorMessage: "must be a boolean" });
      }
      return errors;
    },
    apply: (body: JsonObject) => {
      for (const key of NUMBERS) if (typeof body[key] === "number") settings[key] = body[key] as number;
      if (typeof body.extractJobOutcome === "string") settings.extractJobOutcome = body.extractJobOutcome as ExtractsSettings["extractJobOutcome"];
      if (Array.isArray(body.xmlAuthSchemes)) settings.xmlAuthSchemes = body.xmlAuthSchemes as ExtractsSettings["xmlAuthSchemes"];
      for (const key of BOOLEANS) if (typeof body[key] === "boolean") settings[key] = body[key] as boolean;
    },
  };
}
