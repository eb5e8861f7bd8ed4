import { authorize, type TokenGrant } from "./auth.js";
import type { CoreContext } from "./context.js";
import { badRequest, ErrorCode, HttpError } from "./errors.js";
import { homeOf, servesApiCalls } from "./geolocation.js";
import type { RequestContext, Reply } from "./http.js";
import type { Handler } from "./router.js";
import type { ValidationError } from "./types.js";
import { isUuid } from "./validation.js";

export type ConcurHandler = (req: RequestContext, grant: TokenGrant) => Promise<Reply>;

/** Path parameters that must be UUIDs wherever they appear (Concur v4 path ids). */
const UUID_PARAMS = ["companyId", "erpId", "requestId"];

/**
 * Wraps a Concur API handler with the checks every operation shares, in this order:
 * 401 (no/invalid token) → 400 (path ids not UUIDs) → 403 (other company / missing scope) → handler (404 etc.).
 */
export function guarded(ctx: CoreContext, scope: string, handler: ConcurHandler): Handler {
  return async (req) => {
    const grant = authenticateHere(ctx, req);
    const errors: ValidationError[] = [];
    for (const name of UUID_PARAMS) {
      const v = req.params[name];
      if (v !== undefined && !isUuid(v)) {
        errors.push({ source: name, errorCode: `${name}.invalid`, errorMessage: `${name} must be a UUID` });
      }
    }
    if (errors.length > 0) throw badRequest("Path parameter is not a UUID", errors);
    authorize(grant, req.params.companyId, scope);
    return handler(req, grant);
  };
}

/** Bearer-token routes without a company path (e.g. app-mgmt): 401 checks only. */
export function authenticated(ctx: CoreContext, handler: ConcurHandler): Handler {
  return async (req) => handler(req, authenticateHere(ctx, req));
}

/** 401 for missing/unknown/expired tokens and for tokens of a company living in another data center. */
function authenticateHere(ctx: CoreContext, req: RequestContext): TokenGrant {
  const grant = ctx.tokens.authenticate(header(req, "authorization"));
  // [ESS] "use it only for ESS calls": an app token acts for no company.
  if (grant.app) throw new HttpError(401, ErrorCode.TokenInvalid, "An app token (client_credentials) is valid only for the Event Subscription Service");
  if (!servesApiCalls(ctx, grant.companyId, req.site)) {
    throw new HttpError(401, ErrorCode.TokenInvalid,
      `Bearer token is not valid in data center ${req.site.name}; the company lives at ${homeOf(ctx, grant.companyId)?.url}`);
  }
  return grant;
}

export function header(req: RequestContext, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** 429 with Retry-After in whole seconds (accounting spec Q5). */
export function rateLimited(retryAfterMs: number, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, ErrorCode.RateLimited, `Rate limit exceeded: ${what}; retry after ${seconds} s`, undefined, {
    "retry-after": String(seconds),
  });
}
