import type { ApiInstance, EmulatedApi } from "../core/api.js";
import { addOAuthAdminRoutes, issueAppCenterRedirect, issueRequestToken } from "./admin.routes.js";
import type { AppCenterConnectOptions, AppCenterRedirect } from "./app-center.js";
import { ClientRegistry, DEFAULT_CLIENTS, type PartnerClient } from "./clients.js";
import { addConnectionRoutes } from "./connections.routes.js";
import { noTokenFaults } from "./faults.js";
import { RefreshTokens } from "./refresh-tokens.js";
import { RequestTokens, type IssuedRequestToken } from "./request-tokens.js";
import type { OAuthState, RefreshRotation } from "./state.js";
import { addTokenRoutes } from "./token.routes.js";

export { OAUTH_LIMITS } from "./limits.js";
export { TOKEN_PATH } from "./token.routes.js";
export { CONNECTIONS_PATH } from "./connections.routes.js";
export { EMULATOR_CLIENT_SECRET, type PartnerClient } from "./clients.js";
export type { IssuedRequestToken } from "./request-tokens.js";
export { DEFAULT_CONNECTING_ADMIN, type AppCenterConnectOptions, type AppCenterRedirect } from "./app-center.js";
export type { RefreshRotation } from "./state.js";
export type { TokenFaultKind } from "./faults.js";

export interface OAuthOptions {
  /** Registered partner apps. Default: one app, EMULATOR_CLIENT_ID / EMULATOR_CLIENT_SECRET. */
  clients?: readonly PartnerClient[];
  /** Whether a refresh returns a new refresh token. Default "never". */
  refreshRotation?: RefreshRotation;
}

export interface OAuthInstance extends ApiInstance {
  /** A request token as the App Center makes it on Connect (default: the first registered client). */
  issueRequestToken(companyId: string, clientId?: string): IssuedRequestToken;
  /** What a customer's click on Connect produces: a request token and the App Center's redirect URL to the landing page. */
  appCenterRedirect(companyId: string, options: AppCenterConnectOptions & { clientId?: string }): AppCenterRedirect;
}

/** The OAuth2 token endpoint (company tokens), app-mgmt connection revocation, and their admin routes. */
export function oauthApi(options: OAuthOptions = {}): EmulatedApi<OAuthInstance> {
  const rotation = options.refreshRotation ?? "never";
  if (typeof rotation === "number" && !(rotation >= 0 && rotation <= 1)) {
    throw new Error(`EmulatorOptions.refreshRotation must be "never", "always" or a probability in 0..1, got ${rotation}`);
  }
  return {
    name: "oauth-company-tokens",
    scopes: [],
    install: (core, router) => {
      const oauth: OAuthState = {
        clients: new ClientRegistry(options.clients ?? DEFAULT_CLIENTS),
        requestTokens: new RequestTokens(core.now),
        refreshTokens: new RefreshTokens(core.now),
        tokenFaults: noTokenFaults(),
        rotation,
      };
      addTokenRoutes(router, core, oauth);
      addConnectionRoutes(router, core, oauth);
      addOAuthAdminRoutes(router, core, oauth);
      return {
        // Tokens survive admin reset (printed demo tokens keep working); injected failures do not.
        reset: () => Object.assign(oauth.tokenFaults, noTokenFaults()),
        issueRequestToken: (companyId, clientId) => issueRequestToken(core, oauth, companyId, clientId),
        appCenterRedirect: (companyId, options) => issueAppCenterRedirect(core, oauth, companyId, options),
      };
    },
  };
}
