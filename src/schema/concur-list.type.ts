import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./connection.js";

/*
 * Concur cost-object lists (List v4, List Item v4): a list has levels; each item has a short code and a long code
 * (its ancestors' short codes and its own joined with "-"). Items may be shared by several lists of one category.
 */

export enum TextMatchOperator {
  EQUALS = "eq",
  NOT_EQUALS = "not",
  STARTS_WITH = "sw",
  ENDS_WITH = "ew",
  CONTAINS = "cp",
}
registerEnumType(TextMatchOperator, { name: "TextMatchOperator", description: "How a text filter matches (Concur's eq, not, sw, ew, cp; case-sensitive)." });

@InputType({ description: "A text filter Concur applies upstream." })
export class TextMatchInput {
  @Field(() => TextMatchOperator, { defaultValue: TextMatchOperator.EQUALS, description: "Default EQUALS." })
  op!: TextMatchOperator;

  @Field(() => String, { description: "The text to match." })
  value!: string;
}

@InputType({ description: "Filters of a list's items (applied by Concur, per level)." })
export class ConcurListItemFilter {
  @Field(() => TextMatchInput, { nullable: true, description: "On the item's value (display text)." })
  value?: TextMatchInput | null;

  @Field(() => TextMatchInput, { nullable: true, description: "On the item's short code." })
  shortCode?: TextMatchInput | null;

  @Field(() => TextMatchInput, { nullable: true, description: "On the short code OR the value (the only OR filter Concur offers)." })
  shortCodeOrValue?: TextMatchInput | null;

  @Field(() => Boolean, { nullable: true, description: "Only items that have (true) or have no (false) children in this list." })
  hasChildren?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "true: only deleted items; false: only active items. Default: only active items (both with includeDeleted)." })
  deleted?: boolean | null;
}

@InputType({ description: "Filters of a company's lists (applied by Concur)." })
export class ConcurListFilter {
  @Field(() => TextMatchInput, { nullable: true, description: "On the list name." })
  name?: TextMatchInput | null;

  @Field(() => Boolean, { nullable: true, description: "Only deleted (true) or not deleted (false) lists. Default: both." })
  deleted?: boolean | null;

  @Field(() => String, { nullable: true, description: "Only lists of this category type (e.g. Normal, Vendor, Configuration)." })
  categoryType?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true: only connected (multi-level) lists." })
  connectedOnly?: boolean | null;
}

@ObjectType({ description: "The category of a Concur list; items are shared only between lists of one category." })
export class ConcurListCategory {
  @Field(() => ID, { description: "Category UUID." })
  id!: string;

  @Field(() => String, { description: "Category type, e.g. Normal, Vendor, Configuration." })
  type!: string;
}

@ObjectType({ description: "A Concur list (List v4): cost centres, projects, GL segments, vendor custom lists. Its items hang off `items`." })
export class ConcurList {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "List UUID (a ListMapping's concurListId)." })
  id!: string;

  @Field(() => String, { description: "List name." })
  name!: string;

  @Field(() => Int, { description: "Number of hierarchy levels; more than 1 for a connected list. Items deeper than this are refused." })
  levelCount!: number;

  @Field(() => String, { nullable: true, description: "What users search by: TEXT or CODE." })
  searchCriteria!: string | null;

  @Field(() => String, { nullable: true, description: "How items are shown: `(CODE) TEXT` or `TEXT (CODE)`." })
  displayFormat!: string | null;

  @Field(() => ConcurListCategory, { nullable: true, description: "The list's category." })
  category!: ConcurListCategory | null;

  @Field(() => Boolean, { description: "Read-only in Concur." })
  isReadOnly!: boolean;

  @Field(() => Boolean, { description: "Deleted in Concur." })
  isDeleted!: boolean;

  @Field(() => Boolean, { description: "Managed by an app: only that app may change the list or its items (others get FORBIDDEN)." })
  isManaged!: boolean;

  @Field(() => String, { nullable: true, description: "`appId:<uuid>` of the managing app; null when not managed." })
  managedBy!: string | null;

  @Field(() => Int, { nullable: true, description: "Level from which items are external, when set." })
  externalThreshold!: number | null;
}

@ObjectType({ description: "A list an item belongs to (shared items belong to several lists of one category)." })
export class ConcurListMembership {
  @Field(() => ID, { description: "List UUID." })
  listId!: string;

  @Field(() => Boolean, { description: "Whether the item has children in that list." })
  hasChildren!: boolean;
}

@ObjectType({ description: "An item of a Concur list (List Item v4), as seen through one list." })
export class ConcurListItem {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "The list this item was read through." })
  listId!: string;

  @Field(() => ID, { description: "Item UUID." })
  id!: string;

  @Field(() => String, { description: "Long code: the ancestors' short codes and this item's, joined with `-`; unique within a list." })
  code!: string;

  @Field(() => String, { description: "The item's own code." })
  shortCode!: string;

  @Field(() => String, { description: "Display text." })
  value!: string;

  @Field(() => Int, { description: "Level in the hierarchy, 1 = top." })
  level!: number;

  @Field(() => ID, { nullable: true, description: "Parent item UUID; null at level 1." })
  parentId!: string | null;

  @Field(() => Boolean, { description: "True only when deleted from every list." })
  isDeleted!: boolean;

  @Field(() => Boolean, { description: "Whether the item has children in `listId`." })
  hasChildren!: boolean;

  @Field(() => [ConcurListMembership], { description: "Every list holding this item (when deleted: every list it was in)." })
  lists!: ConcurListMembership[];
}

@ObjectType({ description: "A page of list items (Relay connection over Concur's 1-based pages of 100)." })
export class ConcurListItemConnection extends Connection(ConcurListItem, "ConcurListItem") {
  @Field(() => Int, { description: "Items at this level matching the filters (Concur's totalElements)." })
  totalCount!: number;
}

@ObjectType({ description: "Concur's error for one item write (one part of a bulk call)." })
export class ConcurListItemError {
  @Field(() => String, { description: "Concur's error id, e.g. item.duplicate.code, item.parent.not.found, item.max.level.exceeded." })
  id!: string;

  @Field(() => String, { description: "Concur's message." })
  message!: string;
}

@ObjectType({ description: "The outcome of one item write. Concurrent writes to one list share bulk calls; each gets its own part's outcome." })
export class ConcurListItemWriteResult {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "List UUID." })
  listId!: string;

  @Field(() => String, { description: "Long code of the item written." })
  code!: string;

  @Field(() => Boolean, { description: "Whether Concur applied this write." })
  succeeded!: boolean;

  @Field(() => ConcurListItemError, { nullable: true, description: "Concur's error when it did not." })
  error!: ConcurListItemError | null;
}
