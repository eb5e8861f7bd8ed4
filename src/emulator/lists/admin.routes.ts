import { addAdmin, ADMIN, adminBody } from "../core/admin.js";
import { badRequest, ErrorCode, notFound } from "../core/errors.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isUuid } from "../core/validation.js";
import type { ListsContext } from "./context.js";
import { generateTree } from "./seed.js";

const LISTS_ADMIN = `${ADMIN}/lists/companies/{companyId}`;

/**
 * List admin routes: what a Concur admin does in the UI (connected lists with levels, categories, managed lists,
 * sharing items between lists) and a full dump for tests. No auth, no faults, not counted.
 */
export function addListAdminRoutes(router: Router, ctx: ListsContext): void {
  const companyOf = (companyId: string) => {
    if (!ctx.companies.has(companyId)) throw notFound(ErrorCode.CompanyNotFound, `Company ${companyId} not found`);
    return ctx.lists.company(companyId);
  };

  addAdmin(router, "POST", `${LISTS_ADMIN}/lists`, async (req) => {
    const company = companyOf(req.params.companyId);
    const body = await adminBody(req);
    const { value, levelCount, categoryType, managedBy, id, isReadOnly, generate } = body;
    if (typeof value !== "string" || value === "") throw badRequest("value (the list name) is required");
    if (levelCount !== undefined && (typeof levelCount !== "number" || !Number.isInteger(levelCount) || levelCount < 1 || levelCount > 10)) throw badRequest("levelCount must be an integer 1..10");
    if (id !== undefined && (typeof id !== "string" || !isUuid(id) || company.lists.has(id))) throw badRequest("id must be a UUID not used by another list");
    if (generate !== undefined && (!Array.isArray(generate) || generate.some((n) => typeof n !== "number" || !Number.isInteger(n) || n < 0) || generate.length > ((levelCount as number | undefined) ?? 1))) {
      throw badRequest("generate must be an array of item counts per level, at most levelCount long");
    }
    const list = company.addList({
      id: id as string | undefined,
      value,
      levelCount: (levelCount as number | undefined) ?? 1,
      categoryType: typeof categoryType === "string" ? categoryType : "Normal",
      managedBy: typeof managedBy === "string" ? managedBy : null,
      isReadOnly: isReadOnly === true,
    });
    const generated = generate ? generateTree(company, list, generate as number[]) : 0;
    return json(201, { ...company.listView(list), generated });
  });

  addAdmin(router, "POST", `${LISTS_ADMIN}/lists/{listId}/share`, async (req) => {
    const company = companyOf(req.params.companyId);
    const list = company.lists.get(req.params.listId);
    if (!list) throw notFound(ErrorCode.RouteNotFound, `List ${req.params.listId} not found`);
    const { itemId } = await adminBody(req);
    const item = typeof itemId === "string" ? company.items.get(itemId) : undefined;
    if (!item) throw badRequest("itemId must name an item of this company");
    if (item.categoryId !== list.categoryId) throw badRequest("items are shared only between lists of the same category");
    company.share(item, list);
    return json(200, company.itemView(item, list.id));
  });

  addAdmin(router, "GET", `${LISTS_ADMIN}/lists/{listId}/items`, async (req) => {
    const company = companyOf(req.params.companyId);
    const list = company.lists.get(req.params.listId);
    if (!list) throw notFound(ErrorCode.RouteNotFound, `List ${req.params.listId} not found`);
    const items = [...company.items.values()]
      .filter((i) => i.everLists.has(list.id))
      .map((i) => ({ id: i.id, code: i.code, shortCode: i.shortCode, value: i.value, level: i.level, isDeleted: i.isDeleted || !i.lists.has(list.id) }));
    return json(200, { items });
  });

  // What clients sent: every bulk call to the list since the last reset (or DELETE), oldest first.
  addAdmin(router, "GET", `${LISTS_ADMIN}/lists/{listId}/bulk-log`, async (req) => {
    companyOf(req.params.companyId);
    return json(200, { calls: ctx.bulkLog.get(`${req.params.companyId.toLowerCase()}/${req.params.listId}`) ?? [] });
  });
  addAdmin(router, "DELETE", `${LISTS_ADMIN}/lists/{listId}/bulk-log`, async (req) => {
    companyOf(req.params.companyId);
    ctx.bulkLog.delete(`${req.params.companyId.toLowerCase()}/${req.params.listId}`);
    return { status: 204 };
  });
}
