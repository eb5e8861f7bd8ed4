import { badInput, CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { cursorEncoder, decodeCursor } from "../client/cursor.js";
import type { ConcurClient } from "../client/pipeline.js";
import { listErrorFromResponse } from "./errors.js";
import { isDeletedItem } from "./mappers.js";
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
  /**
   * true: only deleted items; false: only active ones. Unset: only active ones, or with `includeDeleted` both. Asked of
   * Concur (`isDeleted=`) AND checked on every item answered, since Concur's default is undocumented and a Concur that
   * ignored the filter must not show a deleted item as active.
   */
  isDeleted?: boolean | null;
  /** Active and deleted items (when `isDeleted` is unset): the active ones first, then the deleted ones. */
  includeDeleted?: boolean | null;
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
   * Every active item of the list at every level (deleted items are asked away and dropped if answered anyway). There
   * is no all-levels call (spec §3.2): I8, then I7 for each item whose membership says `hasChildren`,
   * `walkConcurrency` pages at a time. `onPage` sees each page's active items.
   */
  walkTree(caller: Caller, companyId: string, listId: string, onPage?: (items: ListItem[]) => void): Promise<ListItem[]>;
  /** The deleted items directly under `parent` (a list's first level, or an item, deleted or not): all pages of `isDeleted=true`. */
  deletedChildren(caller: Caller, companyId: string, parent: ItemParent, onPage?: (items: ListItem[]) => void): Promise<ListItem[]>;
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

  /** All pages of a paged resource, following `page.number < page.totalPages` (spec Q6); only items `keep` accepts. */
  async function allPages<T>(caller: Caller, companyId: string, path: string, query: Record<string, string | undefined>, what: string, scope: string, onPage?: (items: T[]) => void, keep: (item: T) => boolean = () => true): Promise<T[]> {
    const out: T[] = [];
    for (let n = 1; ; n++) {
      const p = await page<T>(caller, companyId, path, query, n, what, scope);
      const kept = p.content.filter(keep);
      onPage?.(kept);
      out.push(...kept);
      if (p.content.length === 0 || n >= p.page.totalPages) return out;
    }
  }

  /** The filters of I6-I8 but `isDeleted` (each read asks for one state: `stateQuery`). */
  const itemQuery = (filter: ItemFilter): Record<string, string | undefined> => ({
    value: match(filter.value),
    shortCode: match(filter.shortCode),
    shortCodeOrValue: match(filter.shortCodeOrValue),
    hasChildren: filter.hasChildren == null ? undefined : String(filter.hasChildren),
    sortBy: filter.sortBy,
    sortDirection: filter.sortDirection,
  });
  // Every item read asks Concur for one state explicitly (its default is undocumented) and checks the answer.
  const stateQuery = (deleted: boolean) => ({ isDeleted: String(deleted) });
  const inState = (deleted: boolean) => (item: ListItem) => isDeletedItem(item) === deleted;

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
      // The states read, in order: one, or active then deleted for includeDeleted (no single filter means "both").
      const states: boolean[] = filter.isDeleted != null ? [filter.isDeleted] : filter.includeDeleted ? [false, true] : [false];
      const scope = `concurListItems|${companyId}|${parent.listId}|${parent.itemId ?? ""}|${JSON.stringify(query)}|${states.join(",")}`;
      // Position: state index, 1-based upstream page, offset in it (cursor href `<state>:<page>`).
      let state = 0;
      let number = 1;
      let offset = 0;
      if (args.after) {
        const position = decodeCursor(args.after, scope);
        const m = /^(\d+):(\d+)$/.exec(position.href ?? "");
        state = m ? Number(m[1]) : -1;
        number = m ? Number(m[2]) : 0;
        if (state < 0 || state >= states.length || !Number.isSafeInteger(number) || number < 1) throw badInput("after: malformed cursor", { field: "after" });
        offset = position.offset;
      }
      const path = listPaths.children(parent.listId, parent.itemId);
      const what = parent.itemId ? `children of item ${parent.itemId} in list ${parent.listId}` : `list ${parent.listId}`;
      const read = (s: number, n: number) => page<ListItem>(caller, companyId, path, { ...query, ...stateQuery(states[s]) }, n, what, LIST_SCOPES.itemRead);
      // Per state: Concur's totalElements, less the items of the other state it answered anyway (seen on pages read).
      const totals = new Map<number, { total: number; foreign: number }>();
      const edges: ItemEdge[] = [];
      let last: Paged<ListItem>;
      for (;;) {
        last = await read(state, number);
        const keep = inState(states[state]);
        const seen = totals.get(state) ?? { total: 0, foreign: 0 };
        totals.set(state, { total: last.page.totalElements, foreign: seen.foreign + last.content.filter((item) => !keep(item)).length });
        const morePages = number < last.page.totalPages && last.content.length > 0;
        const next = morePages ? `${state}:${number + 1}` : state + 1 < states.length ? `${state + 1}:1` : null;
        const encode = cursorEncoder(scope, `${state}:${number}`);
        const encodeNext = next ? cursorEncoder(scope, next) : undefined;
        for (; offset < last.content.length && edges.length < first; offset++) {
          const node = last.content[offset];
          if (!keep(node)) continue;
          const cursor = offset + 1 >= last.content.length && encodeNext ? encodeNext(0) : encode(offset + 1);
          edges.push({ cursor, node });
        }
        if (edges.length >= first || next === null) break;
        [state, number, offset] = morePages ? [state, number + 1, 0] : [state + 1, 1, 0];
      }
      const keepLast = inState(states[state]);
      const restOfPage = last.content.slice(offset).some(keepLast);
      const morePagesInState = number < last.page.totalPages && last.content.length > 0;
      // States not read in this call still count: their first page gives their total.
      for (let s = 0; s < states.length; s++) {
        if (!totals.has(s)) {
          const p = await read(s, 1);
          totals.set(s, { total: p.page.totalElements, foreign: p.page.totalPages <= 1 ? p.content.filter((item) => !inState(states[s])(item)).length : 0 });
        }
      }
      const count = (s: number) => Math.max(0, totals.get(s)!.total - totals.get(s)!.foreign);
      const laterStates = states.slice(state + 1).some((_, k) => count(state + 1 + k) > 0);
      const hasNextPage = restOfPage || morePagesInState || laterStates;
      return {
        edges,
        totalCount: states.reduce((sum, _, s) => sum + count(s), 0),
        pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },

    async findChild(caller, companyId, parent, shortCode) {
      const found = await page<ListItem>(caller, companyId, listPaths.children(parent.listId, parent.itemId), { shortCode: `eq:${shortCode}`, ...stateQuery(false) }, 1, `list ${parent.listId}`, LIST_SCOPES.itemRead);
      return found.content.find((item) => item.shortCode === shortCode && !isDeletedItem(item)) ?? null;
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
      const active = inState(false);
      let frontier = take(await allPages<ListItem>(caller, companyId, listPaths.children(listId), stateQuery(false), `list ${listId}`, LIST_SCOPES.itemRead, undefined, active)).filter(hasChildren);
      while (frontier.length > 0) {
        const next: ListItem[] = [];
        // A small pool: `concurrency` parents read at once, each through all of its pages.
        let i = 0;
        const worker = async () => {
          while (i < frontier.length) {
            const parent = frontier[i++];
            const children = await allPages<ListItem>(caller, companyId, listPaths.children(listId, parent.id), stateQuery(false), `children of ${parent.code}`, LIST_SCOPES.itemRead, undefined, active);
            next.push(...take(children).filter(hasChildren));
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, frontier.length) }, worker));
        frontier = next;
      }
      return out;
    },

    deletedChildren(caller, companyId, parent, onPage) {
      const what = parent.itemId ? `deleted children of item ${parent.itemId} in list ${parent.listId}` : `deleted items of list ${parent.listId}`;
      return allPages<ListItem>(caller, companyId, listPaths.children(parent.listId, parent.itemId), stateQuery(true), what, LIST_SCOPES.itemRead, onPage, inState(true));
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
