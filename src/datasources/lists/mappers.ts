/* Pure conversions from the List v4 wire shapes to the GraphQL shapes (src/schema). No I/O. */
import type { ConcurList, ConcurListItem } from "../../schema/concur-list.type.js";
import type { ListItem, ListResponse } from "./wire/index.js";

export function toConcurList(companyId: string, list: ListResponse): ConcurList {
  return {
    companyId,
    id: list.id,
    name: list.value,
    levelCount: list.levelCount ?? 1,
    searchCriteria: list.searchCriteria ?? null,
    displayFormat: list.displayFormat ?? null,
    category: list.category ? { id: list.category.id, type: list.category.type } : null,
    isReadOnly: list.isReadOnly === true,
    isDeleted: list.isDeleted === true,
    isManaged: typeof list.managedBy === "string" && list.managedBy.length > 0,
    managedBy: list.managedBy ?? null,
    externalThreshold: list.externalThreshold ?? null,
  };
}

/**
 * Whether Concur marks the item deleted (deleted from every list, spec §2). Accepts the documented boolean and the
 * string / Y-N forms Concur's other APIs use, so a deleted item is never mistaken for an active one.
 */
export function isDeletedItem(item: Pick<ListItem, "isDeleted">): boolean {
  const flag: unknown = item.isDeleted;
  if (typeof flag === "string") return ["true", "y", "yes"].includes(flag.trim().toLowerCase());
  return flag === true;
}

/** `listId`: the list the item was read through (path parameters win over the body). */
export function toConcurListItem(companyId: string, listId: string | undefined, item: ListItem): ConcurListItem {
  const lists = (item.lists ?? []).map((m) => ({ listId: m.id, hasChildren: m.hasChildren === true }));
  const through = listId ?? item.listId ?? lists[0]?.listId ?? "";
  return {
    companyId,
    listId: through,
    id: item.id,
    code: item.code,
    shortCode: item.shortCode,
    value: item.value,
    level: item.level,
    parentId: item.parentId ?? null,
    isDeleted: isDeletedItem(item),
    hasChildren: lists.find((m) => m.listId === through)?.hasChildren ?? false,
    lists,
  };
}
