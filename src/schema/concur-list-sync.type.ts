import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum ListSyncPhase {
  READ = "READ",
  REACTIVATE = "REACTIVATE",
  CREATE = "CREATE",
  UPDATE = "UPDATE",
  DELETE = "DELETE",
  DONE = "DONE",
}
registerEnumType(ListSyncPhase, {
  name: "ListSyncPhase",
  description: "Phases of a list sync: READ, then the writes (CREATE, then REACTIVATE, UPDATE, DELETE, which share bulk calls; the shared calls go first when a create hangs under a reactivated item), then DONE.",
});

export enum ListSyncOperation {
  CREATE = "CREATE",
  REACTIVATE = "REACTIVATE",
  UPDATE = "UPDATE",
  DELETE = "DELETE",
}
registerEnumType(ListSyncOperation, {
  name: "ListSyncOperation",
  description: "What a sync does to one item. REACTIVATE: the code belongs to an item deleted in Concur, brought back by a bulk update with deleted: false (never reported as unchanged).",
});

@InputType({ description: "One item of the ERP's tree: its path of short codes from level 1, and its value." })
export class ErpListItemInput {
  @Field(() => [String], { description: "Short codes from the top level down to this item, e.g. [\"R01\", \"D03\"]; no hyphens. Every prefix must be an item too." })
  path!: string[];

  @Field(() => String, { description: "Display text (no hyphens)." })
  value!: string;
}

@InputType({ description: "The Concur list to sync: by its id, or by an ERP list id through the ERP's list mappings." })
export class ConcurListSyncTarget {
  @Field(() => ID, { nullable: true, description: "Concur list UUID." })
  concurListId?: string | null;

  @Field(() => ID, { nullable: true, description: "ERP integration UUID whose mappings map erpListId (with erpListId)." })
  erpId?: string | null;

  @Field(() => ID, { nullable: true, description: "ERP list id (a ListName id) mapped to a Concur list (with erpId)." })
  erpListId?: string | null;
}

@ObjectType({ description: "One change a sync makes (or, in a dry run, would make)." })
export class ConcurListSyncChange {
  @Field(() => ListSyncOperation)
  operation!: ListSyncOperation;

  @Field(() => String, { description: "Long code." })
  code!: string;

  @Field(() => Int, { description: "Level of the item." })
  level!: number;

  @Field(() => String, { nullable: true, description: "New value (create, update)." })
  value!: string | null;

  @Field(() => String, { nullable: true, description: "Value in Concur before (update, delete)." })
  previousValue!: string | null;

  @Field(() => Int, { description: "Items this change removes: 1, or the whole subtree for a delete." })
  items!: number;
}

@ObjectType({ description: "What a sync found to do and how many bulk calls that takes." })
export class ConcurListSyncPlan {
  @Field(() => Int, { description: "Items to create." })
  creates!: number;

  @Field(() => [Int], { description: "Items to create per level (index 0 = level 1)." })
  createsByLevel!: number[];

  @Field(() => Int, { description: "Items deleted in Concur whose codes the ERP has: reactivated (deleted: false), parents first." })
  reactivations!: number;

  @Field(() => Int, { description: "Values to change." })
  updates!: number;

  @Field(() => Int, { description: "Delete parts: subtree roots (deleting a parent deletes its children)." })
  deletes!: number;

  @Field(() => Int, { description: "Items the deletes remove, descendants included." })
  deletedItems!: number;

  @Field(() => Int, { description: "Items equal in both trees." })
  unchanged!: number;

  @Field(() => Int, { description: "Bulk calls planned: creates of all levels in order (parents first) in calls of 250, and reactivations, updates and deletes (deepest first) in calls of 250." })
  bulkCalls!: number;

  @Field(() => Int, { description: "The per-level bound: ceil(creates per level / 250) summed over levels, plus the reactivate/update/delete calls. bulkCalls never exceeds it." })
  perLevelBulkCalls!: number;

  @Field(() => [ConcurListSyncChange], { description: "The changes, in send order: exactly the bulk parts the real run sends (every change in a dry run; empty otherwise, see errors for failures)." })
  changes!: ConcurListSyncChange[];
}

@ObjectType({ description: "An item the sync could not write, with Concur's error (or the gateway's, for children of a failed parent)." })
export class ConcurListSyncError {
  @Field(() => ListSyncOperation)
  operation!: ListSyncOperation;

  @Field(() => String, { description: "Long code." })
  code!: string;

  @Field(() => String, { description: "Error id, e.g. item.duplicate.code.deleted, item.parent.not.found." })
  errorId!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Boolean, {
    description: "A conflict: Concur holds this code in a state the sync does not override (an item deleted in Concur that Concur refused to reactivate). Resolve it in Concur (restore the item) or change the ERP (remove or rename the code); a retry alone will not help.",
  })
  conflict!: boolean;
}

@ObjectType({ description: "The result of a list sync." })
export class ConcurListSyncResult {
  @Field(() => ID, { description: "This sync's id (the one progress events carry)." })
  syncId!: string;

  @Field(() => ID)
  companyId!: string;

  @Field(() => ID, { description: "The Concur list synced." })
  listId!: string;

  @Field(() => Boolean, { description: "True when nothing was written." })
  dryRun!: boolean;

  @Field(() => ConcurListSyncPlan)
  plan!: ConcurListSyncPlan;

  @Field(() => Int, { description: "Items created." })
  created!: number;

  @Field(() => Int, { description: "Items deleted in Concur that were reactivated because the ERP has their codes." })
  reactivated!: number;

  @Field(() => Int, { description: "Values changed." })
  updated!: number;

  @Field(() => Int, { description: "Items removed (descendants of a deleted item included)." })
  deleted!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, { description: "Changes that failed; each is in errors." })
  failed!: number;

  @Field(() => Int, { description: "Failed changes that are conflicts (errors with conflict: true)." })
  conflicts!: number;

  @Field(() => [ConcurListSyncError])
  errors!: ConcurListSyncError[];

  @Field(() => Int, { description: "Bulk calls sent (0 in a dry run and when both trees are equal)." })
  bulkCalls!: number;

  @Field(() => Int, { description: "Pages read to learn the Concur tree." })
  pagesRead!: number;
}

@ObjectType({ description: "Progress of a running list sync: done of total in the current phase." })
export class ConcurListSyncProgress {
  @Field(() => ID)
  syncId!: string;

  @Field(() => ID)
  companyId!: string;

  @Field(() => ID)
  listId!: string;

  @Field(() => ListSyncPhase)
  phase!: ListSyncPhase;

  @Field(() => Int, { description: "Items done in this phase (READ: items read so far)." })
  done!: number;

  @Field(() => Int, { description: "Items in this phase (READ: items read so far, the total is unknown until the walk ends)." })
  total!: number;
}
