import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { ValidationError } from "../core/types.js";
import { addAccountingAdminRoutes } from "./admin.routes.js";
import type { AccountingContext, AccountingSettings } from "./context.js";
import { addDataRoutes } from "./data.routes.js";
import { addErpRoutes } from "./erps.routes.js";
import { emitEvent } from "./events.js";
import { ACCOUNTING_LIMITS } from "./limits.js";
import { addMappingRoutes } from "./mappings.routes.js";
import { ProcessingQueue } from "./processing.js";
import { addRequestRoutes } from "./requests.routes.js";
import { ACCOUNTING_SCOPES } from "./scopes.js";
import { seedDemo } from "./seed.js";
import { Store } from "./store.js";

export { DEMO } from "./seed.js";
export { ACCOUNTING_LIMITS } from "./limits.js";
export { SCOPE_READ, SCOPE_WRITE, ACCOUNTING_SCOPES } from "./scopes.js";
export { EVENT_TOPIC, type EventEnvelope, type EventType } from "./events.js";

/** Options of the Accounting Integration v4 emulation (the matching EmulatorOptions fields). */
export interface AccountingOptions {
  /** GET page byte budget (whole serialized response). Default 1_000_000. */
  pageBytes?: number;
  /** Delay before an accepted write is processed. Default 50 ms. */
  processingDelayMs?: number;
  /** "demo" = the fixed DEMO company/ERP with data; "none" = empty. Default "none". */
  seed?: "demo" | "none";
}

/** Accounting Integration v4: ERP registration, cached ERP data, async requests, mappings, ESS events. */
export function accountingApi(options: AccountingOptions = {}): EmulatedApi {
  return {
    name: "accounting-v4",
    scopes: ACCOUNTING_SCOPES,
    install: (core, router) => installAccounting(core, router, options),
  };
}

function installAccounting(core: CoreContext, router: Router, options: AccountingOptions): ApiInstance {
  const startSettings = (): AccountingSettings => ({
    pageBytes: options.pageBytes ?? ACCOUNTING_LIMITS.pageBytes,
    processingDelayMs: options.processingDelayMs ?? 50,
    processingPaused: false,
  });
  const settings = startSettings();
  const store = new Store();
  const seed = () => {
    if (options.seed !== "demo") return;
    const names = core.dataCenters.map((dc) => dc.name);
    seedDemo(core.companies, store, core.now(), { primary: names[0], second: names[1] ?? names[0] });
  };
  const processing = new ProcessingQueue({
    store,
    timers: core.timers,
    now: core.now,
    delayMs: () => settings.processingDelayMs,
    paused: () => settings.processingPaused,
    onFinished: (request) => {
      const subject = { companyId: request.companyId, erpId: request.erpId, partnerId: request.partnerId };
      emitEvent(core, subject, "data.statusUpdated", request.correlationId, {
        requestId: request.requestId,
        status: request.status,
        companyId: request.companyId,
        erpId: request.erpId,
        // [INFERRED Q2] the documented event example's href (no erps/{erpId} segment) under `_links`.
        _links: { errors: { href: `/v4/companies/${request.companyId}/requests/${request.requestId}/errors` } },
      });
    },
  });
  const ctx: AccountingContext = { ...core, store, processing, settings };

  addErpRoutes(router, ctx);
  addDataRoutes(router, ctx);
  addMappingRoutes(router, ctx);
  addRequestRoutes(router, ctx);
  addAccountingAdminRoutes(router, ctx);
  seed();

  return {
    reset: () => {
      processing.reset();
      store.clear();
      seed();
      Object.assign(settings, startSettings());
    },
    stop: () => processing.reset(),
    config: settingsSection(settings, processing),
  };
}

/** pageBytes, processingDelayMs and processingPaused in GET/PUT /_emulator/config. */
function settingsSection(settings: AccountingSettings, processing: ProcessingQueue): ConfigSection {
  return {
    view: () => ({ ...settings }),
    validate: ({ pageBytes, processingDelayMs, processingPaused }) => {
      const errors: ValidationError[] = [];
      if (pageBytes !== undefined && (typeof pageBytes !== "number" || !Number.isInteger(pageBytes) || pageBytes < 64)) {
        errors.push({ source: "pageBytes", errorCode: "pageBytes.invalid", errorMessage: "must be an integer ≥ 64" });
      }
      if (processingDelayMs !== undefined && (typeof processingDelayMs !== "number" || processingDelayMs < 0)) {
        errors.push({ source: "processingDelayMs", errorCode: "processingDelayMs.invalid", errorMessage: "must be a number ≥ 0" });
      }
      if (processingPaused !== undefined && typeof processingPaused !== "boolean") {
        errors.push({ source: "processingPaused", errorCode: "processingPaused.invalid", errorMessage: "must be a boolean" });
      }
      return errors;
    },
    apply: ({ pageBytes, processingDelayMs, processingPaused }) => {
      if (typeof pageBytes === "number") settings.pageBytes = pageBytes;
      if (typeof processingDelayMs === "number") settings.processingDelayMs = processingDelayMs;
      if (typeof processingPaused === "boolean") {
        settings.processingPaused = processingPaused;
        if (!processingPaused) processing.resume();
      }
    },
  };
}
