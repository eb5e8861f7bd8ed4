import { ErrorCode, HttpError } from "../core/errors.js";
import { authenticated } from "../core/guards.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";
import { SCOPE_COMPANY_READ } from "./scopes.js";
import type { ExtractsContext } from "./store.js";

export const PROFILE_ME = "/profile/v1/me";

/**
 * Profile v1 company resource (SAP-docs v1.company): `GET /profile/v1/me` with a company token returns the company,
 * `company.read` required. Deprecated 2025-05-15: the emulator can answer 404 for everyone (`profileV1Enabled`) or
 * fail per company (admin route), so the gateway's fallback can be tested.
 */
export function addProfileRoutes(router: Router, ctx: ExtractsContext): void {
  router.add({
    method: "GET",
    template: PROFILE_ME,
    kind: "concur",
    handler: authenticated(ctx, async (_req, grant) => {
      if (!ctx.settings.profileV1Enabled) throw new HttpError(404, "profile.deprecated", "This API has been deprecated");
      if (!grant.scopes.includes(SCOPE_COMPANY_READ)) throw new HttpError(403, ErrorCode.ScopeMissing, "access denied: the token lacks the scope company.read");
      const profile = ctx.store.find(grant.companyId)?.profile;
      if (!profile) throw new HttpError(404, ErrorCode.CompanyNotFound, "No company profile for this token");
      if (profile.kind === "fail") throw new HttpError(profile.status, profile.status >= 500 ? ErrorCode.Internal : "profile.unavailable", "Company profile is unavailable");
      const body: Record<string, unknown> = {
        id: profile.uuid,
        schemas: profile.expenseBlock ? ["com:concur:Travel:0.1", "com:concur:Expense:0.1"] : ["com:concur:Travel:0.1"],
        name: profile.name,
        defaultLanguage: "en-us",
        meta: { principalType: "company" },
        "com:concur:Travel:0.1": { active: 1, offeringCode: "STANDARD", isVendor: false, isBillable: true },
      };
      if (profile.expenseBlock) body["com:concur:Expense:0.1"] = { offeringCode: profile.offeringCode ?? null, marketingName: profile.marketingName ?? null };
      return json(200, body);
    }),
  });
}
