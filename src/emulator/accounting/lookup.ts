import { ErrorCode, notFound } from "../core/errors.js";
import type { AccountingContext } from "./context.js";
import { AccountingErrorCode } from "./errors.js";
import type { Company, Erp } from "./store.js";

/** The company's accounting state; 404 when the company is unknown to the emulator. */
export function requireCompany(ctx: AccountingContext, companyId: string): Company {
  if (!ctx.companies.has(companyId)) throw notFound(ErrorCode.CompanyNotFound, `Company ${companyId} not found`);
  return ctx.store.ensureCompany(companyId.toLowerCase());
}

export function requireErp(ctx: AccountingContext, companyId: string, erpId: string): Erp {
  const company = requireCompany(ctx, companyId);
  const erp = company.erps.get(erpId.toLowerCase()) ?? company.erps.get(erpId);
  if (!erp) throw notFound(AccountingErrorCode.ErpNotFound, `ERP ${erpId} is not registered for company ${companyId}`);
  return erp;
}
