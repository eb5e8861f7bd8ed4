import type { CoreContext } from "./context.js";
import type { Site } from "./sites.js";

/**
 * The one place that decides which site may serve a company (docs/emulator/oauth-company-tokens.md, "Data centers").
 * Facts (SAP auth apidoc, "Base URIs"): the company password grant goes to GLZ; the refresh grant and every API
 * call go to the token's `geolocation`. What a wrong site answers is [INFERRED]: 401 for API calls, token error
 * code 16 (with the right `geolocation`) on the token endpoint.
 */

/** The data center a known company lives in; undefined for companies the emulator does not know. */
export function homeOf(ctx: CoreContext, companyId: string): Site | undefined {
  const entry = ctx.companies.get(companyId);
  return entry ? ctx.dataCenters.find((dc) => dc.name === entry.dataCenter) : undefined;
}

/** API calls: only at the company's data center (unknown companies are left to the API's own 404). */
export function servesApiCalls(ctx: CoreContext, companyId: string, site: Site): boolean {
  const home = homeOf(ctx, companyId);
  return home === undefined || home.name === site.name;
}

/** Token grants: the password grant at GLZ or the home data center; the refresh grant only at home. */
export function servesTokenGrant(home: Site, site: Site, grantType: "password" | "refresh_token"): boolean {
  if (site.name === home.name) return true;
  return grantType === "password" && site.kind === "glz";
}
