import { randomBytes } from "node:crypto";
import { ErrorCode, HttpError } from "./errors.js";
import type { Clock } from "./types.js";

/** Client id of the default partner app: tokens minted by issueToken / the admin API (facts.partnerId, [INFERRED Q15]). */
export const EMULATOR_CLIENT_ID = "0f0e0d0c-0b0a-4909-8807-060504030201";

export interface TokenGrant {
  companyId: string;
  scopes: string[];
  clientId: string;
  /** Epoch ms; undefined = never expires (tokens minted for tests and the demo). */
  expiresAt?: number;
  /**
   * An app token (client_credentials grant; `companyId` is ""): valid only for ESS management calls, at the data
   * center that issued it (docs/emulator/ess-v4.md).
   */
  app?: { site: string };
}

/** Opaque bearer (access) tokens of one emulator instance. Survives admin reset so printed demo tokens keep working. */
export class TokenService {
  private readonly access = new Map<string, TokenGrant>();

  constructor(private readonly now: Clock) {}

  mint(grant: TokenGrant): string {
    const token = `emu_${randomBytes(24).toString("base64url")}`;
    this.access.set(token, grant);
    return token;
  }

  /** Revokes every access token of a company for a client; returns how many. */
  revokeWhere(companyId: string, clientId: string): number {
    let n = 0;
    for (const [token, grant] of this.access) {
      if (grant.companyId === companyId && grant.clientId === clientId) {
        this.access.delete(token);
        n++;
      }
    }
    return n;
  }

  /** Resolves the Authorization header: 401 when missing, malformed, unknown or expired. */
  authenticate(authorization: string | undefined): TokenGrant {
    if (!authorization) throw new HttpError(401, ErrorCode.Unauthenticated, "Authorization header with a Bearer token is required");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new HttpError(401, ErrorCode.TokenInvalid, "Authorization header must be 'Bearer <token>'");
    const grant = this.access.get(match[1]);
    if (!grant) throw new HttpError(401, ErrorCode.TokenInvalid, "Bearer token is invalid");
    if (grant.expiresAt !== undefined && grant.expiresAt <= this.now()) {
      throw new HttpError(401, ErrorCode.TokenInvalid, "Bearer token has expired");
    }
    return grant;
  }
}

/** 403 unless the token belongs to the path's company and carries the scope (accounting spec 1.0). */
export function authorize(grant: TokenGrant, companyId: string, scope: string): void {
  if (grant.companyId.toLowerCase() !== companyId.toLowerCase()) {
    throw new HttpError(403, ErrorCode.CompanyForbidden, "Token was issued for another company");
  }
  if (!grant.scopes.includes(scope)) {
    throw new HttpError(403, ErrorCode.ScopeMissing, `Token lacks the scope ${scope}`);
  }
}
