import { SCOPE_READ } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { guarded, requireErp } from "./guards.js";
import { json } from "./http.js";
import type { Router } from "./router.js";

export const MAPPINGS = "/accountingintegration/v4/companies/{companyId}/erps/{erpId}/mappings";

/** GET mappings (spec 1.3): read-only here; the admin API plays the Concur UI that changes them. */
export function addMappingRoutes(router: Router, ctx: EmulatorContext): void {
  router.add({
    method: "GET",
    template: MAPPINGS,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => json(200, requireErp(ctx, req.params.companyId, req.params.erpId).mappings)),
  });
}
