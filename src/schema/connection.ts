import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { Account } from "./account.type.js";
import { ListName } from "./list-name.type.js";
import { ProcessingError } from "./request.type.js";
import { TaxData } from "./tax-data.type.js";
import { Vendor } from "./vendor.type.js";

/** Page size used when `first` is omitted. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest accepted `first`; larger values are a BAD_USER_INPUT error raised by the paging code. */
export const MAX_PAGE_SIZE = 1000;

/** Relay page info of a connection. */
@ObjectType({ description: "Where a page of a connection sits in the whole list (Relay PageInfo)." })
export class PageInfo {
  @Field(() => Boolean, { description: "Whether more edges follow; pass endCursor as `after` to get them." })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Whether edges precede this page. Paging is forward-only, so this is false unless `after` was given." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first edge; null when the page is empty." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last edge; null when the page is empty." })
  endCursor!: string | null;
}

/** Shape of one edge; the concrete classes come from {@link Connection}. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/** Shape of a connection page; the concrete classes come from {@link Connection}. */
export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * Builds the Relay `<name>Edge` object type and an abstract connection base class for `nodeType`.
 * Extend the result with a concrete `@ObjectType() class <name>Connection` (type-graphql generic-type pattern).
 * type-graphql 2 builds only reachable types, so the abstract base never appears in the SDL.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge in a ${name} connection: one ${name} and its cursor.` })
  class EdgeClass implements Edge<T> {
    @Field(() => String, { description: "Opaque cursor of this edge; pass it as `after` to continue after it." })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: T;
  }

  // type-graphql 2 has no `isAbstract`: it emits only types reachable from resolvers, and
  // nothing references this base directly. The unique name keeps it harmless if that changes.
  @ObjectType(`${name}ConnectionBase`)
  abstract class ConnectionClass implements ConnectionShape<T> {
    @Field(() => [EdgeClass], { description: "The edges of this page, in upstream order." })
    edges!: EdgeClass[];

    @Field(() => PageInfo, { description: "Paging information of this page." })
    pageInfo!: PageInfo;
  }

  return ConnectionClass;
}

/** Paged accounts. */
@ObjectType({ description: "A page of accounts (Relay connection)." })
export class AccountConnection extends Connection(Account, "Account") {}

/** Paged vendors. */
@ObjectType({ description: "A page of vendors (Relay connection)." })
export class VendorConnection extends Connection(Vendor, "Vendor") {}

/** Paged list names. */
@ObjectType({ description: "A page of list names (Relay connection)." })
export class ListNameConnection extends Connection(ListName, "ListName") {}

/** Paged tax data. */
@ObjectType({ description: "A page of tax data, one node per country (Relay connection)." })
export class TaxDataConnection extends Connection(TaxData, "TaxData") {}

/** Paged processing errors of a request. */
@ObjectType({ description: "A page of processing errors of an upload request (Relay connection)." })
export class ProcessingErrorConnection extends Connection(ProcessingError, "ProcessingError") {}

/** Forward paging arguments shared by every connection field. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Number of edges to return: default ${DEFAULT_PAGE_SIZE}, max ${MAX_PAGE_SIZE}.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Return edges after this cursor (an endCursor or edge cursor from the same connection).",
  })
  after?: string | null;
}
