import { SCOPE_READ } from "./scopes.js";
import type { AccountingContext } from "./context.js";
import { notFound } from "../core/errors.js";
import { guarded } from "../core/guards.js";
import { requireErp } from "./lookup.js";
import { AccountingErrorCode } from "./errors.js";
import { json } from "../core/http.js";
import { buildPage, decodeCursor, utf8Lengths } from "./paging.js";
import type { Router } from "../core/router.js";
import type { RequestRecord } from "./store.js";
import type { HrefLink, RequestState } from "./types.js";

export const REQUEST = "/accountingintegration/v4/companies/{companyId}/erps/{erpId}/requests/{requestId}";

export interface RequestStatusBody {
  status: RequestState;
  requestId: string;
  companyId: string;
  erpId: string;
  links?: { errors: HrefLink; self: HrefLink };
  _links?: { errors: HrefLink; self: HrefLink };
}

/**
 * RequestStatus as in the spec examples: hrefs start with `/v4/…` (relative to /accountingintegration, Q3);
 * the PATCH 202 uses `links`, GET request status uses `_links` (Q2).
 */
export function requestStatusBody(r: RequestRecord, linksKey: "links" | "_links"): RequestStatusBody {
  const self = `/v4/companies/${r.companyId}/erps/${r.erpId}/requests/${r.requestId}`;
  return {
    status: r.status,
    requestId: r.requestId,
    companyId: r.companyId,
    erpId: r.erpId,
    [linksKey]: { errors: { href: `${self}/errors` }, self: { href: self } },
  };
}

export function addRequestRoutes(router: Router, ctx: AccountingContext): void {
  const find = (params: Record<string, string>): RequestRecord => {
    const erp = requireErp(ctx, params.companyId, params.erpId);
    const request = erp.requests.get(params.requestId.toLowerCase());
    if (!request) throw notFound(AccountingErrorCode.RequestNotFound, `Request ${params.requestId} not found for this ERP`);
    return request;
  };

  router.add({
    method: "GET",
    template: REQUEST,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => json(200, requestStatusBody(find(req.params), "_links"))),
  });

  router.add({
    method: "GET",
    template: `${REQUEST}/errors`,
    kind: "concur",
    handler: guarded(ctx, SCOPE_READ, async (req) => {
      const request = find(req.params);
      const token = req.query.get("next");
      const offset = token === null ? 0 : decodeCursor("ERRORS", token);
      const cacheKey = `${request.status}:${offset}:${ctx.settings.pageBytes}`;
      let page = request.errorPageCache.get(cacheKey);
      if (!page) {
        const items = request.errors.map((e) => JSON.stringify(e));
        const base = `/accountingintegration/v4/companies/${request.companyId}/erps/${request.erpId}/requests/${request.requestId}/errors`;
        page = buildPage({
          items,
          itemBytes: utf8Lengths(items),
          offset,
          pageBytes: ctx.settings.pageBytes,
          linksKey: "_links",
          kind: "ERRORS",
          nextHref: (t) => `${base}?next=${t}`,
        });
        request.errorPageCache.set(cacheKey, page);
      }
      return json(200, page);
    }),
  });
}
