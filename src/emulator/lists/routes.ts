import type { TokenGrant } from "../core/auth.js";
import { roll } from "../core/faults.js";
import { json, type Reply, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isObject } from "../core/validation.js";
import type { BulkLogEntry, ListsContext } from "./context.js";
import { ListError, ListErrorId, listBadRequest, listRoute, validation, type ListHandler } from "./errors.js";
import { assertMayModify, createItem, parseCreate, requireItem, requireList, requireString } from "./items.js";
import { LISTS_LIMITS } from "./limits.js";
import { booleanParam, numberFilter, pageOf, sortBy, sortOf, textFilter } from "./query.js";
import { ALLOWED } from "./scopes.js";
import { categoryIdFor, type CompanyLists, type EmuItem, type EmuList } from "./store.js";
import type { BulkResponse } from "./types.js";

export const LIST_API = "/list/v4";

/** List v4 (L1-L6), List Item v4 (I1-I8) and List Item Bulk v4 (B1-B2), spec §3. */
export function addListRoutes(router: Router, ctx: ListsContext): void {
  const add = (method: string, template: string, scopes: readonly string[], handler: ListHandler) =>
    router.add({ method, template: `${LIST_API}${template}`, kind: "concur", handler: listRoute(ctx, scopes, withFaults(ctx, handler)) });
  const companyOf = (grant: TokenGrant): CompanyLists => {
    // L1 documents 400 for a company that does not exist.
    if (!ctx.companies.has(grant.companyId)) throw listBadRequest(ListErrorId.CompanyNotFound, `Company ${grant.companyId} does not exist`);
    return ctx.lists.company(grant.companyId);
  };

  // ---- Lists (List v4) ----
  const listsPage = (company: CompanyLists, req: RequestContext, only?: (l: EmuList) => boolean) => {
    const value = textFilter(req.query, "value");
    const deleted = booleanParam(req.query, "isDeleted");
    const levels = numberFilter(req.query, "levelCount");
    const category = textFilter(req.query, "category.type");
    const { key, desc } = sortOf(req.query, ["name", "levelcount", "listcategory"] as const, "name");
    const all = [...company.lists.values()].filter(
      (l) => (!only || only(l)) && (!value || value(l.value)) && (deleted === undefined || l.isDeleted === deleted) && (!levels || levels(l.levelCount)) && (!category || category(l.categoryType)),
    );
    const text = key === "name" ? (l: EmuList) => l.value : key === "levelcount" ? (l: EmuList) => l.levelCount : (l: EmuList) => l.categoryType;
    const page = pageOf(sortBy(all, text, desc), req.query, req.path);
    return json(200, { ...page, content: page.content.map((l) => company.listView(l)) });
  };

  add("GET", "/lists", ALLOWED.listGet, async (req, grant) => listsPage(companyOf(grant), req));
  add("GET", "/lists/{listId}", ALLOWED.listGet, async (req, grant) => json(200, companyOf(grant).listView(requireList(companyOf(grant), req.params.listId))));
  add("GET", "/categories/{categoryId}/lists", ALLOWED.listGet, async (req, grant) => {
    const company = companyOf(grant);
    const id = req.params.categoryId;
    if (![...company.lists.values()].some((l) => l.categoryId === id)) throw new ListError(404, ListErrorId.CategoryNotFound, `Category ${id} not found`);
    return listsPage(company, req, (l) => l.categoryId === id);
  });

  add("POST", "/lists", ALLOWED.listWrite, async (req, grant) => {
    const company = companyOf(grant);
    const body = await objectBody(req);
    const value = requireString(body, "value")!;
    const categoryId = requireString(body, "categoryId", "categoryId", false);
    const known = [...company.lists.values()].find((l) => l.categoryId === categoryId);
    const list = company.addList({
      value,
      categoryId: categoryId ?? categoryIdFor("Normal"),
      categoryType: known?.categoryType ?? "Normal",
      searchCriteria: enumOf(body, "searchCriteria", ["TEXT", "CODE"] as const),
      displayFormat: enumOf(body, "displayFormat", ["(CODE) TEXT", "TEXT (CODE)"] as const),
      managedBy: body.isManaged === true ? `appId:${grant.clientId}` : null,
    });
    return json(201, company.listView(list), { location: `${ctx.url()}${LIST_API}/lists/${list.id}` });
  });
  add("PUT", "/lists/{listId}", ALLOWED.listWrite, async (req, grant) => {
    const company = companyOf(grant);
    const list = requireList(company, req.params.listId);
    assertMayModify(list, grant);
    const body = await objectBody(req);
    list.value = requireString(body, "value")!;
    list.searchCriteria = enumOf(body, "searchCriteria", ["TEXT", "CODE"] as const) ?? list.searchCriteria;
    list.displayFormat = enumOf(body, "displayFormat", ["(CODE) TEXT", "TEXT (CODE)"] as const) ?? list.displayFormat;
    if (typeof body.isManaged === "boolean") list.managedBy = body.isManaged ? `appId:${grant.clientId}` : null;
    return json(200, company.listView(list));
  });
  add("DELETE", "/lists/{listId}", ALLOWED.listDelete, async (req, grant) => {
    const company = companyOf(grant);
    const list = company.lists.get(req.params.listId);
    if (!list || list.isDeleted) throw listBadRequest("list.not.deleted", `List ${req.params.listId} could not be deleted`);
    assertMayModify(list, grant);
    list.isDeleted = true;
    return { status: 204 };
  });

  // ---- Items (List Item v4) ----
  add("GET", "/items/{itemId}", ALLOWED.itemGet, async (req, grant) => {
    const company = companyOf(grant);
    return json(200, company.itemView(requireItem(company, req.params.itemId)), { etag: `"${req.params.itemId}"` });
  });
  add("POST", "/items", ALLOWED.itemWrite, async (req, grant) => {
    const company = companyOf(grant);
    const body = await objectBody(req);
    const listId = requireString(body, "listId")!;
    const input = parseCreate(body);
    const list = requireList(company, listId);
    assertMayModify(list, grant);
    const item = createItem(company, list, input);
    return json(201, company.itemView(item, list.id), { location: `${ctx.url()}${LIST_API}/items/${item.id}` });
  });
  add("PUT", "/items/{itemId}", ALLOWED.itemWrite, async (req, grant) => {
    const company = companyOf(grant);
    const item = requireItem(company, req.params.itemId);
    const body = await objectBody(req);
    const shortCode = requireString(body, "shortCode")!;
    const value = requireString(body, "value")!;
    if (item.isDeleted) throw listBadRequest(ListErrorId.ItemDeleted, `Item ${item.id} is deleted`);
    for (const listId of item.lists) assertMayModify(requireList(company, listId), grant);
    if (shortCode !== item.shortCode) {
      // [INFERRED Q5] a new shortCode renames the item's long code and its descendants' in every list.
      const parent = item.parentId ? company.items.get(item.parentId) : undefined;
      const code = parent ? `${parent.code}-${shortCode}` : shortCode;
      for (const listId of item.everLists) {
        if (company.byCode(listId, code)) throw listBadRequest(ListErrorId.DuplicateCode, `Code ${code} already exists in list ${listId}`);
      }
      company.rename(item, shortCode);
    }
    item.value = value;
    return json(200, company.itemView(item));
  });
  add("DELETE", "/items/{itemId}", ALLOWED.itemDelete, async (req, grant) => {
    const company = companyOf(grant);
    const item = requireItem(company, req.params.itemId);
    if (item.isDeleted) throw listBadRequest(ListErrorId.ItemDeleted, `Item ${item.id} is already deleted`);
    for (const listId of item.lists) assertMayModify(requireList(company, listId), grant);
    company.deleteEverywhere(item);
    return { status: 204 };
  });
  add("DELETE", "/lists/{listId}/items/{itemId}", ALLOWED.itemDelete, async (req, grant) => {
    const company = companyOf(grant);
    const list = requireList(company, req.params.listId);
    assertMayModify(list, grant);
    const item = requireItem(company, req.params.itemId);
    if (!item.lists.has(list.id)) throw listBadRequest(ListErrorId.ItemNotFound, `Item ${item.id} is not in list ${list.id}`);
    company.removeFromList(item, list.id);
    return { status: 204 };
  });

  const childrenPage = (company: CompanyLists, req: RequestContext, listId: string, parentId: string | null) => {
    const value = textFilter(req.query, "value");
    const shortCode = textFilter(req.query, "shortCode");
    const either = textFilter(req.query, "shortCodeOrValue");
    const hasChildren = booleanParam(req.query, "hasChildren");
    // No isDeleted filter: active AND deleted items (the docs leave the default open; the awkward answer [INFERRED]).
    const filtered = booleanParam(req.query, "isDeleted");
    const deleted = ctx.listSettings.listIgnoreDeletedFilter ? undefined : filtered;
    const { key, desc } = sortOf(req.query, ["value", "shortCode"] as const, "value");
    const all = company.childrenIn(listId, parentId, deleted).filter(
      (i) =>
        (!value || value(i.value)) &&
        (!shortCode || shortCode(i.shortCode)) &&
        (!either || either(i.shortCode) || either(i.value)) &&
        (hasChildren === undefined || company.hasChildrenIn(i, listId) === hasChildren),
    );
    const page = pageOf(sortBy(all, key === "value" ? (i: EmuItem) => i.value : (i: EmuItem) => i.shortCode, desc), req.query, req.path);
    return json(200, { ...page, content: page.content.map((i) => company.itemView(i, listId)) });
  };
  add("GET", "/lists/{listId}/children", ALLOWED.itemGet, async (req, grant) => {
    const company = companyOf(grant);
    return childrenPage(company, req, requireList(company, req.params.listId).id, null);
  });
  add("GET", "/lists/{listId}/items/{itemId}/children", ALLOWED.itemGet, async (req, grant) => {
    const company = companyOf(grant);
    const list = requireList(company, req.params.listId);
    const item = requireItem(company, req.params.itemId);
    return childrenPage(company, req, list.id, item.id);
  });
  add("GET", "/items/{itemId}/children", ALLOWED.itemGet, async (req, grant) => {
    const company = companyOf(grant);
    const item = requireItem(company, req.params.itemId);
    const listId = [...(item.isDeleted ? item.everLists : item.lists)][0] ?? "";
    return childrenPage(company, req, listId, item.id);
  });

  // ---- Bulk (List Item Bulk v4) ----
  add("POST", "/lists/{listId}/bulk", ALLOWED.itemWrite, async (req, grant) => {
    const company = companyOf(grant);
    const parts = await bulkParts(req);
    throttleBulk(ctx, grant.companyId);
    const list = company.lists.get(req.params.listId);
    if (list) assertMayModify(list, grant);
    const inputs = parts.map((p, i) => parseCreate(p, `requests[${i}].`));
    // Parts run in order and one by one, not in a transaction: earlier parts stay applied when later ones fail.
    const reply = bulkReply(parts, inputs.map((input) => () => {
      if (!list) throw listBadRequest(ListErrorId.ListNotFound, `List ${req.params.listId} not found`);
      const { parentId: _ignored, ...viaCode } = input; // bulk parts name parents by long code only
      createItem(company, list, viaCode);
    }), 201);
    logBulk(ctx, grant.companyId, req.params.listId, { method: "POST", parts, status: reply.status });
    return reply;
  });
  add("PATCH", "/lists/{listId}/bulk", ALLOWED.itemWrite, async (req, grant) => {
    const company = companyOf(grant);
    const parts = await bulkParts(req);
    throttleBulk(ctx, grant.companyId);
    const list = company.lists.get(req.params.listId);
    if (list) assertMayModify(list, grant);
    const inputs = parts.map((p, i) => {
      if (!isObject(p)) throw validation(`requests[${i}]`, "must be an object");
      const code = requireString(p, "code", `requests[${i}].code`)!;
      const value = requireString(p, "value", `requests[${i}].value`, false);
      if (p.deleted !== undefined && typeof p.deleted !== "boolean") throw validation(`requests[${i}].deleted`, "must be a boolean");
      if (value === undefined && p.deleted === undefined) throw validation(`requests[${i}]`, "value or deleted is required");
      return { code, value, deleted: p.deleted as boolean | undefined };
    });
    const reply = bulkReply(parts, inputs.map((input) => () => {
      if (!list) throw listBadRequest(ListErrorId.ListNotFound, `List ${req.params.listId} not found`);
      const item = company.byCode(list.id, input.code);
      if (!item) throw listBadRequest(ListErrorId.ItemNotFound, `Item ${input.code} not found in list ${list.id}`);
      const gone = item.isDeleted || !item.lists.has(list.id);
      if (gone && input.deleted === false) {
        reactivate(ctx, company, list, item);
        if (input.value !== undefined) item.value = input.value;
        return;
      }
      if (gone) throw listBadRequest(ListErrorId.ItemDeleted, "A previously deleted item cannot be updated");
      if (input.deleted === true) {
        company.deleteEverywhere(item);
        return;
      }
      if (input.value !== undefined) item.value = input.value;
    }), 200);
    logBulk(ctx, grant.companyId, req.params.listId, { method: "PATCH", parts, status: reply.status });
    return reply;
  });
}

/**
 * `deleted: false` sets the documented "deleted status" back [BULK]; the docs do not say Concur allows it ([INFERRED
 * Q3]): `listReactivation: "refused"` answers item.deleted as for any change to a deleted item. A child of a
 * still-deleted parent is refused with item.parent.deleted (reactivate parents first: parts run in order).
 */
function reactivate(ctx: ListsContext, company: CompanyLists, list: EmuList, item: EmuItem): void {
  if (ctx.listSettings.listReactivation === "refused") throw listBadRequest(ListErrorId.ItemDeleted, "A previously deleted item cannot be updated");
  const parent = item.parentId ? company.items.get(item.parentId) : undefined;
  if (parent && (parent.isDeleted || !parent.lists.has(list.id))) throw listBadRequest(ListErrorId.ParentDeleted, `Parent ${parent.code} is deleted`);
  company.reactivate(item, list);
}

/** Keeps the bulk call for the admin bulk log (newest LISTS_LIMITS.bulkLogCalls per list). */
function logBulk(ctx: ListsContext, companyId: string, listId: string, entry: BulkLogEntry): void {
  const key = `${companyId.toLowerCase()}/${listId}`;
  const log = ctx.bulkLog.get(key) ?? [];
  log.push(entry);
  if (log.length > LISTS_LIMITS.bulkLogCalls) log.splice(0, log.length - LISTS_LIMITS.bulkLogCalls);
  ctx.bulkLog.set(key, log);
}

/** `{"requests": [...]}` with 1..250 parts (spec §3.3). */
async function bulkParts(req: RequestContext): Promise<unknown[]> {
  const body = await objectBody(req);
  const parts = body.requests;
  if (!Array.isArray(parts)) throw validation("requests", "must not be null");
  if (parts.length < 1 || parts.length > LISTS_LIMITS.maxBulkParts) throw validation("requests", `size must be between 1 and ${LISTS_LIMITS.maxBulkParts}`);
  return parts;
}

/** Runs parts in order; 201/200 all ok, 206 mixed, 400 all failed, with the failing parts echoed (spec §3.3). */
function bulkReply(parts: unknown[], steps: Array<() => void>, okStatus: number): Reply {
  const errors: BulkResponse["errors"] = [];
  steps.forEach((step, i) => {
    try {
      step();
    } catch (err) {
      if (!(err instanceof ListError)) throw err;
      errors.push({ id: err.id, message: err.message, listItem: parts[i] });
    }
  });
  const failed = errors.length;
  const status = failed === 0 ? "SUCCESS" : failed === parts.length ? "FAILURE" : "PARTIAL_SUCCESS";
  const body: BulkResponse = { status, recordsSucceeded: parts.length - failed, recordsFailed: failed, errors };
  return json(failed === 0 ? okStatus : failed === parts.length ? 400 : 206, body);
}

/** [INFERRED Q1] at most `listBulkPerSecond` bulk calls per company per rolling second; 429 `retry-after: 0` as documented. */
function throttleBulk(ctx: ListsContext, companyId: string): void {
  const limit = ctx.listSettings.listBulkPerSecond;
  if (limit <= 0) return;
  const now = ctx.now();
  const recent = (ctx.bulkCalls.get(companyId) ?? []).filter((t) => now - t < 1000);
  if (recent.length >= limit) {
    ctx.bulkCalls.set(companyId, recent);
    throw new ListError(429, ListErrorId.RateLimited, "Too many requests", undefined, { "retry-after": "0" });
  }
  recent.push(now);
  ctx.bulkCalls.set(companyId, recent);
}

/** The list APIs' own 429 fault (their error body; `retry-after: 0` as the documented example). */
function withFaults(ctx: ListsContext, handler: ListHandler): ListHandler {
  return async (req, grant) => {
    if (roll(ctx.listSettings.listRate429, ctx.random)) throw new ListError(429, ListErrorId.RateLimited, "Too many requests", undefined, { "retry-after": "0" });
    return handler(req, grant);
  };
}

async function objectBody(req: RequestContext): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw validation("body", "must be a JSON object");
  }
  if (!isObject(body)) throw validation("body", "must be a JSON object");
  return body;
}

function enumOf<T extends string>(body: Record<string, unknown>, name: string, values: readonly T[]): T | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !values.includes(v as T)) throw validation(name, `must be one of ${values.join(", ")}`);
  return v as T;
}
