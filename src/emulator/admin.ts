import { randomUUID } from "node:crypto";
import { DEFAULT_SCOPES, EMULATOR_CLIENT_ID } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { badRequest, ErrorCode, notFound } from "./errors.js";
import { registerErp } from "./erps.routes.js";
import { parseFaults } from "./faults.js";
import { json, type RequestContext } from "./http.js";
import type { Router } from "./router.js";
import { seedErpData } from "./seed.js";
import type { Erp } from "./store.js";
import type { JsonValue, ListMapping, MappingsResponse, ValidationError } from "./types.js";
import { isObject, isUuid, OBJECT_TYPES_RESETTABLE, parseErpPackage } from "./validation.js";
import type { EventType } from "./webhooks.js";

export const ADMIN = "/_emulator";
const ERP_ADMIN = `${ADMIN}/companies/{companyId}/erps/{erpId}`;

/**
 * Admin / inspection API: no auth, no faults, not counted. It plays the parts of Concur nobody can call
 * (the customer admin UI, ESS configuration) and lets tests inspect and reset the emulator.
 */
export function addAdminRoutes(router: Router, ctx: EmulatorContext): void {
  const add = (method: string, template: string, handler: (req: RequestContext) => Promise<ReturnType<typeof json>>) =>
    router.add({ method, template, kind: "admin", handler });

  const findErp = (req: RequestContext): Erp => {
    const company = ctx.store.companies.get(req.params.companyId.toLowerCase());
    if (!company) throw notFound(ErrorCode.CompanyNotFound, `Company ${req.params.companyId} not found`);
    const erp = company.erps.get(req.params.erpId.toLowerCase());
    if (!erp) throw notFound(ErrorCode.ErpNotFound, `ERP ${req.params.erpId} not found`);
    return erp;
  };
  const emit = (erp: Erp, eventType: EventType, req: RequestContext, data?: JsonValue) =>
    ctx.webhooks.publish(
      eventType,
      { companyId: erp.companyId, erpId: erp.pkg.erpId, partnerId: erp.partnerId, ...(data === undefined ? {} : { data }) },
      req.correlationId,
    );
  const objectBody = async (req: RequestContext): Promise<Record<string, JsonValue>> => {
    const body = await req.json();
    if (!isObject(body)) throw badRequest("Body must be a JSON object");
    return body;
  };

  add("GET", `${ADMIN}/counters`, async () =>
    json(200, { counters: ctx.counters.snapshot(), webhooks: ctx.webhooks.outcomeCounts() }));
  add("POST", `${ADMIN}/counters/reset`, async () => {
    ctx.counters.reset();
    ctx.webhooks.resetCounters();
    return { status: 204 };
  });
  add("POST", `${ADMIN}/reset`, async () => {
    ctx.reset();
    return { status: 204 };
  });
  add("GET", `${ADMIN}/public-key`, async () => ({ status: 200, body: ctx.publicKeyPem, contentType: "application/x-pem-file" }));

  add("GET", `${ADMIN}/faults`, async () => json(200, ctx.faults));
  add("PUT", `${ADMIN}/faults`, async (req) => {
    Object.assign(ctx.faults, parseFaults(await req.json()));
    return json(200, ctx.faults);
  });

  add("GET", `${ADMIN}/config`, async () => json(200, configView(ctx)));
  add("PUT", `${ADMIN}/config`, async (req) => {
    const body = await objectBody(req);
    const errors: ValidationError[] = [];
    const { pageBytes, processingDelayMs, processingPaused } = body;
    if (pageBytes !== undefined && (typeof pageBytes !== "number" || !Number.isInteger(pageBytes) || pageBytes < 64)) {
      errors.push({ source: "pageBytes", errorCode: "pageBytes.invalid", errorMessage: "must be an integer ≥ 64" });
    }
    if (processingDelayMs !== undefined && (typeof processingDelayMs !== "number" || processingDelayMs < 0)) {
      errors.push({ source: "processingDelayMs", errorCode: "processingDelayMs.invalid", errorMessage: "must be a number ≥ 0" });
    }
    if (processingPaused !== undefined && typeof processingPaused !== "boolean") {
      errors.push({ source: "processingPaused", errorCode: "processingPaused.invalid", errorMessage: "must be a boolean" });
    }
    if (errors.length > 0) throw badRequest("Invalid config", errors);
    if (typeof pageBytes === "number") ctx.config.pageBytes = pageBytes;
    if (typeof processingDelayMs === "number") ctx.config.processingDelayMs = processingDelayMs;
    if (typeof processingPaused === "boolean") {
      ctx.config.processingPaused = processingPaused;
      if (!processingPaused) ctx.processing.resume();
    }
    return json(200, configView(ctx));
  });

  add("POST", `${ADMIN}/clock/advance`, async (req) => {
    const { ms } = await objectBody(req);
    if (typeof ms !== "number" || ms < 0) throw badRequest("ms must be a number ≥ 0");
    ctx.advanceClock(ms);
    return json(200, { now: new Date(ctx.now()).toISOString() });
  });

  add("GET", `${ADMIN}/webhooks`, async () => json(200, { urls: ctx.config.webhookUrls }));
  add("PUT", `${ADMIN}/webhooks`, async (req) => {
    const { urls } = await objectBody(req);
    if (!Array.isArray(urls) || urls.some((u) => typeof u !== "string" || !URL.canParse(u))) {
      throw badRequest("urls must be an array of absolute URLs");
    }
    ctx.config.webhookUrls = urls as string[];
    return json(200, { urls: ctx.config.webhookUrls });
  });
  add("GET", `${ADMIN}/webhooks/deliveries`, async () => json(200, { deliveries: ctx.webhooks.deliveries() }));

  add("POST", `${ADMIN}/companies`, async (req) => {
    const buf = await req.body();
    const body = buf.length === 0 ? {} : await objectBody(req);
    const companyId = body.companyId === undefined ? randomUUID() : body.companyId;
    if (typeof companyId !== "string" || !isUuid(companyId)) throw badRequest("companyId must be a UUID");
    ctx.store.ensureCompany(companyId.toLowerCase());
    return json(201, { companyId: companyId.toLowerCase() });
  });

  add("POST", `${ADMIN}/tokens`, async (req) => {
    const { companyId, scopes } = await objectBody(req);
    if (typeof companyId !== "string" || companyId === "") throw badRequest("companyId is required");
    if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string"))) {
      throw badRequest("scopes must be an array of strings");
    }
    const granted = (scopes as string[] | undefined) ?? [...DEFAULT_SCOPES];
    const token = ctx.tokens.mint({ companyId: companyId.toLowerCase(), scopes: granted, clientId: EMULATOR_CLIENT_ID });
    return json(200, { access_token: token, token_type: "Bearer", scope: granted.join(" ") });
  });

  add("POST", `${ADMIN}/companies/{companyId}/register-erp`, async (req) => {
    const company = ctx.store.companies.get(req.params.companyId.toLowerCase());
    if (!company) throw notFound(ErrorCode.CompanyNotFound, `Company ${req.params.companyId} not found`);
    const buf = await req.body();
    const raw = buf.length === 0 ? {} : await objectBody(req);
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

function configView(ctx: EmulatorContext) {
  const { pageBytes, processingDelayMs, processingPaused, webhookRetryBaseMs } = ctx.config;
  return { pageBytes, processingDelayMs, processingPaused, webhookRetryBaseMs };
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
