import { addAdmin, ADMIN, adminBody } from "../core/admin.js";
import type { CoreContext } from "../core/context.js";
import { badRequest, ErrorCode, notFound } from "../core/errors.js";
import { json, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import { appCenterRedirect, parseAppCenterOptions, type AppCenterConnectOptions, type AppCenterRedirect } from "./app-center.js";
import { parseTokenFaults } from "./faults.js";
import type { IssuedRequestToken } from "./request-tokens.js";
import type { OAuthState } from "./state.js";

/** Makes a request token, as the App Center does on Connect; 404 unknown company, 400 unknown client. */
export function issueRequestToken(ctx: CoreContext, oauth: OAuthState, companyId: string, clientId?: string): IssuedRequestToken {
  const company = ctx.companies.get(companyId);
  if (!company) throw notFound(ErrorCode.CompanyNotFound, `Company ${companyId} not found`);
  const client = clientId ?? oauth.clients.defaultClientId;
  if (!oauth.clients.get(client)) throw badRequest(`clientId ${client} is not a registered partner app`);
  return oauth.requestTokens.issue(company.id, client);
}

/** A request token and the App Center's redirect to the partner's landing URL carrying it. */
export function issueAppCenterRedirect(ctx: CoreContext, oauth: OAuthState, companyId: string, options: AppCenterConnectOptions & { clientId?: string }): AppCenterRedirect {
  return appCenterRedirect(issueRequestToken(ctx, oauth, companyId, options.clientId), options);
}

/**
 * OAuth admin routes: what the App Center and the customer's admin do (request tokens), what time and Concur do to
 * refresh tokens (expire, revoke), and token-endpoint failures on demand.
 */
export function addOAuthAdminRoutes(router: Router, ctx: CoreContext, oauth: OAuthState): void {
  const COMPANY = `${ADMIN}/companies/{companyId}`;
  const optionalClient = async (req: RequestContext): Promise<string | undefined> => {
    const { clientId } = await adminBody(req, true);
    if (clientId !== undefined && typeof clientId !== "string") throw badRequest("clientId must be a string");
    return clientId;
  };
  const knownCompany = (req: RequestContext): string => {
    const company = ctx.companies.get(req.params.companyId);
    if (!company) throw notFound(ErrorCode.CompanyNotFound, `Company ${req.params.companyId} not found`);
    return company.id;
  };

  addAdmin(router, "POST", `${COMPANY}/request-token`, async (req) =>
    json(201, issueRequestToken(ctx, oauth, req.params.companyId, await optionalClient(req))));

  // The App Center's Connect button: JSON for a test, or the 301 a browser follows to the landing URL.
  addAdmin(router, "POST", `${COMPANY}/connect`, async (req) =>
    json(201, issueAppCenterRedirect(ctx, oauth, req.params.companyId, parseAppCenterOptions(await adminBody(req)))));
  addAdmin(router, "GET", `${COMPANY}/connect`, async (req) => {
    const redirect = issueAppCenterRedirect(ctx, oauth, req.params.companyId, parseAppCenterOptions(Object.fromEntries(req.query)));
    return { status: 301, headers: { location: redirect.redirectUrl, "cache-control": "no-store" } };
  });

  addAdmin(router, "POST", `${COMPANY}/refresh-tokens/expire`, async (req) => {
    const companyId = knownCompany(req);
    return json(200, { companyId, expired: oauth.refreshTokens.expireWhere(companyId, await optionalClient(req)) });
  });
  addAdmin(router, "POST", `${COMPANY}/refresh-tokens/revoke`, async (req) => {
    const companyId = knownCompany(req);
    return json(200, { companyId, revoked: oauth.refreshTokens.revokeWhere(companyId, await optionalClient(req)) });
  });

  const tokenFaultsView = () => ({ next: oauth.tokenFaults.remaining, kind: oauth.tokenFaults.kind });
  addAdmin(router, "GET", `${ADMIN}/faults/token`, async () => json(200, tokenFaultsView()));
  addAdmin(router, "PUT", `${ADMIN}/faults/token`, async (req) => {
    Object.assign(oauth.tokenFaults, parseTokenFaults(await req.json()));
    return json(200, tokenFaultsView());
  });
}
