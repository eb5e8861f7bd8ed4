// Concur's OAuth2 token endpoint for company tokens (docs/emulator/oauth-company-tokens.md): the password grant
// with a request token (Quick Connect), the refresh grant, and the app-management revocation. Only this file knows
// the form fields, the answer shapes and the error codes.
import { CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import type { ConcurClient, ConcurResponse } from "../client/pipeline.js";

export const TOKEN_PATH = "/oauth2/v0/token";
export const CONNECTIONS_PATH = "/app-mgmt/v0/connections";
/** Spec Q2: without `refresh_expires_in`, a refresh token lives 180 days from issue. */
const DEFAULT_REFRESH_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;
/** Spec Q8: without a readable `expires_in`, an access token lives one hour. */
const DEFAULT_ACCESS_LIFETIME_S = 3600;

/** What a successful grant gives (times as epoch ms). */
export interface CompanyTokenGrant {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** As Concur sent it (callers normalise it to scheme + host). */
  geolocation: string | undefined;
  scopes: string[];
}

/** How a `/token` failure affects the connection (spec §3.4, §7). Inferred defaults, kept in one table. */
export type TokenFailureKind = "reconnect" | "transient" | "relocate" | "rejected";

const RECONNECT_CODES = new Set([108, 53, 123, 10, 11, 14, 59, 105]);
const TRANSIENT_CODES = new Set([134]);
const RELOCATE_CODES = new Set([16]);

/** Concur's token endpoint refused or failed; `code` is its numeric code when it sent one. */
export class TokenEndpointError extends Error {
  constructor(
    readonly kind: TokenFailureKind,
    readonly status: number,
    readonly code: number | undefined,
    readonly oauthError: string | undefined,
    readonly description: string,
    /** Where the principal lives, when Concur says so (code 16). */
    readonly geolocation: string | undefined,
  ) {
    super(`Concur token endpoint: HTTP ${status}${code !== undefined ? ` code ${code}` : ""}${oauthError ? ` (${oauthError})` : ""}: ${description}`);
    this.name = "TokenEndpointError";
  }
}

export interface TokenClientOptions {
  client: ConcurClient;
  clientId: string;
  clientSecret: string;
  /** Host of the request-token exchange (GLZ by default, spec §4). */
  tokenUrl: string;
  /** Spec Q1: the app's default geolocation, tried once when the exchange at `tokenUrl` fails with 16 / 404 / 5xx. */
  appGeolocation?: string;
  now?: () => number;
}

export interface TokenClient {
  /** Password grant with `credtype=authtoken`: exchanges a company request token for the company's tokens. */
  exchangeRequestToken(companyId: string, requestToken: string): Promise<CompanyTokenGrant>;
  /** Refresh grant at the company's geolocation; follows one code-16 redirect to the geolocation Concur names. */
  refresh(refreshToken: string, geolocation: string): Promise<CompanyTokenGrant>;
  /** Revokes every refresh token of the principal for this app (`DELETE /app-mgmt/v0/connections`). */
  revoke(accessToken: string, geolocation: string): Promise<void>;
}

const SYSTEM: Caller = { authorization: "", key: "concur-graph:token-endpoint" };

export function createTokenClient(options: TokenClientOptions): TokenClient {
  const { client, clientId, clientSecret } = options;
  const now = options.now ?? Date.now;

  async function post(baseUrl: string, form: Record<string, string>): Promise<CompanyTokenGrant> {
    const res = await client.request<unknown>({
      method: "POST",
      path: TOKEN_PATH,
      baseUrl,
      authorization: null,
      caller: SYSTEM,
      form: { client_id: clientId, client_secret: clientSecret, ...form },
      // A token call is answered or refused as a whole; the connection manager decides about retries.
      retry: { retries: 0, minTimeoutMs: 0, max429Waits: 3 },
      throwOnError: false,
    }).catch((error: unknown) => {
      if (error instanceof CodedError && (error.code === ErrorCode.UPSTREAM_UNAVAILABLE || error.code === ErrorCode.UPSTREAM_TIMEOUT)) {
        throw new TokenEndpointError("transient", Number(error.extensions.upstreamStatus ?? 0), undefined, undefined, error.message, undefined);
      }
      throw error;
    });
    if (res.status === 200) return grantOf(res.body, now());
    throw failureOf(res);
  }

  return {
    async exchangeRequestToken(companyId, requestToken) {
      const form = { grant_type: "password", username: companyId, password: requestToken, credtype: "authtoken" };
      try {
        return await post(options.tokenUrl, form);
      } catch (error) {
        const fallback = options.appGeolocation;
        const retryElsewhere = error instanceof TokenEndpointError && (error.kind === "relocate" || error.kind === "transient" || error.status === 404);
        if (!retryElsewhere) throw error;
        const target = error.kind === "relocate" && error.geolocation ? error.geolocation : fallback;
        if (!target || target === options.tokenUrl) throw error;
        return post(target, form);
      }
    },

    async refresh(refreshToken, geolocation) {
      const form = { grant_type: "refresh_token", refresh_token: refreshToken };
      try {
        return await post(geolocation, form);
      } catch (error) {
        if (error instanceof TokenEndpointError && error.kind === "relocate" && error.geolocation && error.geolocation !== geolocation) {
          return post(error.geolocation, form);
        }
        throw error;
      }
    },

    async revoke(accessToken, geolocation) {
      await client.request({ method: "DELETE", path: CONNECTIONS_PATH, baseUrl: geolocation, authorization: `Bearer ${accessToken}`, caller: SYSTEM });
    },
  };
}

function grantOf(body: unknown, now: number): CompanyTokenGrant {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (typeof b.access_token !== "string" || typeof b.refresh_token !== "string") {
    throw new TokenEndpointError("transient", 200, undefined, undefined, "the answer has no access_token or refresh_token", undefined);
  }
  // expires_in is a string of seconds ("3600"); refresh_expires_in is an absolute epoch in seconds (spec §3.3).
  const expiresIn = Number(b.expires_in);
  const accessExpiresAt = now + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_ACCESS_LIFETIME_S) * 1000;
  const refreshEpoch = Number(b.refresh_expires_in);
  const refreshExpiresAt = Number.isFinite(refreshEpoch) && refreshEpoch > 0 ? refreshEpoch * 1000 : now + DEFAULT_REFRESH_LIFETIME_MS;
  return {
    accessToken: b.access_token,
    accessExpiresAt,
    refreshToken: b.refresh_token,
    refreshExpiresAt,
    geolocation: typeof b.geolocation === "string" && b.geolocation ? b.geolocation : undefined,
    scopes: typeof b.scope === "string" ? b.scope.split(/[\s,]+/).filter(Boolean) : [],
  };
}

function failureOf(res: ConcurResponse<unknown>): TokenEndpointError {
  const b = (res.body && typeof res.body === "object" ? res.body : {}) as Record<string, unknown>;
  // `code` is a number in examples and a string in company-auth.markdown: accept both.
  const code = b.code === undefined || b.code === null || b.code === "" ? undefined : Number(b.code);
  const known = code !== undefined && Number.isFinite(code) ? code : undefined;
  const oauthError = typeof b.error === "string" ? b.error : undefined;
  const description = typeof b.error_description === "string" ? b.error_description.slice(0, 300) : `HTTP ${res.status}`;
  const geolocation = typeof b.geolocation === "string" ? b.geolocation : undefined;
  let kind: TokenFailureKind = "rejected";
  if (known !== undefined && RECONNECT_CODES.has(known)) kind = "reconnect";
  else if (known !== undefined && RELOCATE_CODES.has(known)) kind = "relocate";
  else if ((known !== undefined && TRANSIENT_CODES.has(known)) || res.status >= 500 || res.status === 429) kind = "transient";
  return new TokenEndpointError(kind, res.status, known, oauthError, description, geolocation);
}
