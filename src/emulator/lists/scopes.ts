/** OAuth scopes of List v4 and List Item v4 (+ Bulk) (spec §1, [LIST] [ITEM] [BULK] [SCOPES]). */
export const LIST_SCOPES = {
  listRead: "spend.list.read",
  listWrite: "spend.list.write",
  listDelete: "spend.list.delete",
  itemRead: "spend.listitem.read",
  itemWrite: "spend.listitem.write",
  itemDelete: "spend.listitem.delete",
} as const;

export const LISTS_API_SCOPES: readonly string[] = Object.values(LIST_SCOPES);

/** Scopes that allow each kind of call: a write scope also allows GETs (spec §1 "write (GET, POST, PUT)"). */
export const ALLOWED = {
  listGet: [LIST_SCOPES.listRead, LIST_SCOPES.listWrite],
  listWrite: [LIST_SCOPES.listWrite],
  listDelete: [LIST_SCOPES.listDelete],
  itemGet: [LIST_SCOPES.itemRead, LIST_SCOPES.itemWrite],
  itemWrite: [LIST_SCOPES.itemWrite],
  itemDelete: [LIST_SCOPES.itemDelete],
} as const;
