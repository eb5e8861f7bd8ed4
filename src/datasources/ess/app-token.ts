// App tokens for ESS management: the client_credentials grant at each data center ([MGMT], [GUIDE]: "get a separate
// app token for US and EMEA"). Lifetime 60 min, no refresh token: a new one is asked for when the held one is within
// five minutes of its end. Used only for ESS calls.
import { TOKEN_PATH } from "../auth/token-client.js";
import type { Caller } from "../client/caller.js";
import type { ConcurClient } from "../client/pipeline.js";
import { EssManagementError } from "./errors.js";

export interface AppToken {
  /** Bearer value (never logged). */
  accessToken: string;
  expiresAt: number;
  /** Where ESS management calls go: the token's `geolocation`, else the host that issued it (spec Q9). */
  managementBaseUrl: string;
}

export interface AppTokenSource {
  /** A live app token of the data center at `baseUrl` (cached until five minutes before it ends). */
  get(baseUrl: string): Promise<AppToken>;
  /** Drops the held token (after ESS answered 401 with it). */
  forget(baseUrl: string): void;
}

export interface AppTokenSourceOptions {
  client: ConcurClient;
  clientId: string;
  clientSecret: string;
  now?: () => number;
}

const SYSTEM: Caller = { authorization: "", key: "concur-graph:ess-app-token" };
const RENEW_BEFORE_MS = 5 * 60_000;
/** Without a readable `expires_in`, assume the documented 60 min. */
const DEFAULT_LIFETIME_S = 3600;

export function createAppTokenSource(options: AppTokenSourceOptions): AppTokenSource {
  const { client, clientId, clientSecret } = options;
  const now = options.now ?? Date.now;
  const held = new Map<string, AppToken>();
  const inFlight = new Map<string, Promise<AppToken>>();

  async function fetchToken(baseUrl: string): Promise<AppToken> {
    const res = await client.request<Record<string, unknown>>({
      method: "POST",
      path: TOKEN_PATH,
      baseUrl,
      authorization: null,
      caller: SYSTEM,
      form: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
      retry: { retries: 0, minTimeoutMs: 0, max429Waits: 2 },
      throwOnError: false,
      returnStatuses: [500, 502, 503, 504],
    }).catch((error: unknown) => {
      throw new EssManagementError("appToken", undefined, error instanceof Error ? error.message : String(error));
    });
    const body = res.body && typeof res.body === "object" ? res.body : {};
    if (res.status !== 200 || typeof body.access_token !== "string") {
      // The token endpoint's own words (error, error_description), never the form we sent.
      const why = [body.error, body.error_description].filter((v) => typeof v === "string").join(": ").slice(0, 200);
      throw new EssManagementError("appToken", res.status, why || "no access_token in the answer");
    }
    const expiresIn = Number(body.expires_in);
    const geolocation = typeof body.geolocation === "string" && /^https?:\/\//.test(body.geolocation) ? new URL(body.geolocation).origin : undefined;
    return {
      accessToken: body.access_token,
      expiresAt: now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S) * 1000,
      managementBaseUrl: geolocation ?? baseUrl,
    };
  }

  return {
    async get(baseUrl) {
      const token = held.get(baseUrl);
      if (token && token.expiresAt - RENEW_BEFORE_MS > now()) return token;
      let pending = inFlight.get(baseUrl);
      if (!pending) {
        pending = fetchToken(baseUrl)
          .then((fresh) => {
            held.set(baseUrl, fresh);
            return fresh;
          })
          .finally(() => inFlight.delete(baseUrl));
        inFlight.set(baseUrl, pending);
      }
      return pending;
    },
    forget(baseUrl) {
      held.delete(baseUrl);
    },
  };
}
