import { randomUUID } from "node:crypto";
import { SCOPE_READ, SCOPE_WRITE } from "./scopes.js";
import type { AccountingContext } from "./context.js";
import { badRequest, HttpError } from "../core/errors.js";
import { guarded, header, rateLimited } from "../core/guards.js";
import { requireErp } from "./lookup.js";
import { AccountingErrorCode } from "./errors.js";
import { json, type Reply, type RequestContext } from "../core/http.js";
import { ACCOUNTING_LIMITS } from "./limits.js";
import { buildPage, decodeCursor } from "./paging.js";
import { requestStatusBody } from "./requests.routes.js";
import type { Router } from "../core/router.js";
import type { RequestRecord } from "./store.js";
import type { ObjectType } from "./types.js";
import { isUuid } from "../core/validation.js";
import { parseDataBody } from "./validation.js";

/** The four cached object types and their path segments (spec 1.2a–d). */
export const DATA_RESOURCES: ReadonlyArray<{ segment: string; type: ObjectType }> = [
  { segment: "accounts", type: "ACCOUNT" },
  { segment: "vendors", type: "VENDOR" },
  { segment: "lists", type: "LIST" },
  { segment: "taxData", type: "TAX" },
];

const dataTemplate = (segment: string) => `/accountingintegration/v4/companies/{companyId}/erps/{erpId}/${segment}`;

export function addDataRoutes(router: Router, ctx: AccountingContext): void {
  for (const { segment, type } of DATA_RESOURCES) {
    const template = dataTemplate(segment);
    if (type === "TAX") {
      // Spec 1.2d: POST adds, PUT replaces everything (isDeleted ignored).
      router.add({ method: "POST", template, kind: "concur", handler: guarded(ctx, SCOPE_WRITE, (req) => acceptWrite(ctx, req, type, false)) });
      router.add({ method: "PUT", template, kind: "concur", handler: guarded(ctx, SCOPE_WRITE, (req) => acceptWrite(ctx, req, type, true)) });
    } else {
      router.add({ method: "PATCH", template, kind: "concur", handler: guarded(ctx, SCOPE_WRITE, (req) => acceptWrite(ctx, req, type, false)) });
    }
    router.add({
      method: "GET",
      template,
      kind: "concur",
      handler: guarded(ctx, SCOPE_READ, async (req) => readPage(ctx, req, type, segment)),
    });
  }
}

type Req = RequestContext;

/** Accepts a data write: validates the envelope, applies If-None-Match and the rate limit, queues it, answers 202. */
async function acceptWrite(ctx: AccountingContext, req: Req, type: ObjectType, replaceAll: boolean): Promise<Reply> {
  const erp = requireErp(ctx, req.params.companyId, req.params.erpId);
  // [INFERRED 1.2d] taxData accepts `{"deleteAll":true}` without data; the other types require `data`.
  const body = parseDataBody(await req.json(), type === "TAX");

  // [INFERRED Q4] If-None-Match is a client-chosen request id: must be a UUID; reuse → 412 without reprocessing.
  const ifNoneMatch = header(req, "if-none-match")?.trim();
  let requestId: string;
  if (ifNoneMatch !== undefined && ifNoneMatch !== "") {
    if (!isUuid(ifNoneMatch)) {
      throw badRequest("If-None-Match must be a UUID", [
        { source: "If-None-Match", errorCode: "If-None-Match.invalid", errorMessage: "If-None-Match must be a UUID" },
      ], AccountingErrorCode.IfNoneMatchInvalid);
    }
    requestId = ifNoneMatch.toLowerCase();
    if (erp.requests.has(requestId)) {
      throw new HttpError(412, AccountingErrorCode.RequestExists, `Request ${requestId} already exists for this ERP; it is not processed again`);
    }
  } else {
    requestId = randomUUID();
  }

  // [INFERRED Q5] one accepted write per second per (company, ERP, object type).
  const now = ctx.now();
  const last = erp.lastWriteAt[type];
  if (last !== undefined && now - last < ACCOUNTING_LIMITS.dataWriteIntervalMs) {
    throw rateLimited(last + ACCOUNTING_LIMITS.dataWriteIntervalMs - now, "one write per second per object type");
  }
  erp.lastWriteAt[type] = now;

  const request: RequestRecord = {
    requestId,
    companyId: erp.companyId,
    erpId: erp.pkg.erpId,
    objectType: type,
    status: "PROCESSING",
    errors: [],
    errorPageCache: new Map(),
    acceptedAt: now,
    correlationId: req.correlationId,
    partnerId: erp.partnerId,
  };
  erp.requests.set(requestId, request);
  ctx.processing.enqueue({ request, deleteAll: body.deleteAll, data: body.data, replaceAll });
  // Spec 1.2: the 202 body uses `links` (the GET request status uses `_links`, Q2).
  return json(202, requestStatusBody(request, "links"));
}

/** GET data: byte-budget pages, cached per data version so repeated reads do not re-serialize. */
function readPage(ctx: AccountingContext, req: Req, type: ObjectType, segment: string): Reply {
  const erp = requireErp(ctx, req.params.companyId, req.params.erpId);
  const set = erp.data[type];
  if (type === "VENDOR") set.expireEmployeeVendors(ctx.now());
  const token = req.query.get("next");
  const offset = token === null ? 0 : decodeCursor(type, token);
  const pageBytes = ctx.settings.pageBytes;
  const cacheKey = `${offset}:${pageBytes}`;
  let page = set.pageCache.get(cacheKey);
  if (!page) {
    const base = `/accountingintegration/v4/companies/${erp.companyId}/erps/${erp.pkg.erpId}/${segment}`;
    page = buildPage({
      items: set.serializedRecords(),
      itemBytes: set.serializedLengths(),
      offset,
      pageBytes,
      linksKey: "links",
      kind: type,
      nextHref: (t) => `${base}?next=${t}`,
    });
    set.pageCache.set(cacheKey, page);
  }
  return json(200, page);
}
