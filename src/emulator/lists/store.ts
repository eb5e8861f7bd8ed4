import { randomUUID } from "node:crypto";
import type { ListItemResponse, ListResponse } from "./types.js";

/** One list of a company (List v4 `ListResponse`, spec §2). */
export interface EmuList {
  id: string;
  value: string;
  levelCount: number;
  searchCriteria: "TEXT" | "CODE";
  displayFormat: "(CODE) TEXT" | "TEXT (CODE)";
  categoryId: string;
  categoryType: string;
  isReadOnly: boolean;
  isDeleted: boolean;
  /** `appId:<uuid>` of the managing app, or null (spec §3.1 managed lists). */
  managedBy: string | null;
  externalThreshold?: number;
}

/** One item; shared by every list of `lists` (all of the same category, spec §2). */
export interface EmuItem {
  id: string;
  shortCode: string;
  value: string;
  parentId: string | null;
  level: number;
  /** Long code: the ancestors' short codes and its own joined with `-`. */
  code: string;
  categoryId: string;
  /** Lists the item is an active member of. */
  lists: Set<string>;
  /** Every list the item ever belonged to (shown when it is deleted everywhere). */
  everLists: Set<string>;
  /** True only when deleted from every list (spec §2). */
  isDeleted: boolean;
}

const ROOT = "root";

/** The lists and items of one company. */
export class CompanyLists {
  readonly lists = new Map<string, EmuList>();
  readonly items = new Map<string, EmuItem>();
  /** Children ids by parent id (`root` for first-level items of any list). */
  private readonly children = new Map<string, Set<string>>();
  /** Reserved long codes per list, deleted items included (their code stays reserved, spec §4). */
  private readonly codes = new Map<string, Map<string, string>>();

  addList(input: Partial<EmuList> & { value: string }): EmuList {
    const list: EmuList = {
      id: input.id ?? randomUUID(),
      value: input.value,
      levelCount: input.levelCount ?? 1,
      searchCriteria: input.searchCriteria ?? "TEXT",
      displayFormat: input.displayFormat ?? "(CODE) TEXT",
      categoryId: input.categoryId ?? categoryIdFor(input.categoryType ?? "Normal"),
      categoryType: input.categoryType ?? "Normal",
      isReadOnly: input.isReadOnly ?? false,
      isDeleted: input.isDeleted ?? false,
      managedBy: input.managedBy ?? null,
      externalThreshold: input.externalThreshold,
    };
    this.lists.set(list.id, list);
    this.codes.set(list.id, new Map());
    return list;
  }

  codeIndex(listId: string): Map<string, string> {
    let index = this.codes.get(listId);
    if (!index) this.codes.set(listId, (index = new Map()));
    return index;
  }

  /** The item holding `code` in the list (deleted items too), if any. */
  byCode(listId: string, code: string): EmuItem | undefined {
    const id = this.codeIndex(listId).get(code);
    return id === undefined ? undefined : this.items.get(id);
  }

  addItem(list: EmuList, shortCode: string, value: string, parent: EmuItem | null): EmuItem {
    const item: EmuItem = {
      id: randomUUID(),
      shortCode,
      value,
      parentId: parent?.id ?? null,
      level: parent ? parent.level + 1 : 1,
      code: parent ? `${parent.code}-${shortCode}` : shortCode,
      categoryId: list.categoryId,
      lists: new Set([list.id]),
      everLists: new Set([list.id]),
      isDeleted: false,
    };
    this.items.set(item.id, item);
    this.childSet(item.parentId).add(item.id);
    this.codeIndex(list.id).set(item.code, item.id);
    return item;
  }

  /** Makes an existing item (and its subtree) a member of another list of the same category (shared items). */
  share(item: EmuItem, list: EmuList): void {
    for (const member of this.subtree(item)) {
      member.lists.add(list.id);
      member.everLists.add(list.id);
      this.codeIndex(list.id).set(member.code, member.id);
    }
  }

  private childSet(parentId: string | null): Set<string> {
    const key = parentId ?? ROOT;
    let set = this.children.get(key);
    if (!set) this.children.set(key, (set = new Set()));
    return set;
  }

  /**
   * Direct children of `parentId` (null: first level) of `listId`: `deleted` false = the active members, true = the
   * items deleted everywhere that were in the list, undefined = both (no `isDeleted` filter, [INFERRED] see
   * docs/emulator/lists-v4.md).
   */
  childrenIn(listId: string, parentId: string | null, deleted?: boolean): EmuItem[] {
    const out: EmuItem[] = [];
    for (const id of this.children.get(parentId ?? ROOT) ?? []) {
      const item = this.items.get(id)!;
      const active = item.lists.has(listId);
      const gone = item.isDeleted && item.everLists.has(listId);
      if (deleted === undefined ? active || gone : deleted ? gone : active) out.push(item);
    }
    return out;
  }

  hasChildrenIn(item: EmuItem, listId: string): boolean {
    for (const id of this.children.get(item.id) ?? []) if (this.items.get(id)!.lists.has(listId)) return true;
    return false;
  }

  /** The item and all its descendants (any list). */
  subtree(item: EmuItem): EmuItem[] {
    const out = [item];
    for (let i = 0; i < out.length; i++) {
      for (const id of this.children.get(out[i].id) ?? []) out.push(this.items.get(id)!);
    }
    return out;
  }

  /** I4 / bulk `deleted: true`: deleted from every list, with all its children; codes stay reserved (spec §3.2, §4). */
  deleteEverywhere(item: EmuItem): number {
    const members = this.subtree(item).filter((m) => !m.isDeleted);
    for (const member of members) {
      member.isDeleted = true;
      member.lists.clear();
    }
    return members.length;
  }

  /**
   * B2 `deleted: false` on a deleted item [INFERRED Q3]: the item alone becomes active again in `list` (its children
   * stay deleted: each is reactivated by its own part), keeping its id and code.
   */
  reactivate(item: EmuItem, list: EmuList): void {
    item.isDeleted = false;
    item.lists.add(list.id);
    item.everLists.add(list.id);
    this.codeIndex(list.id).set(item.code, item.id);
  }

  /** I5: removed from one list only (with its children in that list); the code is free again in that list. */
  removeFromList(item: EmuItem, listId: string): void {
    for (const member of this.subtree(item)) {
      if (!member.lists.delete(listId)) continue;
      this.codeIndex(listId).delete(member.code);
      if (member.lists.size === 0) member.isDeleted = true;
    }
  }

  /** I3 with a new shortCode: the long codes of the item and its descendants change in every list. */
  rename(item: EmuItem, shortCode: string): void {
    const parent = item.parentId ? this.items.get(item.parentId) : undefined;
    const old = item.code;
    const fresh = parent ? `${parent.code}-${shortCode}` : shortCode;
    item.shortCode = shortCode;
    for (const member of this.subtree(item)) {
      const before = member.code;
      member.code = fresh + before.slice(old.length);
      for (const listId of member.everLists) {
        const index = this.codeIndex(listId);
        if (index.get(before) === member.id) index.delete(before);
        index.set(member.code, member.id);
      }
    }
  }

  listView(list: EmuList): ListResponse {
    const view: ListResponse = {
      id: list.id,
      value: list.value,
      levelCount: list.levelCount,
      searchCriteria: list.searchCriteria,
      displayFormat: list.displayFormat,
      category: { id: list.categoryId, type: list.categoryType },
      isReadOnly: list.isReadOnly,
      isDeleted: list.isDeleted,
      managedBy: list.managedBy,
    };
    if (list.externalThreshold !== undefined) view.externalThreshold = list.externalThreshold;
    return view;
  }

  /** The ListItem body; `listId` is the list the item was reached through (else its first list). */
  itemView(item: EmuItem, listId?: string): ListItemResponse {
    const memberships = item.isDeleted ? [...item.everLists] : [...item.lists];
    const view: ListItemResponse = {
      id: item.id,
      code: item.code,
      shortCode: item.shortCode,
      value: item.value,
      listId: listId ?? memberships[0] ?? "",
      level: item.level,
      isDeleted: item.isDeleted,
      lists: memberships.map((id) => ({ id, hasChildren: item.isDeleted ? false : this.hasChildrenIn(item, id) })),
    };
    if (item.parentId) view.parentId = item.parentId;
    return view;
  }
}

/** Every company's lists. */
export class ListsStore {
  private readonly companies = new Map<string, CompanyLists>();

  company(companyId: string): CompanyLists {
    const key = companyId.toLowerCase();
    let company = this.companies.get(key);
    if (!company) this.companies.set(key, (company = new CompanyLists()));
    return company;
  }

  clear(): void {
    this.companies.clear();
  }
}

/** A stable category id per category type (uuid-shaped; the docs show uuids). */
export function categoryIdFor(type: string): string {
  let h = 0x811c9dc5;
  for (const ch of `category:${type}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-ca7e-4000-8000-${hex}${hex.slice(0, 4)}`;
}
