import { randomBytes } from "node:crypto";
import type { Clock } from "../core/types.js";
import { OAUTH_LIMITS } from "./limits.js";

export interface RequestTokenGrant {
  companyId: string;
  clientId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What the App Center hands the partner on Connect (and what the admin API returns). */
export interface IssuedRequestToken {
  requestToken: string;
  /** ISO 8601, on the emulator clock. */
  expiresAt: string;
  companyId: string;
}

/**
 * Company request tokens (App Center Connect / Company Request Token tool): valid 24 h, reusable within their life,
 * bound to the client id they were made for.
 */
export class RequestTokens {
  private readonly grants = new Map<string, RequestTokenGrant>();

  constructor(private readonly now: Clock) {}

  issue(companyId: string, clientId: string): IssuedRequestToken {
    const requestToken = randomBytes(18).toString("base64url");
    const expiresAt = this.now() + OAUTH_LIMITS.requestTokenTtlSec * 1000;
    this.grants.set(requestToken, { companyId, clientId, expiresAt });
    return { requestToken, expiresAt: new Date(expiresAt).toISOString(), companyId };
  }

  /** The live grant of a token; undefined when unknown or expired. */
  find(token: string): RequestTokenGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.now()) {
      this.grants.delete(token);
      return undefined;
    }
    return grant;
  }
}
