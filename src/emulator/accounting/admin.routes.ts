import { randomUUID } from "node:crypto";
import { addAdmin, ADMIN, adminBody, type AdminHandler } from "../core/admin.js";
import { EMULATOR_CLIENT_ID } from "../core/auth.js";
import { badRequest, ErrorCode, notFound } from "../core/errors.js";
import { AccountingErrorCode } from "./errors.js";
import { json, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isObject } from "../core/validation.js";
import type { AccountingContext } from "./context.js";

import { registerErp } from "./erps.routes.js";
import { emitEvent, subjectOf, type EventType } from "./events.js";
import { requireCompany } from "./lookup.js";
import { seedErpData } from "./seed.js";
import type { Erp } from "./store.js";
import type { JsonValue } from "../core/types.js";
import type { ListMapping, MappingsResponse } from "./types.js";
import { OBJECT_TYPES_RESETTABLE, parseErpPackage } from "./validation.js";

const ERP_ADMIN = `${ADMIN}/companies/{companyId}/erps/{erpId}`;

/**
 * Accounting admin routes: the Concur UI parts of Accounting Integration nobody can call (registering an ERP without
 * the rate limit, seeding data, editing mappings, requesting a data reset). No auth, no faults, not counted.
 */
export function addAccountingAdminRoutes(router: Router, ctx: AccountingContext): void {
  const add = (method: string, template: string, handler: AdminHandler) => addAdmin(router, method, template, handler);

  const findErp = (req: RequestContext): Erp => {
    const company = requireCompany(ctx, req.params.companyId);
    const erp = company.erps.get(req.params.erpId.toLowerCase());
    if (!erp) throw notFound(AccountingErrorCode.ErpNotFound, `ERP ${req.params.erpId} not found`);
    return erp;
  };
  const emit = (erp: Erp, eventType: EventType, req: RequestContext, data?: JsonValue) =>
    emitEvent(ctx, subjectOf(erp), eventType, req.correlationId, data);
  const objectBody = (req: RequestContext) => adminBody(req);

  add("POST", `${ADMIN}/companies/{companyId}/register-erp`, async (req) => {
    const company = requireCompany(ctx, req.params.companyId);
    const raw = await adminBody(req, true);
    const n = company.erps.size + 1;
    const input = parseErpPackage(
      { partnerAppName: "Emulator Partner App", erpName: `Emulated ERP ${n}`, externalErpId: `ext-${randomUUID()}`, ...raw },
      false,
    );
    const pkg = registerErp(
      company,
      { ...input, partnerAppName: input.partnerAppName!, erpName: input.erpName!, externalErpId: input.externalErpId! },
      EMULATOR_CLIENT_ID,
    );
    return json(200, pkg);
  });

  add("POST", `${ERP_ADMIN}/seed`, async (req) => {
    const erp = findErp(req);
    const body = await objectBody(req);
    const counts: Record<string, number> = {};
    for (const key of ["accounts", "vendors", "lists"]) {
      const v = body[key];
      if (v === undefined) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
        throw badRequest(`${key} must be an integer between 0 and 1000000`);
      }
      counts[key] = v;
    }
    seedErpData(erp, counts, ctx.now());
    return json(200, { accounts: erp.data.ACCOUNT.size, vendors: erp.data.VENDOR.size, lists: erp.data.LIST.size });
  });

  add("PUT", `${ERP_ADMIN}/mappings`, async (req) => {
    const erp = findErp(req);
    const body = await objectBody(req);
    if (body.files !== undefined && (!Array.isArray(body.files) || body.files.some((f) => !isObject(f)))) {
      throw badRequest("files must be an array of FileMapping objects");
    }
    const next = { ...(body as unknown as MappingsResponse), erpId: erp.pkg.erpId };
    next.files = (next.files ?? []).map((f) => ({ ...f, listMappings: f.listMappings ?? [], paymentTypes: f.paymentTypes ?? [] }));
    const before = JSON.stringify({ ...erp.mappings, invoicePolicies: null });
    erp.mappings = next;
    // Spec 2.1: Invoice Policy changes do not fire mapping.updated.
    const changed = JSON.stringify({ ...next, invoicePolicies: null }) !== before;
    if (changed) emit(erp, "mapping.updated", req);
    return json(200, { mappings: erp.mappings, eventEmitted: changed });
  });

  add("POST", `${ERP_ADMIN}/list-mappings`, async (req) => {
    const erp = findErp(req);
    const body = await req.json();
    const items = Array.isArray(body) ? body : [body];
    const added = items.map((item, i) => parseListMapping(item, i));
    const file = ensureDefaultFile(erp);
    for (const m of added) {
      file.listMappings = file.listMappings.filter((x) => x.erpListId !== m.erpListId);
      file.listMappings.push(m);
    }
    emit(erp, "listMapping.created", req, added as unknown as JsonValue);
    return json(200, { listMappings: added });
  });

  add("DELETE", `${ERP_ADMIN}/list-mappings/{erpListId}`, async (req) => {
    const erp = findErp(req);
    const removed: { erpListId: string; concurListId: string }[] = [];
    for (const file of erp.mappings.files) {
      file.listMappings = file.listMappings.filter((m) => {
        if (m.erpListId !== req.params.erpListId) return true;
        removed.push({ erpListId: m.erpListId, concurListId: m.concurListId });
        return false;
      });
    }
    if (removed.length === 0) throw notFound(ErrorCode.RouteNotFound, `No list mapping for erpListId ${req.params.erpListId}`);
    emit(erp, "listMapping.deleted", req, removed);
    return json(200, { removed });
  });

  add("POST", `${ERP_ADMIN}/reset-requested`, async (req) => {
    const erp = findErp(req);
    const { objectTypes } = await objectBody(req);
    const types = objectTypes ?? OBJECT_TYPES_RESETTABLE;
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== "string" || !OBJECT_TYPES_RESETTABLE.includes(t))) {
      throw badRequest(`objectTypes must be a non-empty array of ${OBJECT_TYPES_RESETTABLE.join(", ")}`);
    }
    // [INFERRED Q14] the documented example's JSON-encoded string form.
    const event = emit(erp, "data.resetRequested", req, JSON.stringify({ accountingObjects: types }));
    return json(200, { eventId: event.id });
  });
}

function parseListMapping(item: unknown, index: number): ListMapping {
  if (!isObject(item) || typeof item.erpListId !== "string" || item.erpListId === "" || typeof item.concurListId !== "string") {
    throw badRequest(`list mapping [${index}] needs string erpListId and concurListId`);
  }
  const fieldMappings = item.fieldMappings ?? [];
  if (!Array.isArray(fieldMappings)) throw badRequest(`list mapping [${index}].fieldMappings must be an array`);
  return { erpListId: item.erpListId, concurListId: item.concurListId, fieldMappings: fieldMappings as unknown as ListMapping["fieldMappings"] };
}

function ensureDefaultFile(erp: Erp) {
  let file = erp.mappings.files[0];
  if (!file) {
    file = {
      fileId: "DEFAULT",
      paymentTypes: [],
      listMappings: [],
      invoiceLiabilityAccount: { id: "", name: "", number: null, type: "ACCOUNTS_PAYABLE" },
      billableField: { formTypeCode: "expenseEntry", alternateFieldId: "isBillable" },
    };
    erp.mappings.files.push(file);
  }
  return file;
}
