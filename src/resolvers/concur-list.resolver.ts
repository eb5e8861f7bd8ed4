import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { toConcurList, toConcurListItem, type ItemConnection, type ItemFilter } from "../datasources/index.js";
import type { ListSyncProgressPayload } from "../subscriptions/pubsub.js";
import {
  ConcurList,
  ConcurListFilter,
  ConcurListItem,
  ConcurListItemConnection,
  ConcurListItemFilter,
  ConcurListItemWriteResult,
  ConcurListSyncProgress,
  ConcurListSyncResult,
  ConcurListSyncTarget,
  ConnectionArgs,
  ErpListItemInput,
  ListName,
  ListSyncPhase,
  type TextMatchInput,
} from "../schema/index.js";
import { createListItem, deleteListItem, findItemByCode, updateListItem, type ItemOutcome, type ListItemDeps } from "../services/list-items.js";
import { mapConnection } from "./args.js";

const match = (m: TextMatchInput | null | undefined) => (m ? { op: m.op, value: m.value } : undefined);
const toFilter = (f: ConcurListItemFilter | null | undefined, includeDeleted = false): ItemFilter => ({
  value: match(f?.value),
  shortCode: match(f?.shortCode),
  shortCodeOrValue: match(f?.shortCodeOrValue),
  hasChildren: f?.hasChildren ?? undefined,
  isDeleted: f?.deleted ?? undefined,
  includeDeleted,
});
const itemPage = (companyId: string, listId: string, page: ItemConnection): ConcurListItemConnection =>
  Object.assign(mapConnection(page, (item) => toConcurListItem(companyId, listId, item)), { totalCount: page.totalCount }) as ConcurListItemConnection;
const writeDeps = (ctx: GatewayContext, companyId: string): ListItemDeps => ({
  caller: ctx.requireCaller(companyId, "write"),
  listReader: ctx.services.listReader,
  listWriter: ctx.services.listWriter,
  arrivals: ctx.services.writeArrivals,
});

/** A write outcome; `deleted` (not in the schema) tells the `item` field there is nothing to read back. */
type WriteResult = ConcurListItemWriteResult & { deleted?: boolean };
const toWriteResult = (o: ItemOutcome, deleted = false): WriteResult => ({ companyId: o.companyId, listId: o.listId, code: o.code, succeeded: o.ok, error: o.error ?? null, deleted });

@ArgsType()
class ListArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "Concur list UUID." })
  listId!: string;
}

const INCLUDE_DELETED =
  "Also items deleted in Concur (isDeleted true), after the active ones. Default false: only active items. Ignored when filter.deleted is set.";

@ArgsType()
class ItemsArgs extends ConnectionArgs {
  @Field(() => ConcurListItemFilter, { nullable: true, description: "Filters Concur applies at this level." })
  filter?: ConcurListItemFilter | null;

  @Field(() => Boolean, { defaultValue: false, description: INCLUDE_DELETED })
  includeDeleted!: boolean;
}

@ArgsType()
class ListItemsArgs extends ItemsArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "Concur list UUID." })
  listId!: string;

  @Field(() => ID, { nullable: true, description: "The item whose children to list; default: the list's first level." })
  parentId?: string | null;
}

@Resolver(() => ConcurList)
export class ConcurListResolver {
  @Query(() => [ConcurList], { description: "The company's Concur lists (List v4), filtered by Concur." })
  async concurLists(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("filter", () => ConcurListFilter, { nullable: true }) filter: ConcurListFilter | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConcurList[]> {
    const lists = await ctx.services.listReader.lists(ctx.requireCaller(companyId), companyId, {
      value: match(filter?.name),
      isDeleted: filter?.deleted ?? undefined,
      categoryType: filter?.categoryType ? { op: "eq", value: filter.categoryType } : undefined,
      levelCount: filter?.connectedOnly ? { op: "gt", value: 1 } : undefined,
    });
    return lists.map((list) => toConcurList(companyId, list));
  }

  @Query(() => ConcurList, { description: "One Concur list by id." })
  async concurList(@Args(() => ListArgs) { companyId, listId }: ListArgs, @Ctx() ctx: GatewayContext): Promise<ConcurList> {
    return toConcurList(companyId, await ctx.services.listReader.getList(ctx.requireCaller(companyId), companyId, listId));
  }

  @Query(() => ConcurListItem, { description: "One list item by id (List Item v4)." })
  async concurListItem(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("itemId", () => ID) itemId: string,
    @Arg("listId", () => ID, { nullable: true, description: "The list to see it through (its hasChildren, listId); default its first list." }) listId: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConcurListItem> {
    return toConcurListItem(companyId, listId ?? undefined, await ctx.services.listReader.getItem(ctx.requireCaller(companyId), companyId, itemId));
  }

  @Query(() => ConcurListItemConnection, { description: "One level of a list's items: the first level, or the children of `parentId`. Only active items unless includeDeleted (or filter.deleted)." })
  async concurListItems(@Args(() => ListItemsArgs) args: ListItemsArgs, @Ctx() ctx: GatewayContext): Promise<ConcurListItemConnection> {
    const { companyId, listId, parentId } = args;
    const page = await ctx.services.listReader.items(ctx.requireCaller(companyId), companyId, { listId, itemId: parentId }, toFilter(args.filter, args.includeDeleted), args);
    return itemPage(companyId, listId, page);
  }

  @FieldResolver(() => ConcurListItemConnection, { description: "First-level items (only active ones unless includeDeleted); each item's `children` go down a level (Concur has no all-levels call)." })
  async items(@Root() list: ConcurList, @Args(() => ItemsArgs) args: ItemsArgs, @Ctx() ctx: GatewayContext): Promise<ConcurListItemConnection> {
    const page = await ctx.services.listReader.items(ctx.requireCaller(list.companyId), list.companyId, { listId: list.id }, toFilter(args.filter, args.includeDeleted), args);
    return itemPage(list.companyId, list.id, page);
  }

  @FieldResolver(() => ConcurListItem, { nullable: true, description: "The item with this long code (one filtered read per level), or null." })
  async item(@Root() list: ConcurList, @Arg("code", () => String, { description: "Long code, e.g. R01-D03-C007." }) code: string, @Ctx() ctx: GatewayContext): Promise<ConcurListItem | null> {
    const found = await findItemByCode(ctx.services.listReader, ctx.requireCaller(list.companyId), list.companyId, list.id, code);
    return found ? toConcurListItem(list.companyId, list.id, found) : null;
  }
}

@Resolver(() => ConcurListItem)
export class ConcurListItemResolver {
  @FieldResolver(() => ConcurListItemConnection, { description: "This item's children in the same list (only active ones unless includeDeleted; one upstream page of 100 per 100 children)." })
  async children(@Root() item: ConcurListItem, @Args(() => ItemsArgs) args: ItemsArgs, @Ctx() ctx: GatewayContext): Promise<ConcurListItemConnection> {
    // hasChildren counts active children only: deleted ones are asked for whatever it says.
    const wantsDeleted = args.includeDeleted || args.filter?.deleted === true;
    if (!item.hasChildren && !wantsDeleted) return { edges: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
    const page = await ctx.services.listReader.items(ctx.requireCaller(item.companyId), item.companyId, { listId: item.listId, itemId: item.id }, toFilter(args.filter, args.includeDeleted), args);
    return itemPage(item.companyId, item.listId, page);
  }

  @FieldResolver(() => ConcurListItem, { nullable: true, description: "The parent item; null at level 1." })
  async parent(@Root() item: ConcurListItem, @Ctx() ctx: GatewayContext): Promise<ConcurListItem | null> {
    if (!item.parentId) return null;
    return toConcurListItem(item.companyId, item.listId, await ctx.services.listReader.getItem(ctx.requireCaller(item.companyId), item.companyId, item.parentId));
  }

  @FieldResolver(() => ConcurList, { description: "The list this item was read through." })
  async list(@Root() item: ConcurListItem, @Ctx() ctx: GatewayContext): Promise<ConcurList> {
    return toConcurList(item.companyId, await ctx.services.listReader.getList(ctx.requireCaller(item.companyId), item.companyId, item.listId));
  }
}

const WRITE_NOTE = " Concurrent item writes to one list share bulk calls (at most 250 parts, one call per second per company); the result is this write's own part. Hyphens in codes or values are refused before any call.";

@Resolver(() => ConcurListItemWriteResult)
export class ConcurListItemWriteResolver {
  @Mutation(() => ConcurListItemWriteResult, { description: "Creates an item under a parent (by parentId or parent long code), or at level 1 without one." + WRITE_NOTE })
  async createConcurListItem(
    @Args(() => ListArgs) { companyId, listId }: ListArgs,
    @Arg("shortCode", () => String, { description: "The item's own code (no hyphens)." }) shortCode: string,
    @Arg("value", () => String, { description: "Display text (no hyphens)." }) value: string,
    @Arg("parentId", () => ID, { nullable: true }) parentId: string | null,
    @Arg("parentCode", () => String, { nullable: true, description: "Long code of the parent." }) parentCode: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<WriteResult> {
    return toWriteResult(await createListItem(writeDeps(ctx, companyId), { companyId, listId, shortCode, value, parentId, parentCode }));
  }

  @Mutation(() => ConcurListItemWriteResult, { description: "Changes an item's value (by long code). Short codes are never renamed in place: delete and create instead." + WRITE_NOTE })
  async updateConcurListItem(@Args(() => ListArgs) { companyId, listId }: ListArgs, @Arg("code", () => String) code: string, @Arg("value", () => String) value: string, @Ctx() ctx: GatewayContext): Promise<WriteResult> {
    return toWriteResult(await updateListItem(writeDeps(ctx, companyId), { companyId, listId, code, value }));
  }

  @Mutation(() => ConcurListItemWriteResult, {
    description: "Deletes an item EVERYWHERE: with all its children, and from every list that shares it (Concur marks it deleted; its code stays reserved). To take it out of one list only, use removeConcurListItemFromList." + WRITE_NOTE,
  })
  async deleteConcurListItem(@Args(() => ListArgs) { companyId, listId }: ListArgs, @Arg("code", () => String) code: string, @Ctx() ctx: GatewayContext): Promise<WriteResult> {
    return toWriteResult(await deleteListItem(writeDeps(ctx, companyId), { companyId, listId, code }), true);
  }

  @Mutation(() => Boolean, { description: "Removes an item (and its children) from this list only; lists sharing it keep it. True when done." })
  async removeConcurListItemFromList(@Args(() => ListArgs) { companyId, listId }: ListArgs, @Arg("itemId", () => ID) itemId: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.services.listWriter.removeFromList({ caller: ctx.requireCaller(companyId, "write"), companyId, listId }, itemId);
    return true;
  }

  @FieldResolver(() => ConcurListItem, { nullable: true, description: "The item as Concur has it now (read back by long code); null after a delete or a failure." })
  async item(@Root() result: WriteResult, @Ctx() ctx: GatewayContext): Promise<ConcurListItem | null> {
    if (!result.succeeded || result.deleted) return null;
    const found = await findItemByCode(ctx.services.listReader, ctx.requireCaller(result.companyId), result.companyId, result.listId, result.code);
    return found ? toConcurListItem(result.companyId, result.listId, found) : null;
  }
}

@ArgsType()
class SyncProgressArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { nullable: true, description: "Only syncs of this list." })
  listId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this sync (the syncId you pass to syncConcurList)." })
  syncId?: string | null;
}

const syncProgress = async ({ args, context }: SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>) => {
  const { companyId, listId, syncId } = args as unknown as SyncProgressArgs;
  const caller = context.requireCaller(companyId);
  // Tenant check: the caller's token must be able to read this company's lists.
  if (listId) await context.services.listReader.getList(caller, companyId, listId);
  else await context.services.listReader.lists(caller, companyId, { levelCount: { op: "gt", value: 100 } });
  return context.services.listSync.progress(companyId, { listId, syncId });
};

@Resolver(() => ConcurListSyncResult)
export class ConcurListSyncResolver {
  @Mutation(() => ConcurListSyncResult, {
    description:
      "Makes a Concur list equal to the ERP's tree: reads the Concur tree (active items; items deleted in Concur are absent), sends only the differences with the fewest bulk calls (creates level by level in order, 250 per call; reactivations of codes deleted in Concur, value updates and deletes of whole subtrees, deepest first, 250 per call), one sync per list at a time. A reactivation Concur refuses is reported as a conflict. Nothing is written when the input has an error (hyphens, missing parents, too deep), nor in a dry run, whose plan lists exactly the parts a real run sends. A short-code rename is a delete plus a create. Progress: concurListSyncProgress.",
  })
  async syncConcurList(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("target", () => ConcurListSyncTarget) target: ConcurListSyncTarget,
    @Arg("items", () => [ErpListItemInput], { description: "The ERP's full tree of this list (every level)." }) items: ErpListItemInput[],
    @Arg("dryRun", () => Boolean, { defaultValue: false, description: "Plan only: return the changes without writing." }) dryRun: boolean,
    @Arg("syncId", () => ID, { nullable: true, description: "Your UUID for this sync, to subscribe to its progress first. Default: a new one." }) syncId: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConcurListSyncResult> {
    const caller = ctx.requireCaller(companyId, dryRun ? "read" : "write");
    return (await ctx.services.listSync.sync(caller, { companyId, target, items, dryRun, syncId })) as ConcurListSyncResult;
  }

  @Subscription(() => ConcurListSyncProgress, { description: "Progress of list syncs: done / total per phase (READ, CREATE, UPDATE, DELETE, then DONE).", subscribe: syncProgress })
  concurListSyncProgress(@Root() payload: ListSyncProgressPayload, @Args(() => SyncProgressArgs) _args: SyncProgressArgs): ConcurListSyncProgress {
    return { ...payload, phase: payload.phase as ListSyncPhase };
  }
}

/** Accounting's ERP list names link to the Concur list the customer mapped them to. */
@Resolver(() => ListName)
export class ListNameConcurListResolver {
  @FieldResolver(() => ConcurList, { nullable: true, description: "The Concur list this ERP list is mapped to (ERP mappings, listMappings); null when unmapped. Its items hang off `items`." })
  async concurList(@Root() listName: ListName, @Ctx() ctx: GatewayContext): Promise<ConcurList | null> {
    const caller = ctx.requireCaller(listName.companyId);
    const mappings = await ctx.services.reader.getMappings(caller, listName.companyId, listName.erpId);
    const mapped = (mappings.files ?? []).flatMap((f) => f.listMappings ?? []).find((m) => m.erpListId === listName.id);
    if (!mapped?.concurListId) return null;
    return toConcurList(listName.companyId, await ctx.services.listReader.getList(caller, listName.companyId, mapped.concurListId));
  }
}
