// Item writes on a Concur list: refuse bad codes before any call -> name the parent by long code (bulk parts know no
// parent ids) -> queue into the coalescing bulk writer -> answer with this write's own part outcome.
import { checkLongCode, checkSegment, isDeletedItem, listProblemsToError, type Caller, type ItemWrite, type ListItemWriter, type ListReader, type PartOutcome, type WireConcurListItem } from "../datasources/index.js";
import { badInput } from "../errors.js";
import type { WriteArrivals } from "./write-arrivals.js";

export interface ListItemDeps {
  caller: Caller;
  listReader: ListReader;
  listWriter: ListItemWriter;
  /**
   * Received writes on their way to a queue (services/write-arrivals.ts). A create under a `parentId` reads the parent
   * before it can queue: it counts as on its way meanwhile, so the list's batching window waits for it.
   */
  arrivals?: WriteArrivals;
}

export interface CreateItemArgs {
  companyId: string;
  listId: string;
  shortCode: string;
  value: string;
  parentId?: string | null;
  parentCode?: string | null;
}

export interface ItemOutcome extends PartOutcome {
  companyId: string;
  listId: string;
}

const refuse = (problems: ReturnType<typeof checkSegment>) => {
  const error = listProblemsToError(problems);
  if (error) throw error;
};

export async function createListItem(deps: ListItemDeps, args: CreateItemArgs): Promise<ItemOutcome> {
  refuse([...checkSegment("shortCode", args.shortCode, "code"), ...checkSegment("value", args.value, "value"), ...(args.parentCode ? checkLongCode("parentCode", args.parentCode) : [])]);
  if (args.parentId && args.parentCode) throw badInput("parentId, parentCode: give one of them, not both", { field: "parentId" });
  if (!args.parentId) return write(deps, args, { kind: "create", shortCode: args.shortCode, value: args.value, parentCode: args.parentCode ?? undefined });
  const onItsWay = deps.arrivals?.expect();
  try {
    const parent = await deps.listReader.getItem(deps.caller, args.companyId, args.parentId);
    if (!(parent.lists ?? []).some((m) => m.id === args.listId) || isDeletedItem(parent)) {
      throw badInput(`parentId: item ${args.parentId} (${parent.code}) is not an active item of list ${args.listId}`, { field: "parentId" });
    }
    // Queued synchronously by `write`, before the hold ends.
    return write(deps, args, { kind: "create", shortCode: args.shortCode, value: args.value, parentCode: parent.code });
  } finally {
    onItsWay?.();
  }
}

export function updateListItem(deps: ListItemDeps, args: { companyId: string; listId: string; code: string; value: string }): Promise<ItemOutcome> {
  refuse([...checkLongCode("code", args.code), ...checkSegment("value", args.value, "value")]);
  return write(deps, args, { kind: "update", code: args.code, value: args.value });
}

export function deleteListItem(deps: ListItemDeps, args: { companyId: string; listId: string; code: string }): Promise<ItemOutcome> {
  refuse(checkLongCode("code", args.code));
  return write(deps, args, { kind: "delete", code: args.code });
}

async function write(deps: ListItemDeps, args: { companyId: string; listId: string }, item: ItemWrite): Promise<ItemOutcome> {
  const outcome = await deps.listWriter.enqueue({ caller: deps.caller, companyId: args.companyId, listId: args.listId }, item);
  return { ...outcome, companyId: args.companyId, listId: args.listId };
}

/** The item with this long code in the list (one filtered read per level), or null. */
export async function findItemByCode(reader: ListReader, caller: Caller, companyId: string, listId: string, code: string): Promise<WireConcurListItem | null> {
  let parent: WireConcurListItem | null = null;
  for (const shortCode of code.split("-")) {
    parent = await reader.findChild(caller, companyId, { listId, itemId: parent?.id }, shortCode);
    if (!parent) return null;
  }
  return parent;
}
