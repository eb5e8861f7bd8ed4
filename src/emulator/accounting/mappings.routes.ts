import { SCOPE_READ } from "./scopes.js";
import type { AccountingContext } from "./context.js";
import { guarded } from "../core/guards.js";
import { requireErp } from "./lookup.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";

export const MAPPINGS = "/accountingintegration/v4/companies/{companyId}/erps/{erpId}/mappings";

/** GET mappings (spec 1.3): read-only here; the admin API plays the Concur UI that changes them. */
export function addMappingRoutes(router: Router, ctx: AccountingContext): void {
  router.add({
    method: "GET",
    template: MAPPINGS,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => json(200, requireErp(ctx, req.params.companyId, req.params.erpId).mappings)),
  });
}
