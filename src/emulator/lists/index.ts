import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { ValidationError } from "../core/types.js";
import { addListAdminRoutes } from "./admin.routes.js";
import type { ListsContext, ListsSettings } from "./context.js";
import { LISTS_LIMITS } from "./limits.js";
import { addListRoutes } from "./routes.js";
import { LISTS_API_SCOPES } from "./scopes.js";
import { DEMO_LISTS, seedDemoLists } from "./seed.js";
import { ListsStore } from "./store.js";

export { DEMO_LISTS } from "./seed.js";
export { LISTS_LIMITS } from "./limits.js";
export { LIST_SCOPES, LISTS_API_SCOPES } from "./scopes.js";
export { LIST_API } from "./routes.js";

/** Options of the List v4 / List Item v4 emulation (the matching EmulatorOptions fields). */
export interface ListsOptions {
  /** "demo" = the demo company's lists (DEMO_LISTS); "none" = empty. Default "none". */
  seed?: "demo" | "none";
}

/** List v4, List Item v4 and List Item Bulk v4 (docs/emulator/lists-v4.md). */
export function listsApi(options: ListsOptions = {}): EmulatedApi {
  return {
    name: "lists-v4",
    scopes: LISTS_API_SCOPES,
    install: (core, router) => installLists(core, router, options),
  };
}

function installLists(core: CoreContext, router: Router, options: ListsOptions): ApiInstance {
  const startSettings = (): ListsSettings => ({ listBulkPerSecond: LISTS_LIMITS.listBulkPerSecond, listRate429: 0, listReactivation: "allowed", listIgnoreDeletedFilter: false });
  const listSettings = startSettings();
  const lists = new ListsStore();
  const ctx: ListsContext = { ...core, lists, listSettings, bulkCalls: new Map(), bulkLog: new Map() };
  const seed = () => {
    if (options.seed !== "demo") return;
    core.companies.ensure(DEMO_LISTS.companyId);
    seedDemoLists(lists.company(DEMO_LISTS.companyId));
  };
  addListRoutes(router, ctx);
  addListAdminRoutes(router, ctx);
  seed();
  return {
    reset: () => {
      lists.clear();
      ctx.bulkCalls.clear();
      ctx.bulkLog.clear();
      Object.assign(listSettings, startSettings());
      seed();
    },
    config: settingsSection(listSettings),
  };
}

/** listBulkPerSecond, listRate429, listReactivation and listIgnoreDeletedFilter in GET/PUT /_emulator/config. */
function settingsSection(settings: ListsSettings): ConfigSection {
  return {
    view: () => ({ ...settings }),
    validate: ({ listBulkPerSecond, listRate429, listReactivation, listIgnoreDeletedFilter }) => {
      const errors: ValidationError[] = [];
      if (listBulkPerSecond !== undefined && (typeof listBulkPerSecond !== "number" || !Number.isInteger(listBulkPerSecond) || listBulkPerSecond < 0)) {
        errors.push({ source: "listBulkPerSecond", errorCode: "listBulkPerSecond.invalid", errorMessage: "must be an integer ≥ 0 (0 = unlimited)" });
      }
      if (listRate429 !== undefined && (typeof listRate429 !== "number" || listRate429 < 0 || listRate429 > 1)) {
        errors.push({ source: "listRate429", errorCode: "listRate429.invalid", errorMessage: "must be a number in 0..1" });
      }
      if (listReactivation !== undefined && listReactivation !== "allowed" && listReactivation !== "refused") {
        errors.push({ source: "listReactivation", errorCode: "listReactivation.invalid", errorMessage: "must be \"allowed\" or \"refused\"" });
      }
      if (listIgnoreDeletedFilter !== undefined && typeof listIgnoreDeletedFilter !== "boolean") {
        errors.push({ source: "listIgnoreDeletedFilter", errorCode: "listIgnoreDeletedFilter.invalid", errorMessage: "must be a boolean" });
      }
      return errors;
    },
    apply: ({ listBulkPerSecond, listRate429, listReactivation, listIgnoreDeletedFilter }) => {
      if (typeof listBulkPerSecond === "number") settings.listBulkPerSecond = listBulkPerSecond;
      if (typeof listRate429 === "number") settings.listRate429 = listRate429;
      if (listReactivation === "allowed" || listReactivation === "refused") settings.listReactivation = listReactivation;
      if (typeof listIgnoreDeletedFilter === "boolean") settings.listIgnoreDeletedFilter = listIgnoreDeletedFilter;
    },
  };
}
