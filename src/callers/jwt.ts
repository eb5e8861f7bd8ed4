import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { CodedError, ErrorCode } from "../errors.js";
import { parseCompanies, parseRole, ROLES, type CallerIdentity, type Role } from "./identity.js";

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** JWKS endpoint of the identity provider (fetched on first use, cached, refetched for an unknown `kid`). */
  jwksUrl: string | URL;
  /** Required `iss`; unchecked when unset. */
  issuer?: string | string[];
  /** Required `aud`; unchecked when unset. */
  audience?: string | string[];
  /** Claim listing the companies (array, or a space/comma separated string; `*` = all). Default `concur_companies`. */
  companiesClaim?: string;
  /** Claim with the role (`read` | `write` | `admin`, or an array: the strongest wins). Default `concur_role`. */
  roleClaim?: string;
  /** Role of a token without a role claim; unset = such tokens are refused with `FORBIDDEN`. */
  defaultRole?: Role;
  /** Accepted signature algorithms (default: asymmetric ones, RS/PS/ES 256-512 and EdDSA). */
  algorithms?: string[];
  /** Leeway for `exp`/`nbf`, seconds (default 5). */
  clockToleranceSeconds?: number;
  /** JWKS request timeout, ms (default 5000). */
  jwksTimeoutMs?: number;
  /** Least time between two JWKS refetches for unknown key ids, ms (default 30 000). */
  jwksCooldownMs?: number;
}

export interface JwtVerifier {
  /** The caller of a valid token; throws `UNAUTHENTICATED` (bad token) or `FORBIDDEN` (no role) with a safe message. */
  verify(token: string): Promise<CallerIdentity>;
}

const DEFAULT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Verifies caller JWTs against a remote JWKS (jose `createRemoteJWKSet` + `jwtVerify`). */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
  });
  const companiesClaim = options.companiesClaim ?? "concur_companies";
  const roleClaim = options.roleClaim ?? "concur_role";

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ["sub", "exp"],
        }));
      } catch (error) {
        throw jwtError(error);
      }
      const role = roleFromClaim(payload[roleClaim]) ?? options.defaultRole;
      if (!role) {
        throw new CodedError(ErrorCode.FORBIDDEN, `The token has no usable "${roleClaim}" claim: it must be one of ${ROLES.join(", ")}.`);
      }
      return { kind: "jwt", id: payload.sub!, role, companies: parseCompanies(payload[companiesClaim]) };
    },
  };
}

/** The strongest valid role in a role claim (string, space/comma list or array); undefined if none. */
export function roleFromClaim(raw: unknown): Role | undefined {
  const values = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[\s,]+/) : [];
  let best: Role | undefined;
  for (const value of values) {
    const role = parseRole(value);
    if (role && (!best || ROLES.indexOf(role) > ROLES.indexOf(best))) best = role;
  }
  return best;
}

/** Maps jose's failures to messages a caller can act on; never echoes the token. */
function jwtError(error: unknown): CodedError {
  const unauthenticated = (message: string, reason: string) => new CodedError(ErrorCode.UNAUTHENTICATED, message, { reason });
  if (error instanceof joseErrors.JWTExpired) return unauthenticated("The token has expired: obtain a new one from your identity provider.", "expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthenticated(`The token's "${error.claim}" claim was rejected (${error.reason}): check the token's ${error.claim}.`, `claim:${error.claim}`);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return unauthenticated("The token is signed with a key (kid) the gateway's JWKS does not contain.", "unknown_key");
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return unauthenticated("The token's signature is invalid.", "signature");
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return unauthenticated("The token's signing algorithm is not accepted.", "algorithm");
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || !(error instanceof joseErrors.JOSEError)) {
    return new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, "The gateway could not load the signing keys to check the token; retry later.");
  }
  return unauthenticated("The bearer token is not a valid JWT: send Authorization: Bearer <JWT> or an API key cg_<keyId>_<secret>.", "malformed");
}
