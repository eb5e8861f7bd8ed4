/** The edition a company runs, as the posting-by-file APIs need it. */
export type Edition = "PROFESSIONAL" | "STANDARD" | "UNKNOWN";

/**
 * Profile v1 `com:concur:Expense:0.1.marketingName` → edition (company-profile spec §3, Q2): `CTE` / `Enterprise` /
 * anything containing "Professional" → PROFESSIONAL; anything containing "Standard" (the guide says "Standard", the
 * sample "Standard Edition") → STANDARD; case-insensitive; anything else or absent → UNKNOWN.
 */
export function editionFromMarketingName(marketingName: string | null | undefined): Edition {
  if (typeof marketingName !== "string") return "UNKNOWN";
  const name = marketingName.trim().toLowerCase();
  if (name === "") return "UNKNOWN";
  if (/^(cte|enterprise)\b/.test(name) || name.includes("professional")) return "PROFESSIONAL";
  if (name.includes("standard")) return "STANDARD";
  return "UNKNOWN";
}

/** Accounting v4 mappings `companyEdition` (a string in the example, an array in the schema, Q17). */
export function editionFromCompanyEdition(value: unknown): Edition {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v !== "string") continue;
    const upper = v.trim().toUpperCase();
    if (upper === "PROFESSIONAL" || upper === "STANDARD") return upper;
  }
  return "UNKNOWN";
}
