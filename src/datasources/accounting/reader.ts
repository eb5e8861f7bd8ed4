import { badInput, CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { cursorEncoder, decodeCursor, type CursorPosition } from "../client/cursor.js";
import { canonicalHref, nextHref, resolveHref } from "../client/links.js";
import { scopes, type PageCache } from "../client/page-cache.js";
import { followNextLinks, type CachedPage } from "../client/paging.js";
import type { ConcurClient } from "../client/pipeline.js";
import { accountingPaths as paths, type ErpDataType } from "./paths.js";
import type { Account, ErpPackage, ListName, MappingsResponse, ProcessingError, RequestStatus, TaxData, Vendor } from "./wire/index.js";

/** Record type of each ERP data list. */
export interface ErpRecordByType {
  accounts: Account;
  vendors: Vendor;
  lists: ListName;
  taxData: TaxData;
}
export type { ErpDataType } from "./paths.js";

export interface ErpListRef<K extends ErpDataType = ErpDataType> {
  companyId: string;
  erpId: string;
  type: K;
}

export interface RequestRef {
  companyId: string;
  erpId: string;
  requestId: string;
}

/** A list resource of one company: its path (the first page) and the company whose base URL it lives on. */
interface ListRef {
  companyId: string;
  path: string;
}

/** Relay arguments; `first` defaults to 50 and must be 1..maxPageSize. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

export type { CachedPage } from "../client/paging.js";

export interface ConcurReaderOptions {
  client: ConcurClient;
  cache: PageCache;
  /** Largest `first` accepted (config `maxPageSize`). */
  maxPageSize: number;
  /** Default `first`. Default 50. */
  defaultPageSize?: number;
}

export interface ConcurReader {
  listErps(caller: Caller, companyId: string): Promise<ErpPackage[]>;
  getErp(caller: Caller, companyId: string, erpId: string): Promise<ErpPackage>;
  getMappings(caller: Caller, companyId: string, erpId: string): Promise<MappingsResponse>;
  /** Cached only once the request reached a final state (not while PROCESSING). */
  getRequest(caller: Caller, companyId: string, erpId: string, requestId: string): Promise<RequestStatus>;
  connection<K extends ErpDataType>(caller: Caller, list: ErpListRef<K>, args: ConnectionArgs): Promise<Connection<ErpRecordByType[K]>>;
  requestErrors(caller: Caller, request: RequestRef, args: ConnectionArgs): Promise<Connection<ProcessingError>>;
  /** Records by id (tax data: by countryCode) in `ids` order, null where missing; walks (cached) pages only as far as needed. */
  findRecords<K extends ErpDataType>(caller: Caller, list: ErpListRef<K>, ids: readonly string[]): Promise<Array<ErpRecordByType[K] | null>>;
}

/** Builds the long-lived reader (once, in the composition root); every call takes the caller explicitly. */
export function createConcurReader(options: ConcurReaderOptions): ConcurReader {
  const { client, cache, maxPageSize } = options;
  const defaultPageSize = Math.min(options.defaultPageSize ?? 50, maxPageSize);
  const indexes = new WeakMap<CachedPage<unknown>, Map<string, unknown>>();
  // A cached page always sits at one href of one scope, so its cursor encoders can be reused across queries.
  const cursorsByPage = new WeakMap<CachedPage<unknown>, PageCursors>();
  const cursorsFor = (scope: string, listPath: string, href: string | null, page: CachedPage<unknown>): PageCursors => {
    let cursors = cursorsByPage.get(page);
    if (!cursors) {
      cursors = new PageCursors(scope, listPath, href, page);
      cursorsByPage.set(page, cursors);
    }
    return cursors;
  };

  async function getJson<T>(caller: Caller, companyId: string, path: string): Promise<{ value: T; bytes: number }> {
    const res = await client.request<T>({ method: "GET", path, caller, companyId });
    if (res.body === undefined || res.body === null || typeof res.body !== "object") {
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with an empty body where JSON was expected", {
        correlationId: res.correlationId || undefined,
        upstreamStatus: res.status,
      });
    }
    return { value: res.body, bytes: res.bytes };
  }

  function loadPage<T>(caller: Caller, companyId: string, scope: string, href: string, shouldStore?: () => boolean): Promise<CachedPage<T>> {
    return cache.read<CachedPage<T>>(
      caller,
      scope,
      href,
      async () => {
        const { value, bytes } = await getJson<{ data?: unknown }>(caller, companyId, href);
        if (!Array.isArray(value.data)) {
          throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with a page that has no data array");
        }
        // One spelling per page (refusing foreign links before anyone follows or hands them out): the next page is
        // cached under the same key whether it is reached by walking or from a cursor, and cursors stay short.
        const raw = nextHref(value);
        const next = raw === undefined ? null : canonicalHref(client.baseUrlFor(companyId), raw);
        return { value: { items: value.data as T[], next }, bytes };
      },
      shouldStore ? { shouldStore } : undefined,
    );
  }

  function pageSize(first: number | null | undefined): number {
    if (first === undefined || first === null) return defaultPageSize;
    if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
      throw badInput(`first must be between 1 and ${maxPageSize}, got ${first}`, { field: "first", limit: maxPageSize });
    }
    return first;
  }

  function startPosition(after: string | null | undefined, scope: string, list: ListRef): CursorPosition {
    if (after === undefined || after === null) return { scope, href: null, offset: 0 };
    const position = decodeCursor(after, scope, list.path);
    if (position.href !== null && !hrefBelongsTo(position.href, list)) throw badInput("after: malformed cursor", { field: "after" });
    return position;
  }

  /** A cursor's href must stay on the Concur host and on this list's resource (a crafted cursor cannot switch lists). */
  function hrefBelongsTo(href: string, { path: listPath, companyId }: ListRef): boolean {
    const baseUrl = client.baseUrlFor(companyId);
    let pathname: string;
    try {
      pathname = new URL(resolveHref(baseUrl, href)).pathname;
    } catch {
      return false;
    }
    const expected = new URL(resolveHref(baseUrl, listPath)).pathname;
    if (pathname === expected) return true;
    const company = listPath.split("/")[4];
    const last = listPath.slice(listPath.lastIndexOf("/"));
    return pathname.includes(`/companies/${company}/`) && pathname.endsWith(last);
  }

  async function walk<T>(caller: Caller, scope: string, list: ListRef, args: ConnectionArgs, shouldStore?: () => boolean): Promise<Connection<T>> {
    const first = pageSize(args.first);
    const start = startPosition(args.after, scope, list);
    const edges: Edge<T>[] = [];
    let offset = start.offset;
    let last!: CachedPage<T>;
    const load = (href: string) => loadPage<T>(caller, list.companyId, scope, href, shouldStore);
    for await (const { href, page } of followNextLinks(start.href ?? list.path, load)) {
      // The first page of a list is addressed as null in cursors (the list path itself).
      const cursorHref = last === undefined ? start.href : href;
      if (last !== undefined) offset = 0;
      last = page;
      const items = page.items;
      const end = Math.min(items.length, offset + (first - edges.length));
      if (end > offset) {
        const cursors = cursorsFor(scope, list.path, cursorHref, page);
        for (let i = offset; i < end; i++) edges.push(new PageEdge(items[i], cursors, i));
        offset = end;
      }
      // This page is exhausted and more are wanted: the loop follows `next` (each page is read once per walk).
      if (edges.length >= first) break;
    }
    let hasNextPage = offset < last.items.length;
    if (!hasNextPage && last.next !== null) {
      // A next link means more data, unless that page is already known (cached) to be an empty last page.
      const peeked = cache.peek<CachedPage<T>>(caller, scope, last.next);
      hasNextPage = !(peeked && peeked.items.length === 0 && peeked.next === null);
    }
    return { edges, pageInfo: new ConnectionPageInfo(edges, hasNextPage) };
  }

  async function readPages<T>(caller: Caller, companyId: string, scope: string, listPath: string): Promise<T[]> {
    const out: T[] = [];
    for await (const { page } of followNextLinks(listPath, (href) => loadPage<T>(caller, companyId, scope, href))) {
      for (const item of page.items) out.push(item);
    }
    return out;
  }

  function indexOf(page: CachedPage<unknown>, keyOf: (record: unknown) => unknown): Map<string, unknown> {
    let index = indexes.get(page);
    if (!index) {
      index = new Map();
      for (const record of page.items) {
        const key = keyOf(record);
        if (typeof key === "string" && !index.has(key)) index.set(key, record);
      }
      indexes.set(page, index);
    }
    return index;
  }

  const reader: ConcurReader = {
    listErps(caller, companyId) {
      return readPages<ErpPackage>(caller, companyId, scopes.erps(companyId), paths.erps(companyId));
    },

    async getErp(caller, companyId, erpId) {
      const path = paths.erp(companyId, erpId);
      return cache.read(caller, scopes.erp(companyId, erpId), path, () => getJson<ErpPackage>(caller, companyId, path));
    },

    async getMappings(caller, companyId, erpId) {
      const path = paths.mappings(companyId, erpId);
      return cache.read(caller, scopes.mappings(companyId, erpId), path, () => getJson<MappingsResponse>(caller, companyId, path));
    },

    async getRequest(caller, companyId, erpId, requestId) {
      const path = paths.request(companyId, erpId, requestId);
      return cache.read(caller, scopes.request(companyId, erpId, requestId), path, () => getJson<RequestStatus>(caller, companyId, path), {
        shouldStore: (status) => isFinal(status),
      });
    },

    connection<K extends ErpDataType>(caller: Caller, list: ErpListRef<K>, args: ConnectionArgs) {
      const ref = { companyId: list.companyId, path: paths.list(list.companyId, list.erpId, list.type) };
      return walk<ErpRecordByType[K]>(caller, scopes.list(list.type, list.companyId, list.erpId), ref, args);
    },

    async requestErrors(caller, request, args) {
      const { companyId, erpId, requestId } = request;
      const ref = { companyId, path: paths.requestErrors(companyId, erpId, requestId) };
      // Errors only stop changing once the request is final; until then their pages are served but not cached.
      const status = await reader.getRequest(caller, companyId, erpId, requestId);
      const final = isFinal(status);
      return walk<ProcessingError>(caller, scopes.errors(companyId, erpId, requestId), ref, args, () => final);
    },

    async findRecords<K extends ErpDataType>(caller: Caller, list: ErpListRef<K>, ids: readonly string[]) {
      type R = ErpRecordByType[K];
      const keyOf = list.type === "taxData" ? (r: unknown) => (r as TaxData)?.countryCode : (r: unknown) => (r as { id?: unknown })?.id;
      const scope = scopes.list(list.type, list.companyId, list.erpId);
      const found = new Map<string, R>();
      const wanted = new Set(ids);
      const load = (href: string) => loadPage<R>(caller, list.companyId, scope, href);
      // Reads pages only until every id is found; a looping next link ends the search (the rest are null).
      for await (const { page } of followNextLinks(paths.list(list.companyId, list.erpId, list.type), load, { onLoop: "stop" })) {
        const index = indexOf(page, keyOf);
        for (const id of wanted) {
          const record = index.get(id);
          if (record !== undefined) {
            found.set(id, record as R);
            wanted.delete(id);
          }
        }
        if (wanted.size === 0) break;
      }
      return ids.map((id) => found.get(id) ?? null);
    },
  };
  return reader;
}

function isFinal(status: RequestStatus): boolean {
  return typeof status?.status === "string" && status.status !== "PROCESSING";
}

/** Cursor encoders of one page: `offset` within the page, or the next page at 0 after its last item. */
class PageCursors {
  private here?: (offset: number) => string;
  private next?: (offset: number) => string;
  constructor(
    private readonly scope: string,
    private readonly listPath: string,
    private readonly href: string | null,
    private readonly page: CachedPage<unknown>,
  ) {}

  /** Mirrors {@link positionAfter}, with the JSON/base64 prefix of each of the two targets encoded once. */
  after(index: number): string {
    if (index + 1 >= this.page.items.length && this.page.next !== null) {
      this.next ??= cursorEncoder(this.scope, this.page.next, this.listPath);
      return this.next(0);
    }
    this.here ??= cursorEncoder(this.scope, this.href, this.listPath);
    return this.here(index + 1);
  }
}

/** An edge whose cursor is encoded only if the query selects it. */
class PageEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursors: PageCursors,
    private readonly index: number,
  ) {}

  get cursor(): string {
    return this.cursors.after(this.index);
  }
}

/**
 * Where the list continues after item `index` of `page`: the same page at index+1, or, when that was the
 * page's last item and there is a next link, the next page at offset 0 (so continuing never re-reads this page).
 */
export function positionAfter(scope: string, href: string | null, page: CachedPage<unknown>, index: number): CursorPosition {
  if (index + 1 >= page.items.length && page.next !== null) return { scope, href: page.next, offset: 0 };
  return { scope, href, offset: index + 1 };
}

class ConnectionPageInfo<T> implements PageInfo {
  readonly hasPreviousPage = false;
  constructor(
    private readonly edges: Edge<T>[],
    readonly hasNextPage: boolean,
  ) {}
  get startCursor(): string | null {
    return this.edges.length > 0 ? this.edges[0].cursor : null;
  }
  get endCursor(): string | null {
    return this.edges.length > 0 ? this.edges[this.edges.length - 1].cursor : null;
  }
}
