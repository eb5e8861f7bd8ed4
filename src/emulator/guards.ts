import { authorize, type TokenGrant } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { badRequest, ErrorCode, HttpError, notFound } from "./errors.js";
import type { Handler } from "./router.js";
import type { Company, Erp } from "./store.js";
import type { RequestContext, Reply } from "./http.js";
import type { ValidationError } from "./types.js";
import { isUuid } from "./validation.js";

export type ConcurHandler = (req: RequestContext, grant: TokenGrant) => Promise<Reply>;

/**
 * Wraps a Concur API handler with the checks every operation shares, in this order:
 * 401 (no/invalid token) → 400 (path ids not UUIDs) → 403 (other company / missing scope) → handler (404 etc.).
 */
export function guarded(ctx: EmulatorContext, scope: string, handler: ConcurHandler): Handler {
  return async (req) => {
    const grant = ctx.tokens.authenticate(header(req, "authorization"));
    const errors: ValidationError[] = [];
    for (const name of ["companyId", "erpId", "requestId"]) {
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

export function header(req: RequestContext, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requireCompany(ctx: EmulatorContext, companyId: string): Company {
  const company = ctx.store.companies.get(companyId.toLowerCase()) ?? ctx.store.companies.get(companyId);
  if (!company) throw notFound(ErrorCode.CompanyNotFound, `Company ${companyId} not found`);
  return company;
}

export function requireErp(ctx: EmulatorContext, companyId: string, erpId: string): Erp {
  const company = requireCompany(ctx, companyId);
  const erp = company.erps.get(erpId.toLowerCase()) ?? company.erps.get(erpId);
  if (!erp) throw notFound(ErrorCode.ErpNotFound, `ERP ${erpId} is not registered for company ${companyId}`);
  return erp;
}

/** 429 with Retry-After in whole seconds (spec Q5). */
export function rateLimited(retryAfterMs: number, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, ErrorCode.RateLimited, `Rate limit exceeded: ${what}; retry after ${seconds} s`, undefined, {
    "retry-after": String(seconds),
  });
}
