import type { Caller } from "./caller.js";

/**
 * Where a company's calls go and which token they carry. Passthrough mode forwards the caller's own bearer token
 * to one configured base URL; managed mode (company connections) sends the company's stored access token to its
 * geolocation and renews the token when Concur rejects it.
 */
export interface TokenSource {
  /** Base URL (scheme + host) of the company's data center; the configured one when `companyId` is absent. */
  baseUrlFor(companyId: string | undefined): string;
  /** The `Authorization` header value for this call. */
  authorizationFor(caller: Caller, companyId: string | undefined): string | Promise<string>;
  /**
   * Concur refused the token (401, or 403 on an API that signals expiry so: see token-refusal.ts): renew the company's
   * token if that can help (managed mode), resolving true when the call should be sent once more. The pipeline renews
   * at most once per call: `refusal.renewed` says this call's token was already renewed, so the refusal is not an
   * expiry (a 403 then means scope or licence; the source may remember that and resolve false for that token).
   * Absent in passthrough mode, where the caller's token is the caller's business.
   */
  renewAfterUnauthorized?(caller: Caller, companyId: string | undefined, refusal?: TokenRefusal): Promise<boolean>;
}

/** What {@link TokenSource.renewAfterUnauthorized} is told of a refusal. Default `{ status: 401, renewed: false }`. */
export interface TokenRefusal {
  status: 401 | 403;
  /** This call was already sent again with a renewed token, and that one was refused too. */
  renewed: boolean;
}

/** Passthrough: the caller's own token, to one base URL. */
export function passthroughTokens(baseUrl: string): TokenSource {
  return {
    baseUrlFor: () => baseUrl,
    authorizationFor: (caller) => caller.authorization,
  };
}
