import { addAdmin, ADMIN, adminBody } from "../core/admin.js";
import { badRequest } from "../core/errors.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isUuid } from "../core/validation.js";
import { encryptedId } from "./ids.js";
import { settlePaymentBatches } from "./batches.routes.js";
import { jobStatus, type ExtractsContext, type PaymentBatch } from "./store.js";

const FILES_ADMIN = `${ADMIN}/extracts/companies/{companyId}`;

/**
 * The Concur UI parts nobody can call: a company's edition (Profile v1), its extract definitions and Payment
 * Manager batches; and an inspection view. No auth, no faults, not counted.
 */
export function addFilesAdminRoutes(router: Router, ctx: ExtractsContext): void {
  const companyOf = (id: string) => {
    if (!isUuid(id)) throw badRequest("companyId must be a UUID");
    ctx.companies.ensure(id);
    return ctx.store.company(id);
  };

  addAdmin(router, "GET", FILES_ADMIN, async (req) => {
    const company = companyOf(req.params.companyId);
    settlePaymentBatches(ctx, req.params.companyId);
    const now = ctx.now();
    return json(200, {
      profile: company.profile ?? null,
      definitions: [...company.definitions.values()],
      jobs: [...company.jobs.values()].map((job) => ({ ...job, status: jobStatus(job, now) })),
      batches: [...company.batches.values()],
    });
  });

  addAdmin(router, "PUT", `${FILES_ADMIN}/profile`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    if (body.failStatus !== undefined) {
      if (typeof body.failStatus !== "number" || body.failStatus < 400 || body.failStatus > 599) throw badRequest("failStatus must be an HTTP status 400..599");
      company.profile = { kind: "fail", status: body.failStatus };
    } else {
      const text = (v: unknown) => (typeof v === "string" ? v : undefined);
      company.profile = {
        kind: "ok",
        uuid: req.params.companyId.toLowerCase(),
        name: text(body.name) ?? "Emulated company",
        marketingName: text(body.marketingName),
        offeringCode: text(body.offeringCode),
        expenseBlock: body.expenseBlock !== false,
      };
    }
    return json(200, company.profile);
  });

  addAdmin(router, "POST", `${FILES_ADMIN}/definitions`, async (req) => {
    const company = companyOf(req.params.companyId);
    const { name, multiFile } = await adminBody(req);
    if (typeof name !== "string" || name === "") throw badRequest("name is required");
    const def = { id: encryptedId(`${req.params.companyId.toLowerCase()}/definition/${name}`), name, multiFile: multiFile === true };
    company.definitions.set(def.id, def);
    return json(201, def);
  });

  addAdmin(router, "POST", `${FILES_ADMIN}/batches`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    if (typeof body.name !== "string" || body.name === "") throw badRequest("name is required");
    const count = typeof body.count === "number" ? body.count : 1;
    const batch: PaymentBatch = {
      id: ctx.store.newId(req.params.companyId, "batch"),
      guid: crypto.randomUUID(),
      name: body.name,
      total: typeof body.total === "string" ? body.total : "100.00",
      currency: typeof body.currency === "string" ? body.currency : "USD",
      count,
      type: body.type === "Card Program" ? "Card Program" : "Employee",
      paymentMethod: typeof body.paymentMethod === "string" ? body.paymentMethod : "Expense Pay by Concur",
      status: body.status === "CLOSED" ? "CLOSED" : "OPEN",
      fileFormat: body.fileFormat === "csv" ? "csv" : "zip",
      fileKeys: [],
    };
    company.batches.set(batch.id, batch);
    return json(201, batch);
  });
}
