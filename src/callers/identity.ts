import { canonicalCompanyId } from "../company-id.js";
import { CodedError, ErrorCode } from "../errors.js";

/** What a caller may do: `admin` ⊃ `write` ⊃ `read`. */
export type Role = "read" | "write" | "admin";

/** Roles from weakest to strongest. */
export const ROLES: readonly Role[] = ["read", "write", "admin"];

/** Who is calling the gateway, after authentication. Holds no secret. */
export interface CallerIdentity {
  kind: "apiKey" | "jwt";
  /** API key id, or the JWT's `sub`. */
  id: string;
  role: Role;
  /** Companies the caller may act for; `"*"` = all connected companies. */
  companies: "*" | string[];
}

/** Parses a role name (case-insensitive); undefined if it is none of {@link ROLES}. */
export function parseRole(raw: unknown): Role | undefined {
  if (typeof raw !== "string") return undefined;
  const role = raw.trim().toLowerCase();
  return (ROLES as readonly string[]).includes(role) ? (role as Role) : undefined;
}

/** Whether `has` includes `needed` (admin ⊃ write ⊃ read). */
export function roleAtLeast(has: Role, needed: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needed);
}

/** Whether the caller may act with `role` for `companyId` (whatever the letter case of either id). */
export function canAct(identity: CallerIdentity, companyId: string, role: Role): boolean {
  if (!roleAtLeast(identity.role, role)) return false;
  if (identity.companies === "*") return true;
  const wanted = canonicalCompanyId(companyId);
  // Identities built by parseCompanies hold canonical ids already; one built elsewhere may not.
  return identity.companies.some((company) => company === wanted || canonicalCompanyId(company) === wanted);
}

/** Throws a `FORBIDDEN` coded error saying what is missing unless {@link canAct}. */
export function assertCanAct(identity: CallerIdentity, companyId: string, role: Role): void {
  if (!roleAtLeast(identity.role, role)) {
    throw new CodedError(ErrorCode.FORBIDDEN, `This operation needs role ${role}; ${describeCaller(identity)} has role ${identity.role}.`, { requiredRole: role });
  }
  if (!canAct(identity, companyId, role)) {
    const canonical = canonicalCompanyId(companyId);
    throw new CodedError(ErrorCode.FORBIDDEN, `${describeCaller(identity)} may not act for company ${canonical}.`, { companyId: canonical });
  }
}

/** "API key abc123" / "JWT subject user@x": for messages, never contains a secret. */
export function describeCaller(identity: CallerIdentity): string {
  return identity.kind === "apiKey" ? `API key ${identity.id}` : `JWT subject ${identity.id}`;
}

/**
 * Parses a companies claim or option: an array of strings, or one string separated by spaces and/or commas.
 * `"*"` anywhere means all companies. Empty and non-string entries are dropped; ids come back canonical (trimmed,
 * lower case: JWT claims, API-key scopes and CLI flags may carry Concur's upper-case UUIDs).
 */
export function parseCompanies(raw: unknown): "*" | string[] {
  const items = Array.isArray(raw) ? raw.filter((item): item is string => typeof item === "string") : typeof raw === "string" ? raw.split(/[\s,]+/) : [];
  const companies = [...new Set(items.map(canonicalCompanyId).filter((item) => item !== ""))];
  return companies.includes("*") ? "*" : companies;
}
