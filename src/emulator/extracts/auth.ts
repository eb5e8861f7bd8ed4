import type { TokenGrant } from "../core/auth.js";
import { ErrorCode, HttpError } from "../core/errors.js";
import { homeOf, servesApiCalls } from "../core/geolocation.js";
import { header } from "../core/guards.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Handler } from "../core/router.js";
import type { AuthScheme, ExtractsContext } from "./store.js";

export type FilesHandler = (req: RequestContext, grant: TokenGrant) => Promise<Reply>;

const SCHEME = /^(Bearer|OAuth)\s+(\S+)\s*$/i;

/**
 * The checks of the XML APIs: 401 unless `Authorization: OAuth <token>` (as documented) or `Bearer <token>` (modern
 * company tokens; [INFERRED] spec Q1) with a scheme the settings accept, at the company's data center; 403 without
 * the scope. The company is the token's: these paths carry no company id.
 */
export function xmlGuarded(ctx: ExtractsContext, scope: string, handler: FilesHandler, schemes: () => readonly AuthScheme[]): Handler {
  return async (req) => {
    const raw = header(req, "authorization");
    const match = raw ? SCHEME.exec(raw) : null;
    if (!raw) throw new HttpError(401, ErrorCode.Unauthenticated, "Authorization header with an OAuth token is required");
    if (!match) throw new HttpError(401, ErrorCode.TokenInvalid, "Authorization header must be 'OAuth <token>' or 'Bearer <token>'");
    const scheme = (match[1].toLowerCase() === "oauth" ? "OAuth" : "Bearer") as AuthScheme;
    if (!schemes().includes(scheme)) throw new HttpError(401, ErrorCode.TokenInvalid, `This API does not accept the ${scheme} scheme; send 'Authorization: ${schemes()[0] ?? "OAuth"} <token>'`);
    const grant = ctx.tokens.authenticate(`Bearer ${match[2]}`);
    if (!servesApiCalls(ctx, grant.companyId, req.site)) {
      throw new HttpError(401, ErrorCode.TokenInvalid, `Token is not valid in data center ${req.site.name}; the company lives at ${homeOf(ctx, grant.companyId)?.url}`);
    }
    if (!grant.scopes.includes(scope)) throw new HttpError(403, ErrorCode.ScopeMissing, `Token lacks the scope ${scope}`);
    return handler(req, grant);
  };
}
