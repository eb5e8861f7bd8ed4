import { randomUUID } from "node:crypto";
import type { Clock } from "../core/types.js";
import { OAUTH_LIMITS } from "./limits.js";

export interface RefreshGrant {
  companyId: string;
  scopes: string[];
  clientId: string;
  /** Epoch ms; moves forward on every refresh (sliding). */
  expiresAt: number;
}

/** Refresh tokens of one emulator instance. Like access tokens, they survive admin reset. */
export class RefreshTokens {
  private readonly grants = new Map<string, RefreshGrant>();

  constructor(private readonly now: Clock) {}

  /** A new refresh token; UUID-shaped like one of the documented formats ("36 characters including dashes"). */
  mint(companyId: string, scopes: string[], clientId: string): { token: string; grant: RefreshGrant } {
    const token = randomUUID();
    const grant = { companyId, scopes, clientId, expiresAt: this.slidingExpiry() };
    this.grants.set(token, grant);
    return { token, grant };
  }

  /** The live grant; undefined when unknown, revoked or expired. */
  find(token: string): RefreshGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return grant;
  }

  /** A successful refresh: slides the expiry, and with `rotate` replaces the token (the old one stops working). */
  use(token: string, rotate: boolean): { token: string; grant: RefreshGrant } {
    const grant = this.grants.get(token)!;
    grant.expiresAt = this.slidingExpiry();
    if (!rotate) return { token, grant };
    this.grants.delete(token);
    const next = randomUUID();
    this.grants.set(next, grant);
    return { token: next, grant };
  }

  /** Makes the company's refresh tokens (optionally of one client) expired now; returns how many. */
  expireWhere(companyId: string, clientId?: string): number {
    let n = 0;
    for (const grant of this.matching(companyId, clientId)) {
      grant[1].expiresAt = Math.min(grant[1].expiresAt, this.now());
      n++;
    }
    return n;
  }

  /** Deletes the company's refresh tokens (optionally of one client); returns how many. */
  revokeWhere(companyId: string, clientId?: string): number {
    let n = 0;
    for (const [token] of this.matching(companyId, clientId)) {
      this.grants.delete(token);
      n++;
    }
    return n;
  }

  private matching(companyId: string, clientId?: string): [string, RefreshGrant][] {
    return [...this.grants].filter(([, g]) => g.companyId === companyId && (clientId === undefined || g.clientId === clientId));
  }

  private slidingExpiry(): number {
    return this.now() + OAUTH_LIMITS.refreshTokenTtlSec * 1000;
  }
}
