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
   * Concur answered 401: renew the company's token if that can help (managed mode), resolving true when the call
   * should be sent once more. Absent in passthrough mode, where the caller's token is the caller's business.
   */
  renewAfterUnauthorized?(caller: Caller, companyId: string | undefined): Promise<boolean>;
}

/** Passthrough: the caller's own token, to one base URL. */
export function passthroughTokens(baseUrl: string): TokenSource {
  return {
    baseUrlFor: () => baseUrl,
    authorizationFor: (caller) => caller.authorization,
  };
}
