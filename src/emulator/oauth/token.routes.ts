import { randomUUID } from "node:crypto";
import type { CoreContext } from "../core/context.js";
import { roll } from "../core/faults.js";
import { homeOf, servesTokenGrant } from "../core/geolocation.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { Site } from "../core/sites.js";
import { isUuid } from "../core/validation.js";
import { appTokenReply } from "./app-token.js";
import { OAUTH_LIMITS } from "./limits.js";
import type { OAuthState } from "./state.js";

export const TOKEN_PATH = "/oauth2/v0/token";

/** A token-endpoint error: Concur's `{code, error, error_description, geolocation}` (auth apidoc, "Response codes"). */
class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly error: string,
    description: string,
    /** Where the principal lives, when known (code 16 points the caller there). */
    readonly geolocation?: string,
  ) {
    super(description);
  }
}

const invalidRequest = (code: number, description: string) => new TokenError(400, code, "invalid_request", description);
const incorrectCredentials = () => new TokenError(401, 5, "invalid_grant", "Incorrect Credentials. Please Retry");

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

interface Issued {
  companyId: string;
  clientId: string;
  scopes: string[];
  refreshToken: string;
  refreshExpiresAt: number;
  home: Site;
}

/**
 * POST /oauth2/v0/token: the company password grant (`credtype=authtoken`, `password` = a live request token) and
 * the refresh_token grant, with client authentication, data-center rules and injectable failures.
 */
export function addTokenRoutes(router: Router, ctx: CoreContext, oauth: OAuthState): void {
  router.add({
    method: "POST",
    template: TOKEN_PATH,
    kind: "oauth",
    handler: async (req) => {
      const injected = injectedFault(oauth, req.site);
      if (injected) return injected;
      try {
        const issued = await grant(ctx, oauth, req);
        if ("appToken" in issued) return appTokenReply(ctx, req, issued.clientId);
        return success(ctx, req, issued);
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
        const body = { code: err.code, error: err.error, error_description: err.message, geolocation: err.geolocation ?? req.site.url };
        return { status: err.status, body };
      }
    },
  });
}

/** The next queued failure, if any: 500/503 with a plain-text body, or code 134 (transient maintenance). */
function injectedFault(oauth: OAuthState, site: Site): Reply | undefined {
  const faults = oauth.tokenFaults;
  if (faults.remaining <= 0) return undefined;
  faults.remaining -= 1;
  if (faults.kind === "500") return { status: 500, body: "Internal Server Error", contentType: "text/plain" };
  if (faults.kind === "503") return { status: 503, body: "Service Unavailable", contentType: "text/plain" };
  return {
    status: 400,
    body: { code: 134, error: "invalid_request", error_description: "Company undergoing scheduled maintenance. Please retry later", geolocation: site.url },
  };
}

async function grant(ctx: CoreContext, oauth: OAuthState, req: RequestContext): Promise<Issued | { appToken: true; clientId: string }> {
  const contentType = String(req.headers["content-type"] ?? "");
  // [INFERRED] a body that is not form-encoded is code 135; a missing content type is read as a form.
  if (contentType !== "" && !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw invalidRequest(135, "unsupported request format: use application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams((await req.body()).toString("utf8"));
  const grantType = form.get("grant_type");
  if (!grantType) throw invalidRequest(65, "grant_type not supplied");
  if (grantType === "client_credentials") return { appToken: true, clientId: authenticateClient(oauth, form) };
  if (grantType !== "password" && grantType !== "refresh_token") {
    // [INFERRED] RFC 6749's error name; Concur documents no code for it.
    throw new TokenError(400, 2, "unsupported_grant_type", `grant_type '${grantType}' is not supported`);
  }
  const clientId = authenticateClient(oauth, form);
  const requestedScopes = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  return grantType === "password"
    ? passwordGrant(ctx, oauth, req.site, form, clientId, requestedScopes)
    : refreshGrant(ctx, oauth, req.site, form, clientId, requestedScopes);
}

/** 62/63 when absent, 61 unknown client, 19 wrong secret. */
function authenticateClient(oauth: OAuthState, form: URLSearchParams): string {
  const clientId = form.get("client_id");
  const secret = form.get("client_secret");
  if (!clientId) throw invalidRequest(62, "client_id not supplied");
  if (!secret) throw invalidRequest(63, "client_secret not supplied");
  const client = oauth.clients.get(clientId);
  if (!client) throw new TokenError(401, 61, "invalid_client", "client not found");
  if (client.clientSecret !== secret) throw new TokenError(401, 19, "invalid_client", "Incorrect Credentials. Please Retry");
  return clientId;
}

function passwordGrant(
  ctx: CoreContext, oauth: OAuthState, site: Site, form: URLSearchParams, clientId: string, requestedScopes: string[],
): Issued {
  const username = (form.get("username") ?? "").toLowerCase();
  const password = form.get("password") ?? "";
  const credtype = form.get("credtype");
  if (!username) throw invalidRequest(51, "username not supplied");
  if (!password) throw invalidRequest(52, "password not supplied");
  // Without credtype=authtoken oauth2 treats it as a user login, which a company UUID cannot pass.
  if (credtype === null || credtype === "password") throw incorrectCredentials();
  if (credtype !== "authtoken") throw invalidRequest(120, "credtype is invalid");
  const home = isUuid(username) ? homeOf(ctx, username) : undefined;
  if (!home) throw incorrectCredentials();
  if (!servesTokenGrant(home, site, "password")) throw wrongDataCenter(home);
  const requestToken = oauth.requestTokens.find(password);
  if (!requestToken || requestToken.companyId !== username) throw incorrectCredentials();
  if (requestToken.clientId !== clientId) throw invalidRequest(136, "Authtoken was not issued for you");
  const scopes = grantedScopes(ctx.defaultScopes, requestedScopes);
  // [INFERRED Q5] every exchange (the request token is reusable for 24 h) returns a fresh, valid token pair.
  const minted = oauth.refreshTokens.mint(username, scopes, clientId);
  return { companyId: username, clientId, scopes, refreshToken: minted.token, refreshExpiresAt: minted.grant.expiresAt, home };
}

function refreshGrant(
  ctx: CoreContext, oauth: OAuthState, site: Site, form: URLSearchParams, clientId: string, requestedScopes: string[],
): Issued {
  const token = form.get("refresh_token");
  if (!token) throw invalidRequest(106, "refresh_token not supplied");
  const found = oauth.refreshTokens.find(token);
  if (!found) throw new TokenError(400, 108, "invalid_grant", "bad or expired refresh token");
  if (found.clientId !== clientId) throw new TokenError(400, 105, "invalid_grant", "this grant was not issued to you");
  const home = homeOf(ctx, found.companyId);
  if (!home) throw new TokenError(400, 108, "invalid_grant", "bad or expired refresh token");
  if (!servesTokenGrant(home, site, "refresh_token")) throw wrongDataCenter(home);
  // A refresh may narrow the scopes but never widen them.
  if (requestedScopes.some((s) => !found.scopes.includes(s))) {
    throw new TokenError(400, 54, "invalid_scope", "requested scope exceeds granted scope");
  }
  const rotate = oauth.rotation === "always" || (typeof oauth.rotation === "number" && roll(oauth.rotation, ctx.random));
  const used = oauth.refreshTokens.use(token, rotate);
  const scopes = requestedScopes.length > 0 ? requestedScopes : used.grant.scopes;
  return { companyId: found.companyId, clientId, scopes, refreshToken: used.token, refreshExpiresAt: used.grant.expiresAt, home };
}

/** [INFERRED] code 16 "user lives elsewhere", pointing at the company's data center. */
function wrongDataCenter(home: Site): TokenError {
  return new TokenError(400, 16, "invalid_request", `principal lives in another data center; use ${home.url}`, home.url);
}

function grantedScopes(appScopes: readonly string[], requested: string[]): string[] {
  if (requested.length === 0) return [...appScopes];
  if (requested.some((s) => !appScopes.includes(s))) throw new TokenError(400, 54, "invalid_scope", "requested scope exceeds granted scope");
  return requested;
}

/** The success body of every grant, field for field as documented (auth apidoc, "Response"). */
function success(ctx: CoreContext, req: RequestContext, issued: Issued): Reply {
  const now = ctx.now();
  // ESS adds the company to the app's subscriptions when a company token is obtained ([GUIDE], spec §2.1).
  for (const listener of ctx.companyTokenIssued) listener(issued.companyId, issued.clientId);
  const accessToken = ctx.tokens.mint({
    companyId: issued.companyId,
    scopes: issued.scopes,
    clientId: issued.clientId,
    expiresAt: now + OAUTH_LIMITS.accessTokenTtlSec * 1000,
  });
  // id_token is an unsigned JWT-shaped value (alg none): the emulator has no JWKS; sub = the company principal.
  const idToken = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({
    sub: issued.companyId,
    iss: req.site.url,
    aud: issued.clientId,
    "concur.type": "company",
    iat: Math.floor(now / 1000),
    nbf: Math.floor(now / 1000),
    exp: Math.floor(now / 1000) + OAUTH_LIMITS.accessTokenTtlSec,
    jti: randomUUID(),
  })}.`;
  return {
    status: 200,
    body: {
      expires_in: String(OAUTH_LIMITS.accessTokenTtlSec),
      scope: issued.scopes.join(" "),
      token_type: "Bearer",
      access_token: accessToken,
      refresh_token: issued.refreshToken,
      // Epoch seconds of the refresh token's expiry, as a string like expires_in (auth apidoc: "epoch time").
      refresh_expires_in: String(Math.floor(issued.refreshExpiresAt / 1000)),
      id_token: idToken,
      geolocation: issued.home.url,
    },
  };
}
