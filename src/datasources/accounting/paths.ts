import { badInput } from "../../errors.js";

/** Accounting Integration v4 resource paths (spec §1): the only place that spells them. */
export const ACCOUNTING_API = "/accountingintegration/v4";

/** Scopes a 403 names (spec §1.0). */
export const ACCOUNTING_SCOPES = { read: "spend.accountingintegration.read", write: "spend.accountingintegration.write" } as const;

/** ERP data lists and bulk write endpoints, by their path segment (spec §1.2). */
export type ErpDataType = "accounts" | "vendors" | "lists" | "taxData";

export const accountingPaths = {
  erps: (companyId: string) => `${ACCOUNTING_API}/companies/${segment("companyId", companyId)}/erps`,
  erp: (companyId: string, erpId: string) => `${accountingPaths.erps(companyId)}/${segment("erpId", erpId)}`,
  mappings: (companyId: string, erpId: string) => `${accountingPaths.erp(companyId, erpId)}/mappings`,
  list: (companyId: string, erpId: string, type: ErpDataType) => `${accountingPaths.erp(companyId, erpId)}/${listSegment(type)}`,
  request: (companyId: string, erpId: string, requestId: string) => `${accountingPaths.erp(companyId, erpId)}/requests/${segment("requestId", requestId)}`,
  requestErrors: (companyId: string, erpId: string, requestId: string) => `${accountingPaths.request(companyId, erpId, requestId)}/errors`,
};

export function listSegment(type: ErpDataType): string {
  switch (type) {
    case "accounts":
    case "vendors":
    case "lists":
    case "taxData":
      return type;
    default:
      throw badInput(`type must be one of accounts, vendors, lists, taxData, got ${String(type)}`);
  }
}

/** One path segment from caller input: never empty, never `.`/`..`, always percent-encoded. */
function segment(name: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 200 || value === "." || value === "..") {
    throw badInput(`${name} must be a non-empty identifier of at most 200 characters`, { field: name });
  }
  return encodeURIComponent(value);
}
