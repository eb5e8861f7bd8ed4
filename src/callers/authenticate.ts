import { CodedError, ErrorCode } from "../errors.js";
import { API_KEY_PREFIX, apiKeyIdOf, type ApiKeyStore } from "./api-keys.js";
import type { CallerIdentity } from "./identity.js";
import type { JwtVerifier } from "./jwt.js";

/** Credentials of one request: the `Authorization` header and/or the `x-api-key` header. */
export interface CallerCredentials {
  authorization?: string | null;
  apiKey?: string | null;
}

/** Options of {@link createCallerAuthenticator}. */
export interface CallerAuthenticatorOptions {
  /** API keys (`Bearer cg_…` or `x-api-key: cg_…`); unset = API keys are refused. */
  apiKeys?: ApiKeyStore;
  /** JWT verification for other bearer tokens; unset = only API keys are accepted. */
  jwt?: JwtVerifier;
}

export interface CallerAuthenticator {
  /**
   * Authenticates a request: `Bearer cg_…` or `x-api-key` go to the API key store, any other bearer token to the
   * JWT verifier. A bare string is taken as the `Authorization` value (or a raw token without `Bearer`).
   * Throws `UNAUTHENTICATED` with a message that says what to send; the token never appears in messages.
   */
  authenticate(credentials: string | CallerCredentials | undefined): Promise<CallerIdentity>;
}

export function createCallerAuthenticator(options: CallerAuthenticatorOptions): CallerAuthenticator {
  const accepted = [options.apiKeys && "an API key (Authorization: Bearer cg_<keyId>_<secret>, or x-api-key)", options.jwt && "a JWT (Authorization: Bearer <JWT>)"]
    .filter(Boolean)
    .join(" or ");
  const refuse = (message: string) => new CodedError(ErrorCode.UNAUTHENTICATED, `${message} Send ${accepted || "nothing: no caller authentication is configured"}.`);

  const verifyApiKey = async (key: string): Promise<CallerIdentity> => {
    if (!options.apiKeys) throw refuse("API keys are not accepted by this gateway.");
    const identity = await options.apiKeys.verify(key);
    if (identity) return identity;
    const keyId = apiKeyIdOf(key);
    throw refuse(keyId ? `API key ${keyId} is unknown, revoked, or its secret is wrong.` : "The API key is malformed (expected cg_<keyId>_<secret>).");
  };

  return {
    async authenticate(input) {
      const credentials: CallerCredentials = typeof input === "string" ? { authorization: input } : (input ?? {});
      const authorization = credentials.authorization?.trim() || undefined;
      const apiKey = credentials.apiKey?.trim() || undefined;
      if (authorization && apiKey) throw refuse("Both Authorization and x-api-key were sent; send only one.");
      if (apiKey) return verifyApiKey(apiKey);
      if (!authorization) throw refuse("No credentials were sent.");
      const [scheme, ...rest] = authorization.split(/\s+/);
      let token: string;
      if (rest.length === 0) token = scheme; // a raw token (e.g. graphql-ws connectionParams)
      else if (scheme.toLowerCase() === "bearer" && rest.length === 1) token = rest[0];
      else throw refuse(`The Authorization scheme "${scheme.slice(0, 20)}" is not supported.`);
      if (token.startsWith(API_KEY_PREFIX)) return verifyApiKey(token);
      if (!options.jwt) throw refuse("The bearer token is not an API key.");
      return options.jwt.verify(token);
    },
  };
}
