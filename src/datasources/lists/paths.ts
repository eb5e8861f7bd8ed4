import { badInput } from "../../errors.js";

/** List v4 / List Item v4 / Bulk paths (spec §3): the only place that spells them. No company in the path: it is the token's. */
export const LIST_API = "/list/v4";

/** Scopes a 403 names (spec §1). */
export const LIST_SCOPES = {
  listRead: "spend.list.read",
  listWrite: "spend.list.write",
  itemRead: "spend.listitem.read",
  itemWrite: "spend.listitem.write",
  itemDelete: "spend.listitem.delete",
} as const;

/** Fixed upstream page size (spec §1 Paging). */
export const LIST_PAGE_SIZE = 100;
/** Parts per bulk call (spec §3.3). */
export const MAX_BULK_PARTS = 250;

export const listPaths = {
  lists: () => `${LIST_API}/lists`,
  list: (listId: string) => `${LIST_API}/lists/${segment("listId", listId)}`,
  item: (itemId: string) => `${LIST_API}/items/${segment("itemId", itemId)}`,
  items: () => `${LIST_API}/items`,
  itemInList: (listId: string, itemId: string) => `${listPaths.list(listId)}/items/${segment("itemId", itemId)}`,
  /** I8 (first level) or I7 (children of an item in this list). */
  children: (listId: string, itemId?: string | null) => (itemId ? `${listPaths.itemInList(listId, itemId)}/children` : `${listPaths.list(listId)}/children`),
  bulk: (listId: string) => `${listPaths.list(listId)}/bulk`,
};

/** Query string from defined values (URL-encoded; `&` in a filter value becomes %26, spec §3.1). */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

function segment(name: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 200 || value === "." || value === "..") {
    throw badInput(`${name} must be a non-empty identifier of at most 200 characters`, { field: name });
  }
  return encodeURIComponent(value);
}
