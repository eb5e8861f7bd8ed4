/**
 * One form of a Concur company id everywhere in the gateway: Concur's company UUIDs are case-insensitive and its own
 * redirects send them in upper case (`id=03A4AC48-…`), so every entry (landing route, GraphQL arguments, CLI flags,
 * JWT claims, API-key scopes) and the store keep the canonical form: trimmed, lower case. Comparisons then never
 * depend on case.
 */
export function canonicalCompanyId(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Whether two company ids name the same company, whatever their case. */
export function sameCompany(a: string, b: string): boolean {
  return canonicalCompanyId(a) === canonicalCompanyId(b);
}
