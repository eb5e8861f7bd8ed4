import type { EmulatedApi } from "../core/api.js";
import { RefreshTokens } from "./refresh-tokens.js";
import { addTokenRoutes } from "./token.routes.js";

export { OAUTH_LIMITS } from "./limits.js";
export { TOKEN_PATH } from "./token.routes.js";

/** The OAuth2 token endpoint (company tokens); it checks no scopes itself. */
export function oauthApi(): EmulatedApi {
  return {
    name: "oauth-company-tokens",
    scopes: [],
    install: (core, router) => {
      addTokenRoutes(router, core, new RefreshTokens(core.now));
      // Tokens survive admin reset (printed demo tokens keep working), so there is nothing to reset.
      return { reset: () => undefined };
    },
  };
}
