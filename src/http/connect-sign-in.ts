// Optional partner sign-in in front of the Connect page (CONNECT_SIGN_IN=oidc): OpenID Connect authorization code
// flow with PKCE, state and nonce, through openid-client. The provider's metadata is discovered on first use (and
// again after a failure), so a provider that is down does not stop the gateway from starting.
import * as oidc from "openid-client";
import type { ConnectPageConfig } from "../config.js";

export interface SignInStart {
  /** Where to send the browser (the provider's authorization endpoint). */
  url: string;
  /** Kept in the sealed cookie until the callback. */
  checks: { state: string; nonce: string; verifier: string };
}

export interface SignedInPerson {
  issuer: string;
  subject: string;
  /** `Name <email> (sub … at issuer)`: what the connection record shows. */
  description: string;
}

export class SignInError extends Error {
  constructor(
    /** The provider's error code (`access_denied`, …) or ours (`invalid_response`). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SignInError";
  }
}

export interface ConnectSignIn {
  start(redirectUri: string): Promise<SignInStart>;
  /** Checks the provider's answer at the callback URL and returns who signed in. */
  finish(callbackUrl: URL, checks: SignInStart["checks"]): Promise<SignedInPerson>;
}

export function createConnectSignIn(settings: NonNullable<ConnectPageConfig["oidc"]>): ConnectSignIn {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
        // A provider on plain http is only accepted when configured so (a local or test provider).
        execute: settings.issuer.startsWith("http:") ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    async start(redirectUri) {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        response_type: "code",
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },

    async finish(callbackUrl, checks) {
      const config = await configuration();
      let claims: Record<string, unknown> & { sub: string; iss: string };
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (!idToken?.sub) throw new SignInError("invalid_response", "the provider's ID token has no subject");
        claims = { ...idToken };
        // Many providers put name and e-mail only in UserInfo for the code flow: ask it for them (same subject).
        if (typeof claims.email !== "string" && typeof claims.name !== "string" && config.serverMetadata().userinfo_endpoint) {
          try {
            const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
            claims = { ...info, ...claims, email: info.email, name: info.name ?? info.preferred_username };
          } catch {
            // Who signed in is still known by subject; the name is a nicety.
          }
        }
      } catch (error) {
        if (error instanceof SignInError) throw error;
        if (error instanceof oidc.AuthorizationResponseError) throw new SignInError(error.error, error.error_description ?? error.error);
        if (error instanceof oidc.ResponseBodyError) throw new SignInError(error.error, error.error_description ?? error.error);
        throw new SignInError("invalid_response", (error as Error).message);
      }
      const text = (name: string) => (typeof claims[name] === "string" && (claims[name] as string).trim() !== "" ? (claims[name] as string).trim() : undefined);
      const name = text("name") ?? text("preferred_username");
      const email = text("email");
      const who = [name, email ? `<${email}>` : undefined].filter(Boolean).join(" ");
      return { issuer: claims.iss, subject: claims.sub, description: `${who ? `${who} ` : ""}(sub ${claims.sub} at ${claims.iss})` };
    },
  };
}
