/** List Item v4 `ListItem` (spec §2, [ITEM]). */
export interface ListItem {
  id: string;
  /** Long code: ancestors' short codes and this one joined with `-`. */
  code: string;
  shortCode: string;
  value: string;
  parentId?: string | null;
  listId?: string;
  level: number;
  /** Lists holding the item (shared items: several of the same category). */
  lists?: { id: string; hasChildren: boolean }[];
  /** True only when deleted from every list. */
  isDeleted?: boolean;
}

/** POST /list/v4/items body (I2). */
export interface CreateItemBody {
  listId: string;
  shortCode: string;
  value: string;
  parentId?: string;
  parentCode?: string;
}
