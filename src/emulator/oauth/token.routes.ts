import { randomUUID } from "node:crypto";
import { EMULATOR_CLIENT_ID } from "../core/auth.js";
import type { CoreContext } from "../core/context.js";
import type { Reply } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isUuid } from "../core/validation.js";
import { OAUTH_LIMITS } from "./limits.js";
import type { RefreshTokens } from "./refresh-tokens.js";

export const TOKEN_PATH = "/oauth2/v0/token";

/** Concur's token errors are `{code, error, error_description, geolocation}`, not ErrorMessage (spec 3). */
function tokenError(ctx: CoreContext, status: number, code: number, error: string, description: string): Reply {
  return { status, body: { code, error, error_description: description, geolocation: ctx.url() } };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/**
 * POST /oauth2/v0/token: password grant (username = company UUID, password = any non-empty request token,
 * credtype=authtoken) and refresh_token grant. client_id/secret are not checked [INFERRED]: there is one emulated app.
 */
export function addTokenRoutes(router: Router, ctx: CoreContext, refreshTokens: RefreshTokens): void {
  router.add({
    method: "POST",
    template: TOKEN_PATH,
    kind: "oauth",
    handler: async (req) => {
      const form = new URLSearchParams((await req.body()).toString("utf8"));
      const grantType = form.get("grant_type");
      const clientId = form.get("client_id") || EMULATOR_CLIENT_ID;
      const requestedScopes = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
      let companyId: string;
      let scopes: string[];
      let refreshToken: string | undefined;
      let refreshExpiresAt: number | undefined;

      if (grantType === "password") {
        const username = (form.get("username") ?? "").toLowerCase();
        const password = form.get("password") ?? "";
        const credtype = form.get("credtype");
        if (!username || !password) return tokenError(ctx, 400, 4, "invalid_request", "username and password are required");
        if (credtype !== "authtoken") return tokenError(ctx, 400, 4, "invalid_request", "credtype must be 'authtoken' for a company token");
        if (!isUuid(username) || !ctx.companies.has(username)) {
          return tokenError(ctx, 401, 5, "invalid_grant", "Incorrect Credentials. Please Retry");
        }
        companyId = username;
        scopes = requestedScopes.length > 0 ? requestedScopes : [...ctx.defaultScopes];
      } else if (grantType === "refresh_token") {
        const token = form.get("refresh_token");
        if (!token) return tokenError(ctx, 400, 106, "invalid_request", "refresh_token is missing");
        const grant = refreshTokens.find(token);
        if (!grant) return tokenError(ctx, 400, 108, "invalid_grant", "refresh token is invalid or expired");
        companyId = grant.companyId;
        // A refresh may narrow the scopes but never widen them.
        if (requestedScopes.some((s) => !grant.scopes.includes(s))) {
          return tokenError(ctx, 400, 54, "invalid_scope", "requested scope exceeds the original grant");
        }
        scopes = requestedScopes.length > 0 ? requestedScopes : grant.scopes;
        refreshToken = token;
        refreshExpiresAt = grant.expiresAt;
      } else {
        return tokenError(ctx, 400, 2, "unsupported_grant_type", `grant_type '${grantType ?? ""}' is not supported`);
      }

      const now = ctx.now();
      const accessToken = ctx.tokens.mint({ companyId, scopes, clientId, expiresAt: now + OAUTH_LIMITS.accessTokenTtlSec * 1000 });
      if (!refreshToken) {
        const minted = refreshTokens.mint(companyId, scopes, clientId);
        refreshToken = minted.token;
        refreshExpiresAt = minted.expiresAt;
      }
      // id_token is an unsigned JWT-shaped value (alg none): the emulator has no JWKS; sub = the company principal.
      const idToken = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({
        sub: companyId,
        iss: ctx.url(),
        aud: clientId,
        iat: Math.floor(now / 1000),
        exp: Math.floor(now / 1000) + OAUTH_LIMITS.accessTokenTtlSec,
        jti: randomUUID(),
      })}.`;
      return {
        status: 200,
        body: {
          expires_in: String(OAUTH_LIMITS.accessTokenTtlSec),
          scope: scopes.join(" "),
          token_type: "Bearer",
          access_token: accessToken,
          refresh_token: refreshToken,
          refresh_expires_in: Math.floor((refreshExpiresAt ?? now) / 1000),
          id_token: idToken,
          geolocation: ctx.url(),
        },
      };
    },
  });
}
