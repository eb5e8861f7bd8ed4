import { createHash } from "node:crypto";
import type { FisContext } from "./context.js";
import { documentFor, hexOf } from "./documents.js";
import { newDocId, type FisDocument } from "./store.js";
import type { DocType } from "./types.js";

/** Legacy company id and entity id of a company (FIDocument `companyId` "821599", `entityId` "t0171945nik5" in the examples). */
function companyIdentity(companyUuid: string): { legacyCompanyId: string; entityId: string } {
  const hash = createHash("sha256").update(companyUuid).digest();
  return { legacyCompanyId: String(100_000 + (hash.readUInt32BE(0) % 900_000)), entityId: `p${hash.toString("hex").slice(0, 11)}` };
}

/**
 * The demo companies (the Accounting seed's DEMO.companyId / DEMO.secondCompanyId, repeated here because an API folder
 * imports only itself and core/; a test keeps them equal).
 */
export const FIS_DEMO_COMPANIES = ["5e0a1c1e-7d1b-4c3a-9f00-00000000c0de", "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2"] as const;

/** Documents of the demo seed, per doc type: the expense ones include the float-unsafe total (12345678901234.12345678). */
export const FIS_DEMO_COUNTS: Readonly<Record<DocType, number>> = { expense: 4, invoice: 2, cashadvance: 1, payroll: 1, requestobligation: 1, reportobligation: 0 };

/** Adds `count` READY documents of `docType` to a company; ids are random unless `stableKey` (seeds) fixes them. */
export function createDocuments(
  ctx: FisContext,
  companyUuid: string,
  docType: DocType,
  count: number,
  options: { amount?: string; document?: unknown; stableKey?: string } = {},
): FisDocument[] {
  const company = companyUuid.toLowerCase();
  const identity = companyIdentity(company);
  const start = ctx.fis.ofCompany(company).filter((d) => d.docType === docType).length;
  const out: FisDocument[] = [];
  for (let i = start; i < start + count; i++) {
    const key = `${company}:${docType}:${i}:${options.stableKey ?? newDocId()}`;
    out.push(
      ctx.fis.add({
        id: options.stableKey ? hexOf(key, 32, false) : newDocId(),
        docType,
        companyUuid: company,
        ...identity,
        erpSystemId: "",
        document: options.document ?? documentFor(docType, key, i, options.amount),
      }),
    );
  }
  return out;
}

/** The demo seed: a few documents of each doc type for both demo companies (no events: nobody listens yet). */
export function seedFisDemo(ctx: FisContext): void {
  for (const companyId of FIS_DEMO_COMPANIES) {
    if (!ctx.companies.has(companyId)) continue;
    for (const [docType, count] of Object.entries(FIS_DEMO_COUNTS) as [DocType, number][]) {
      if (count > 0) createDocuments(ctx, companyId, docType, count, { stableKey: "demo" });
    }
  }
}
