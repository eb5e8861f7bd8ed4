import type Keyv from "keyv";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../logger.js";
import type { Caller } from "./caller.js";
import type { TokenTrust } from "./token-trust.js";

/** What a write (or a webhook) can invalidate for one ERP. `erp` also drops the company's ERP list. */
export type CacheType = "accounts" | "vendors" | "lists" | "taxData" | "mappings" | "erp";

/** Scope strings: the first segment of cache keys and the `k` of cursors. */
export const scopes = {
  list: (type: "accounts" | "vendors" | "lists" | "taxData", companyId: string, erpId: string) => `${type}|${companyId}|${erpId}`,
  errors: (companyId: string, erpId: string, requestId: string) => `errors|${companyId}|${erpId}|${requestId}`,
  request: (companyId: string, erpId: string, requestId: string) => `request|${companyId}|${erpId}|${requestId}`,
  mappings: (companyId: string, erpId: string) => `mappings|${companyId}|${erpId}`,
  erp: (companyId: string, erpId: string) => `erp|${companyId}|${erpId}`,
  erps: (companyId: string) => `erps|${companyId}`,
};

/** Options of {@link createPageCache}. */
export interface PageCacheOptions {
  /** Shared tier (in-memory Keyv by default, @keyv/redis when `REDIS_URL` is set); built once and injected. */
  store: Keyv;
  /** TTL of cached pages, seconds (config `cacheTtlSeconds`). 0 = never store (in-flight de-duplication still applies). */
  ttlSeconds: number;
  /** Budget of the in-process tier in approximate bytes (raw JSON length of the pages). Default 64 MiB. */
  maxLocalBytes?: number;
  /** How long a scope's generation read from the shared store is trusted locally, ms. Default 1000. */
  generationTtlMs?: number;
  logger?: Logger;
  /** Called once per read: `local` / `shared` hit, `joined` an identical read in flight, `miss` loaded from Concur (metrics). */
  onLookup?: (result: "local" | "shared" | "joined" | "miss") => void;
  /**
   * Passthrough mode: serve cached answers to a token only while Concur accepted it recently (see token-trust.ts);
   * an untrusted token's read goes to Concur. Default none (every cached answer is served).
   */
  tokenTrust?: TokenTrust;
  /**
   * Whether pages go to the shared tier too (default true). Without Redis the shared store is an in-process Keyv: a
   * second copy of every page, JSON-serialized on every store (~10 ms for a 5,000-record page) and never evicted
   * but by reading it after its TTL. The composition root passes false then; the in-process LRU is the cache.
   */
  sharedPages?: boolean;
  /**
   * Scopes whose generation is remembered at most (LRU; a scope is one company's list, request or ERP). A scope
   * past it reads its generation from the shared store again. Default 10,000: a flood of made-up company ids cannot
   * grow memory past it.
   */
  maxScopes?: number;
  /**
   * Longest a read waits for the shared tier (Redis), ms; past it the read goes on as a miss. So a Redis outage
   * (hung, restarting) makes reads uncached, never stuck. Default 250.
   */
  sharedTimeoutMs?: number;
}

/** A value the loader produced, with the raw body length used to size it. */
export interface Loaded<T> {
  value: T;
  bytes: number;
}

export interface ReadOptions<T> {
  /** Return false to serve the value without caching it (e.g. a request still PROCESSING). Default: always store. */
  shouldStore?: (value: T) => boolean;
}

export interface PageCache {
  /**
   * The cached value of `href` in `scope` for this caller, else `load()` once (concurrent identical reads share
   * one call) and cache it in both tiers. Errors are never cached.
   */
  read<T>(caller: Caller, scope: string, href: string, load: () => Promise<Loaded<T>>, options?: ReadOptions<T>): Promise<T>;
  /** The in-process value if it is there right now (no I/O, no upstream call); used to refine `hasNextPage`. */
  peek<T>(caller: Caller, scope: string, href: string): T | undefined;
  /**
   * What a `read` by this caller would be served from the in-process tier right now without any I/O, or undefined
   * (not cached here, scope generation not known locally, token not trusted). Checks a reused answer's reads.
   */
  current(callerKey: string, scope: string, href: string): unknown;
  /** Drops one ERP object type's cached pages for every caller and replica (bumps the scope generation). */
  invalidate(companyId: string, erpId: string, type: CacheType): Promise<void>;
  /** Drops everything cached for one ERP (after DELETE erp). */
  invalidateErp(companyId: string, erpId: string): Promise<void>;
  /** What this process holds per caller and scope right now, each bounded (tests, metrics; see docs/benchmarks.md). */
  sizes(): PageCacheSizes;
}

/** Sizes of a page cache's in-process structures. */
export interface PageCacheSizes {
  /** Pages held (every caller), and their weight against `maxLocalBytes`. */
  pages: number;
  pageBytes: number;
  /** Scopes whose generation is remembered (bounded by `maxScopes`). */
  scopes: number;
  /** Reads and generation reads in flight (each ends with its call). */
  inFlight: number;
}

/**
 * Weight of one cached page beyond its raw JSON bytes (key, entry, LRU bookkeeping), so that many tiny pages (an empty
 * list page is ~20 bytes of JSON) cannot hold millions of entries within the byte budget.
 */
export const PAGE_ENTRY_OVERHEAD_BYTES = 512;
/** Default of `maxScopes`. */
export const DEFAULT_MAX_SCOPES = 10_000;

interface LocalEntry {
  value: unknown;
  bytes: number;
}

interface SharedEntry {
  v: unknown;
  b: number;
}

const INITIAL_GENERATION = "0";

/** Two-tier cache: per-process LRU of parsed pages in front of a shared Keyv; keys carry caller identity and scope generation. */
export function createPageCache(options: PageCacheOptions): PageCache {
  const { store, logger, onLookup, tokenTrust } = options;
  const sharedTimeoutMs = options.sharedTimeoutMs ?? 250;
  /** A shared-tier call that gives up after `sharedTimeoutMs` (its late answer is ignored). */
  const bounded = <T>(call: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`shared cache ${what} took longer than ${sharedTimeoutMs} ms`)), sharedTimeoutMs);
    });
    call.catch(() => undefined); // a late failure after the timeout must not go unhandled
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const generationTtlMs = options.generationTtlMs ?? 1000;
  const sharedPages = options.sharedPages ?? true;
  const local = new LRUCache<string, LocalEntry>({
    maxSize: options.maxLocalBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (entry, key) => entry.bytes + key.length + PAGE_ENTRY_OVERHEAD_BYTES,
    ttl: ttlMs > 0 ? ttlMs : undefined,
  });
  const inFlight = new Map<string, Promise<unknown>>();
  const maxScopes = Math.max(1, options.maxScopes ?? DEFAULT_MAX_SCOPES);
  const generations = new LRUCache<string, { value: string; expiresAt: number }>({ max: maxScopes });
  const generationReads = new Map<string, Promise<string>>();
  /** Bumps made here per scope (a generation read that was out during one must not undo it). */
  const localBumps = new LRUCache<string, number>({ max: maxScopes });

  const keyFor = (callerKey: string, scope: string, generation: string, href: string) => `page:${callerKey}:${scope}:${generation}:${href}`;

  function localGeneration(scope: string): string | undefined {
    const known = generations.get(scope);
    if (!known) return undefined;
    const left = known.expiresAt - Date.now();
    if (left <= 0) return undefined;
    // Re-read shortly before it expires, in the background: steady traffic never waits for the shared store, and
    // answers reused while their pages are unchanged (src/http/result-sharing.ts) are not dropped every second.
    if (left < generationTtlMs / 4 && !generationReads.has(scope)) void generation(scope, true);
    return known.value;
  }

  async function generation(scope: string, refresh = false): Promise<string> {
    const known = refresh ? undefined : localGeneration(scope);
    if (known !== undefined) return known;
    let pending = generationReads.get(scope);
    if (!pending) {
      const bumpsBefore = localBumps.get(scope) ?? 0;
      pending = (async () => {
        let value = INITIAL_GENERATION;
        try {
          const stored = await bounded(store.get<string>(`gen:${scope}`), "generation read");
          if (typeof stored === "string") value = stored;
        } catch (error) {
          // A broken shared store must not break reads; the local tier keeps working.
          logger?.warn({ err: error, scope }, "cache generation read failed");
          const stale = generations.get(scope);
          if (stale) value = stale.value;
        }
        // A bump here while the read was out is newer than what the read saw: keep it.
        if ((localBumps.get(scope) ?? 0) !== bumpsBefore) return generations.get(scope)?.value ?? value;
        generations.set(scope, { value, expiresAt: Date.now() + generationTtlMs });
        return value;
      })().finally(() => generationReads.delete(scope));
      generationReads.set(scope, pending);
    }
    return pending;
  }

  async function bump(scope: string): Promise<void> {
    // A fresh unique value instead of read-modify-write: concurrent bumps on replicas cannot collide.
    const value = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
    localBumps.set(scope, (localBumps.get(scope) ?? 0) + 1);
    generations.set(scope, { value, expiresAt: Date.now() + generationTtlMs });
    try {
      await bounded(store.set(`gen:${scope}`, value), "generation write");
    } catch (error) {
      logger?.warn({ err: error, scope }, "cache generation write failed; other replicas keep their pages until TTL");
    }
  }

  /** Loads from Concur, telling the token trust what Concur thought of the caller's token. */
  async function loadChecked<T>(callerKey: string, load: () => Promise<Loaded<T>>): Promise<Loaded<T>> {
    if (!tokenTrust) return load();
    try {
      const loaded = await load();
      tokenTrust.accepted(callerKey);
      return loaded;
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } })?.extensions?.code;
      if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") tokenTrust.refused(callerKey);
      throw error;
    }
  }

  async function loadThrough<T>(key: string, callerKey: string, load: () => Promise<Loaded<T>>, options: ReadOptions<T> | undefined, useShared: boolean): Promise<T> {
    if (ttlMs > 0 && useShared && sharedPages) {
      try {
        const shared = await bounded(store.get<SharedEntry>(key), "read");
        if (shared && typeof shared === "object" && "v" in shared) {
          onLookup?.("shared");
          local.set(key, { value: shared.v, bytes: shared.b });
          return shared.v as T;
        }
      } catch (error) {
        logger?.warn({ err: error }, "shared cache read failed; loading from Concur");
      }
    }
    onLookup?.("miss");
    const loaded = await loadChecked(callerKey, load);
    if (ttlMs > 0 && (options?.shouldStore?.(loaded.value) ?? true)) {
      local.set(key, { value: loaded.value, bytes: loaded.bytes });
      // Not awaited: the caller should not wait for Redis; failures are logged.
      if (sharedPages) {
        store.set(key, { v: loaded.value, b: loaded.bytes } satisfies SharedEntry, ttlMs).catch((error: unknown) => {
          logger?.warn({ err: error }, "shared cache write failed");
        });
      }
    }
    return loaded.value;
  }

  return {
    async read<T>(caller: Caller, scope: string, href: string, load: () => Promise<Loaded<T>>, options?: ReadOptions<T>): Promise<T> {
      const key = keyFor(caller.key, scope, localGeneration(scope) ?? (await generation(scope)), href);
      // A token Concur has not accepted lately reads from Concur (which checks it), not from the cache.
      const trusted = tokenTrust === undefined || tokenTrust.trusted(caller.key);
      const hit = trusted ? local.get(key) : undefined;
      if (hit) {
        onLookup?.("local");
        caller.readLog?.read(caller.key, scope, href, hit.value);
        return hit.value as T;
      }
      let pending = inFlight.get(key) as Promise<T> | undefined;
      if (pending) onLookup?.("joined");
      else {
        pending = loadThrough(key, caller.key, load, options, trusted).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const { readLog } = caller;
      if (!readLog) return pending;
      const value = await pending;
      readLog.loaded = true;
      // Repeatable only if the cache kept this very value (not when TTL is 0, shouldStore said no, or untrusted).
      if (trusted && local.peek(key)?.value === value) readLog.read(caller.key, scope, href, value);
      else readLog.unrepeatable = true;
      return value;
    },

    peek<T>(caller: Caller, scope: string, href: string): T | undefined {
      const gen = localGeneration(scope);
      const value = gen === undefined ? undefined : (local.get(keyFor(caller.key, scope, gen, href))?.value as T | undefined);
      caller.readLog?.read(caller.key, scope, href, value);
      return value;
    },

    current(callerKey: string, scope: string, href: string): unknown {
      if (tokenTrust !== undefined && !tokenTrust.trusted(callerKey)) return undefined;
      const gen = localGeneration(scope);
      return gen === undefined ? undefined : local.peek(keyFor(callerKey, scope, gen, href))?.value;
    },

    async invalidate(companyId: string, erpId: string, type: CacheType): Promise<void> {
      if (type === "erp") {
        await Promise.all([bump(scopes.erp(companyId, erpId)), bump(scopes.erps(companyId))]);
      } else if (type === "mappings") {
        await bump(scopes.mappings(companyId, erpId));
      } else {
        await bump(scopes.list(type, companyId, erpId));
      }
    },

    sizes: () => ({ pages: local.size, pageBytes: local.calculatedSize, scopes: generations.size, inFlight: inFlight.size + generationReads.size }),

    async invalidateErp(companyId: string, erpId: string): Promise<void> {
      const types = ["accounts", "vendors", "lists", "taxData"] as const;
      await Promise.all([
        ...types.map((type) => bump(scopes.list(type, companyId, erpId))),
        bump(scopes.mappings(companyId, erpId)),
        bump(scopes.erp(companyId, erpId)),
        bump(scopes.erps(companyId)),
      ]);
    },
  };
}
