import type { TokenGrant } from "../core/auth.js";
import { isObject } from "../core/validation.js";
import { ListError, ListErrorId, listBadRequest, validation } from "./errors.js";
import { LISTS_LIMITS } from "./limits.js";
import type { CompanyLists, EmuItem, EmuList } from "./store.js";

/** Item operations shared by the single-item calls and the bulk parts (spec §3.2, §3.3). */

export interface CreateInput {
  shortCode: string;
  value: string;
  parentId?: string;
  parentCode?: string;
}

/** 400 list.is.managed unless the caller's app manages the list (spec §3.1 managed lists). */
export function assertMayModify(list: EmuList, grant: TokenGrant): void {
  if (list.managedBy !== null && list.managedBy !== `appId:${grant.clientId}`) {
    throw listBadRequest(ListErrorId.ListManaged, "Modify operation not permitted on this managed list");
  }
}

export function requireString(body: Record<string, unknown>, name: string, source = name, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw validation(source, "must not be null");
    return undefined;
  }
  if (typeof v !== "string" || v.length === 0) throw validation(source, "must be a non-empty string");
  if (v.length > LISTS_LIMITS.maxCodeLength) throw validation(source, `size must be between 1 and ${LISTS_LIMITS.maxCodeLength}`);
  return v;
}

/** Reads a create body or bulk part; validation problems are request-level 400s. */
export function parseCreate(raw: unknown, prefix = ""): CreateInput {
  if (!isObject(raw)) throw validation(prefix || "body", "must be an object");
  const input: CreateInput = {
    shortCode: requireString(raw, "shortCode", `${prefix}shortCode`)!,
    value: requireString(raw, "value", `${prefix}value`)!,
  };
  const parentId = requireString(raw, "parentId", `${prefix}parentId`, false);
  const parentCode = requireString(raw, "parentCode", `${prefix}parentCode`, false);
  if (parentId !== undefined) input.parentId = parentId;
  if (parentCode !== undefined) input.parentCode = parentCode;
  return input;
}

/**
 * Creates one item. Hyphens are NOT refused: the docs say they are unsupported and "can corrupt the list", not that
 * Concur rejects them [INFERRED]; refusing them is the gateway's job.
 */
export function createItem(company: CompanyLists, list: EmuList, input: CreateInput): EmuItem {
  if (list.isDeleted) throw listBadRequest(ListErrorId.ListDeleted, `List ${list.id} is deleted`);
  let parent: EmuItem | null = null;
  if (input.parentId !== undefined || input.parentCode !== undefined) {
    const found = input.parentId !== undefined ? company.items.get(input.parentId) : company.byCode(list.id, input.parentCode!);
    if (!found) throw listBadRequest(ListErrorId.ParentNotFound, `Parent ${input.parentId ?? input.parentCode} not found`);
    if (found.isDeleted) throw listBadRequest(ListErrorId.ParentDeleted, `Parent ${found.code} is deleted`);
    if (!found.lists.has(list.id)) throw listBadRequest(ListErrorId.ListNotMatchParent, `Parent ${found.code} is not in list ${list.id}`);
    if (input.parentId !== undefined && input.parentCode !== undefined && found.code !== input.parentCode) {
      throw listBadRequest(ListErrorId.ListNotMatchParent, `parentId and parentCode name different items`);
    }
    parent = found;
  }
  const level = parent ? parent.level + 1 : 1;
  if (level > list.levelCount) {
    throw listBadRequest(ListErrorId.MaxLevelExceeded, `Level ${level} exceeds the list's ${list.levelCount} level(s)`);
  }
  const code = parent ? `${parent.code}-${input.shortCode}` : input.shortCode;
  const existing = company.byCode(list.id, code);
  if (existing) {
    // A deleted item keeps its code reserved (spec §4).
    if (existing.isDeleted) throw listBadRequest(ListErrorId.DuplicateCodeDeleted, `Code ${code} belongs to a deleted item`);
    throw listBadRequest(ListErrorId.DuplicateCode, `Code ${code} already exists in this list`);
  }
  return company.addItem(list, input.shortCode, input.value, parent);
}

/** The list an item call names; 404 when it does not exist. */
export function requireList(company: CompanyLists, listId: string): EmuList {
  const list = company.lists.get(listId);
  if (!list) throw new ListError(404, ListErrorId.ListNotFound, `List ${listId} not found`);
  return list;
}

export function requireItem(company: CompanyLists, itemId: string): EmuItem {
  const item = company.items.get(itemId);
  if (!item) throw new ListError(404, ListErrorId.ItemNotFound, `Item ${itemId} not found`);
  return item;
}
