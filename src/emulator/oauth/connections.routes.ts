import type { CoreContext } from "../core/context.js";
import { authenticated } from "../core/guards.js";
import type { Router } from "../core/router.js";
import type { OAuthState } from "./state.js";

export const CONNECTIONS_PATH = "/app-mgmt/v0/connections";

/**
 * DELETE /app-mgmt/v0/connections with the company's bearer token → 200: revokes every refresh token of that company
 * for the calling app (auth apidoc, "Revoking a token"). [INFERRED] it also revokes the app's access tokens for the
 * company, the caller's own included, so a disconnected company cannot be called until it connects again.
 */
export function addConnectionRoutes(router: Router, ctx: CoreContext, oauth: OAuthState): void {
  router.add({
    method: "DELETE",
    template: CONNECTIONS_PATH,
    kind: "concur",
    handler: authenticated(ctx, async (_req, grant) => {
      oauth.refreshTokens.revokeWhere(grant.companyId, grant.clientId);
      ctx.tokens.revokeWhere(grant.companyId, grant.clientId);
      return { status: 200 };
    }),
  });
}
