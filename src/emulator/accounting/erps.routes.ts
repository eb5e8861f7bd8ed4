import { randomUUID } from "node:crypto";
import { SCOPE_READ, SCOPE_WRITE } from "./scopes.js";
import type { AccountingContext } from "./context.js";
import { badRequest } from "../core/errors.js";
import { guarded, rateLimited } from "../core/guards.js";
import { requireCompany, requireErp } from "./lookup.js";
import { AccountingErrorCode } from "./errors.js";
import { json } from "../core/http.js";
import { ACCOUNTING_LIMITS } from "./limits.js";
import { defaultMappings } from "./mappings.js";
import type { Router } from "../core/router.js";
import { newErp, type Company } from "./store.js";
import type { ErpPackage } from "./types.js";
import { parseErpPackage } from "./validation.js";

export const ERPS = "/accountingintegration/v4/companies/{companyId}/erps";
export const ERP = `${ERPS}/{erpId}`;

const alreadyRegistered = (externalErpId: string) =>
  badRequest(`An ERP with externalErpId '${externalErpId}' is already registered for this company`, [
    { source: "externalErpId", errorCode: AccountingErrorCode.ErpAlreadyRegistered, errorMessage: "externalErpId is already registered" },
  ], AccountingErrorCode.ErpAlreadyRegistered);

function externalIdTaken(company: Company, externalErpId: string, exceptErpId?: string): boolean {
  for (const erp of company.erps.values()) {
    if (erp.pkg.externalErpId === externalErpId && erp.pkg.erpId !== exceptErpId) return true;
  }
  return false;
}

/** Registers a new ERP without rate limiting (shared by R1 and the admin helper). */
export function registerErp(
  company: Company,
  input: { partnerAppName: string; erpName: string; externalErpId: string; features?: string[]; postingOptions?: ErpPackage["postingOptions"] },
  partnerId: string,
): ErpPackage {
  const erpId = randomUUID();
  const pkg: ErpPackage = {
    erpId,
    partnerAppName: input.partnerAppName,
    erpName: input.erpName,
    externalErpId: input.externalErpId,
    features: input.features ?? [],
    postingOptions: input.postingOptions ?? [],
  };
  company.erps.set(erpId, newErp(company.id, pkg, partnerId, defaultMappings(erpId)));
  return pkg;
}

/** Registration operations R1–R5 (spec 1.1). */
export function addErpRoutes(router: Router, ctx: AccountingContext): void {
  router.add({
    method: "POST",
    template: ERPS,
    kind: "concur",
    handler: guarded(ctx, SCOPE_WRITE, async (req, grant) => {
      const company = requireCompany(ctx, req.params.companyId);
      const input = parseErpPackage(await req.json(), false);
      // [INFERRED Q11] same externalErpId twice → 400 erp.already.registered.
      if (externalIdTaken(company, input.externalErpId!)) throw alreadyRegistered(input.externalErpId!);
      // Spec 1.1: registration is allowed once per minute (per company, [INFERRED Q5]).
      const now = ctx.now();
      if (company.lastRegisterAt !== undefined && now - company.lastRegisterAt < ACCOUNTING_LIMITS.registerIntervalMs) {
        throw rateLimited(company.lastRegisterAt + ACCOUNTING_LIMITS.registerIntervalMs - now, "one registration per minute");
      }
      company.lastRegisterAt = now;
      const pkg = registerErp(
        company,
        { ...input, partnerAppName: input.partnerAppName!, erpName: input.erpName!, externalErpId: input.externalErpId! },
        grant.clientId,
      );
      return json(200, pkg);
    }),
  });

  router.add({
    method: "GET",
    template: ERPS,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => {
      const company = requireCompany(ctx, req.params.companyId);
      // [INFERRED Q22] a single page; `links` has no `next`.
      return json(200, { data: [...company.erps.values()].map((e) => e.pkg), links: {} });
    }),
  });

  router.add({
    method: "GET",
    template: ERP,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => json(200, requireErp(ctx, req.params.companyId, req.params.erpId).pkg)),
  });

  router.add({
    method: "PATCH",
    template: ERP,
    kind: "concur",
    handler: guarded(ctx, SCOPE_WRITE, async (req) => {
      const company = requireCompany(ctx, req.params.companyId);
      const erp = requireErp(ctx, req.params.companyId, req.params.erpId);
      const input = parseErpPackage(await req.json(), true);
      if (input.externalErpId !== undefined && externalIdTaken(company, input.externalErpId, erp.pkg.erpId)) {
        throw alreadyRegistered(input.externalErpId);
      }
      // Spec R2: features and postingOptions are replaced wholesale — an omitted list means "none" [INFERRED].
      erp.pkg = {
        ...erp.pkg,
        partnerAppName: input.partnerAppName ?? erp.pkg.partnerAppName,
        erpName: input.erpName ?? erp.pkg.erpName,
        externalErpId: input.externalErpId ?? erp.pkg.externalErpId,
        features: input.features ?? [],
        postingOptions: input.postingOptions ?? [],
      };
      return json(200, erp.pkg);
    }),
  });

  router.add({
    method: "DELETE",
    template: ERP,
    kind: "concur",
    handler: guarded(ctx, SCOPE_WRITE, async (req) => {
      const company = requireCompany(ctx, req.params.companyId);
      const erp = requireErp(ctx, req.params.companyId, req.params.erpId);
      // Removes the ERP with all cached data, requests and mappings; queued writes find no ERP and are dropped.
      company.erps.delete(erp.pkg.erpId);
      return { status: 204 };
    }),
  });
}
