import { randomBytes } from "node:crypto";
import type { Clock } from "../core/types.js";
import { OAUTH_LIMITS } from "./limits.js";

export interface RefreshGrant {
  companyId: string;
  scopes: string[];
  clientId: string;
  expiresAt: number;
}

/** Refresh tokens of one emulator instance. Like access tokens, they survive admin reset. */
export class RefreshTokens {
  private readonly grants = new Map<string, RefreshGrant>();

  constructor(private readonly now: Clock) {}

  mint(companyId: string, scopes: string[], clientId: string): { token: string; expiresAt: number } {
    const token = `emu_rt_${randomBytes(24).toString("base64url")}`;
    const expiresAt = this.now() + OAUTH_LIMITS.refreshTokenTtlSec * 1000;
    this.grants.set(token, { companyId, scopes, clientId, expiresAt });
    return { token, expiresAt };
  }

  find(token: string): RefreshGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return grant;
  }
}
