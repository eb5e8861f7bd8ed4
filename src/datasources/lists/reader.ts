import { badInput, CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { cursorEncoder, decodeCursor } from "../client/cursor.js";
import type { ConcurClient } from "../client/pipeline.js";
import { listErrorFromResponse } from "./errors.js";
import { LIST_SCOPES, listPaths, withQuery } from "./paths.js";
import type { ListItem, ListResponse, Paged } from "./wire/index.js";

/** `field=<op>:<value>` text operators the API offers (spec §3.1, §3.2). */
export type TextOp = "eq" | "not" | "sw" | "ew" | "cp";

export interface TextMatch {
  op: TextOp;
  value: string;
}

/** Item filters of I6-I8. */
export interface ItemFilter {
  value?: TextMatch | null;
  shortCode?: TextMatch | null;
  /** The only OR form: short code or value. */
  shortCodeOrValue?: TextMatch | null;
  hasChildren?: boolean | null;
  /** true: only deleted items; default: only active ones. */
  isDeleted?: boolean | null;
  sortBy?: "value" | "shortCode";
  sortDirection?: "asc" | "desc";
}

/** List filters of L1. */
export interface ListFilter {
  value?: TextMatch | null;
  isDeleted?: boolean | null;
  categoryType?: TextMatch | null;
  /** e.g. `{op: "gt", value: 1}` for connected lists. */
  levelCount?: { op: "eq" | "not" | "gt" | "gte" | "lt" | "lte"; value: number } | null;
}

/** Where items hang: a list's first level, or an item's children in that list. */
export interface ItemParent {
  listId: string;
  /** null / absent: the first level (I8). */
  itemId?: string | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface ItemEdge {
  readonly cursor: string;
  readonly node: ListItem;
}

export interface ItemConnection {
  edges: ItemEdge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export interface ListReaderOptions {
  client: ConcurClient;
  /** Largest `first` accepted (config `maxPageSize`). */
  maxPageSize: number;
  /** Default `first`. Default 50. */
  defaultPageSize?: number;
  /** Pages read at once while walking a tree. Default 8. */
  walkConcurrency?: number;
}

export interface ListReader {
  /** Every list of the company matching `filter` (all pages of L1). */
  lists(caller: Caller, companyId: string, filter?: ListFilter): Promise<ListResponse[]>;
  getList(caller: Caller, companyId: string, listId: string): Promise<ListResponse>;
  getItem(caller: Caller, companyId: string, itemId: string): Promise<ListItem>;
  /** A Relay page over the 1-based upstream pages of I8 / I7, reading only the pages it needs. */
  items(caller: Caller, companyId: string, parent: ItemParent, filter: ItemFilter, args: PageArgs): Promise<ItemConnection>;
  /** The child of `parent` with this short code (I8/I7 filtered by `shortCode=eq:`), or null. */
  findChild(caller: Caller, companyId: string, parent: ItemParent, shortCode: string): Promise<ListItem | null>;
  /**
   * Every active item of the list at every level. There is no all-levels call (spec §3.2): I8, then I7 for each
   * item whose membership says `hasChildren`, `walkConcurrency` pages at a time. `onPage` sees each page's items.
   */
  walkTree(caller: Caller, companyId: string, listId: string, onPage?: (items: ListItem[]) => void): Promise<ListItem[]>;
}

/** Built once in the composition root; every call takes the caller explicitly. */
export function createListReader(options: ListReaderOptions): ListReader {
  const { client, maxPageSize } = options;
  const defaultPageSize = Math.min(options.defaultPageSize ?? 50, maxPageSize);
  const concurrency = Math.max(1, options.walkConcurrency ?? 8);

  async function get<T>(caller: Caller, companyId: string, path: string, what: string, scope: string): Promise<T> {
    const res = await client.request<T>({ method: "GET", path, caller, companyId, throwOnError: false, scopeHint: scope });
    if (res.status < 200 || res.status >= 300) throw listErrorFromResponse(res, { method: "GET", what, scope });
    if (res.body === undefined || res.body === null || typeof res.body !== "object") {
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with an empty body where JSON was expected", { correlationId: res.correlationId || undefined, upstreamStatus: res.status });
    }
    return res.body;
  }

  async function page<T>(caller: Caller, companyId: string, path: string, query: Record<string, string | undefined>, number: number, what: string, scope: string): Promise<Paged<T>> {
    const body = await get<Paged<T>>(caller, companyId, withQuery(path, { ...query, page: number }), what, scope);
    if (!Array.isArray(body.content) || !body.page || typeof body.page.totalPages !== "number") {
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with a page that has no content array or page info");
    }
    return body;
  }

  /** All pages of a paged resource, following `page.number < page.totalPages` (spec Q6). */
  async function allPages<T>(caller: Caller, companyId: string, path: string, query: Record<string, string | undefined>, what: string, scope: string, onPage?: (items: T[]) => void): Promise<T[]> {
    const out: T[] = [];
    for (let n = 1; ; n++) {
      const p = await page<T>(caller, companyId, path, query, n, what, scope);
      onPage?.(p.content);
      out.push(...p.content);
      if (p.content.length === 0 || n >= p.page.totalPages) return out;
    }
  }

  const itemQuery = (filter: ItemFilter): Record<string, string | undefined> => ({
    value: match(filter.value),
    shortCode: match(filter.shortCode),
    shortCodeOrValue: match(filter.shortCodeOrValue),
    hasChildren: filter.hasChildren == null ? undefined : String(filter.hasChildren),
    isDeleted: filter.isDeleted ? "true" : undefined,
    sortBy: filter.sortBy,
    sortDirection: filter.sortDirection,
  });

  const reader: ListReader = {
    lists(caller, companyId, filter = {}) {
      const query = {
        value: match(filter.value),
        isDeleted: filter.isDeleted == null ? undefined : String(filter.isDeleted),
        "category.type": match(filter.categoryType),
        levelCount: filter.levelCount ? `${filter.levelCount.op}:${filter.levelCount.value}` : undefined,
      };
      return allPages<ListResponse>(caller, companyId, listPaths.lists(), query, "lists", LIST_SCOPES.listRead);
    },

    getList(caller, companyId, listId) {
      return get<ListResponse>(caller, companyId, listPaths.list(listId), `list ${listId}`, LIST_SCOPES.listRead);
    },

    getItem(caller, companyId, itemId) {
      return get<ListItem>(caller, companyId, listPaths.item(itemId), `list item ${itemId}`, LIST_SCOPES.itemRead);
    },

    async items(caller, companyId, parent, filter, args) {
      const first = pageSize(args.first, defaultPageSize, maxPageSize);
      const query = itemQuery(filter);
      const scope = `concurListItems|${companyId}|${parent.listId}|${parent.itemId ?? ""}|${JSON.stringify(query)}`;
      let number = 1;
      let offset = 0;
      if (args.after) {
        const position = decodeCursor(args.after, scope);
        number = Number(position.href);
        if (!Number.isSafeInteger(number) || number < 1) throw badInput("after: malformed cursor", { field: "after" });
        offset = position.offset;
      }
      const path = listPaths.children(parent.listId, parent.itemId);
      const what = parent.itemId ? `children of item ${parent.itemId} in list ${parent.listId}` : `list ${parent.listId}`;
      const edges: ItemEdge[] = [];
      let last: Paged<ListItem>;
      for (;;) {
        last = await page<ListItem>(caller, companyId, path, query, number, what, LIST_SCOPES.itemRead);
        const encode = cursorEncoder(scope, String(number));
        const encodeNext = cursorEncoder(scope, String(number + 1));
        const morePages = number < last.page.totalPages;
        const end = Math.min(last.content.length, offset + (first - edges.length));
        for (let i = offset; i < end; i++) {
          const cursor = i + 1 >= last.content.length && morePages ? encodeNext(0) : encode(i + 1);
          edges.push({ cursor, node: last.content[i] });
        }
        offset = end;
        if (edges.length >= first || !morePages || last.content.length === 0) break;
        number += 1;
        offset = 0;
      }
      const hasNextPage = offset < last.content.length || (number < last.page.totalPages && last.content.length > 0);
      return {
        edges,
        totalCount: last.page.totalElements,
        pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },

    async findChild(caller, companyId, parent, shortCode) {
      const found = await page<ListItem>(caller, companyId, listPaths.children(parent.listId, parent.itemId), { shortCode: `eq:${shortCode}` }, 1, `list ${parent.listId}`, LIST_SCOPES.itemRead);
      return found.content.find((item) => item.shortCode === shortCode) ?? null;
    },

    async walkTree(caller, companyId, listId, onPage) {
      const out: ListItem[] = [];
      const seen = new Set<string>();
      const take = (items: ListItem[]) => {
        const fresh = items.filter((item) => !seen.has(item.id) && (seen.add(item.id), true));
        out.push(...fresh);
        onPage?.(fresh);
        return fresh;
      };
      const hasChildren = (item: ListItem) => item.lists?.find((m) => m.id === listId)?.hasChildren ?? false;
      let frontier = take(await allPages<ListItem>(caller, companyId, listPaths.children(listId), {}, `list ${listId}`, LIST_SCOPES.itemRead)).filter(hasChildren);
      while (frontier.length > 0) {
        const next: ListItem[] = [];
        // A small pool: `concurrency` parents read at once, each through all of its pages.
        let i = 0;
        const worker = async () => {
          while (i < frontier.length) {
            const parent = frontier[i++];
            const children = await allPages<ListItem>(caller, companyId, listPaths.children(listId, parent.id), {}, `children of ${parent.code}`, LIST_SCOPES.itemRead);
            next.push(...take(children).filter(hasChildren));
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, frontier.length) }, worker));
        frontier = next;
      }
      return out;
    },
  };
  return reader;
}

function match(m: TextMatch | null | undefined): string | undefined {
  return m ? `${m.op}:${m.value}` : undefined;
}

function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  if (first === undefined || first === null) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be between 1 and ${max}, got ${first}`, { field: "first", limit: max });
  return first;
}
