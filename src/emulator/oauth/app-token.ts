import type { CoreContext } from "../core/context.js";
import type { Reply, RequestContext } from "../core/http.js";
import { OAUTH_LIMITS } from "./limits.js";

/**
 * The client_credentials grant: an **app token** for ESS management (docs/emulator/ess-v4.md; [MGMT], [GUIDE]).
 * Form fields `grant_type=client_credentials`, `client_id`, `client_secret`; answered with an access token that lives
 * 60 min, no refresh token, and the `geolocation` of the data center that issued it. The token is valid only for ESS
 * calls at that data center [INFERRED Q9]; its scopes are the app's ESS scopes (`events.topic.read` and the topics'
 * resource scopes, set through /_emulator/ess/config).
 */
export function appTokenReply(ctx: CoreContext, req: RequestContext, clientId: string): Reply {
  const now = ctx.now();
  const scopes = [...ctx.appTokenScopes(clientId, req.site)];
  const accessToken = ctx.tokens.mint({
    companyId: "",
    scopes,
    clientId,
    expiresAt: now + OAUTH_LIMITS.accessTokenTtlSec * 1000,
    app: { site: req.site.name },
  });
  return {
    status: 200,
    body: {
      expires_in: String(OAUTH_LIMITS.accessTokenTtlSec),
      scope: scopes.join(" "),
      token_type: "Bearer",
      access_token: accessToken,
      geolocation: req.site.url,
    },
  };
}
