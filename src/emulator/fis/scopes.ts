/** The one scope of the Financial Integration Service, for all GETs and POSTs (spec §1 "Scope", [SCOPES]). */
export const SCOPE_FIS = "FISVC";
export const FIS_SCOPES: readonly string[] = [SCOPE_FIS];
