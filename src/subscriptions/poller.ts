import { ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { isFinalStatus, REQUEST_STATUS_VALUES, type RequestStatusValue } from "../datasources/index.js";
import type { RequestKey, RequestStatusTracker } from "./request-status.js";

/** What a status poll returns (the reader's GET …/requests/{id}, mapped). */
export interface PolledStatus {
  status: RequestStatusValue;
  errorsHref?: string;
}

/**
 * `C` is whatever a watcher authenticates the poll with: the caller's bearer token in tests, the gateway's `Caller`
 * (which in managed mode stands for the company's stored token) in the gateway.
 */
export interface StatusPollerOptions<C = string> {
  tracker: RequestStatusTracker;
  /** GET the request's status upstream on behalf of the watcher. */
  fetchStatus: (companyId: string, erpId: string, requestId: string, credential: C) => Promise<PolledStatus>;
  /** Start polling when no final status is known this long after the first watcher came (config `pollFallbackMs`). */
  fallbackAfterMs: number;
  /** First gap between polls, doubling each time. Default `fallbackAfterMs`. */
  initialIntervalMs?: number;
  /** Largest gap between polls. */
  maxIntervalMs: number;
  logger: Logger;
}

export interface StatusPoller<C = string> {
  /**
   * Keeps a request polled while watched; returns the unwatch function (idempotent).
   * All watchers of one request share one poll loop; the newest watcher's credential is used.
   */
  watch(key: RequestKey, credential: C): () => void;
  /** Requests currently watched. */
  readonly size: number;
  /** Stops every poll loop. */
  close(): void;
}

interface Entry<C> {
  key: RequestKey;
  /** Watcher -> its credential; insertion order gives the newest last. */
  watchers: Map<symbol, C>;
  timer?: NodeJS.Timeout;
  intervalMs: number;
  stopped: boolean;
}

// Errors that polling again cannot fix (token revoked, request gone).
const FATAL_CODES = new Set<string>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.BAD_USER_INPUT]);
const codeOf = (error: unknown): string | undefined => {
  const ext = (error as { extensions?: { code?: unknown } } | null)?.extensions;
  return typeof ext?.code === "string" ? ext.code : undefined;
};

/** Polling fallback for requests whose `data.statusUpdated` event does not come (ESS not set up, or slow). */
export function createStatusPoller<C = string>(options: StatusPollerOptions<C>): StatusPoller<C> {
  const { tracker, fetchStatus, fallbackAfterMs, maxIntervalMs, logger } = options;
  const initialIntervalMs = Math.min(options.initialIntervalMs ?? fallbackAfterMs, maxIntervalMs);
  const entries = new Map<string, Entry<C>>();
  let closed = false;

  const idOf = ({ companyId, erpId, requestId }: RequestKey) => `${companyId}:${erpId}:${requestId}`;

  const stop = (entry: Entry<C>) => {
    entry.stopped = true;
    if (entry.timer) clearTimeout(entry.timer);
    const id = idOf(entry.key);
    if (entries.get(id) === entry) entries.delete(id);
  };

  const schedule = (entry: Entry<C>, delayMs: number) => {
    if (entry.stopped) return;
    entry.timer = setTimeout(() => void tick(entry), delayMs);
    entry.timer.unref();
  };

  const tick = async (entry: Entry<C>) => {
    if (entry.stopped) return;
    const { companyId, erpId, requestId } = entry.key;
    const log = logger.child({ companyId, erpId, requestId });
    try {
      // A webhook may have delivered the final status meanwhile: then there is nothing to poll.
      const known = await tracker.latest(companyId, erpId, requestId);
      if (known && isFinalStatus(known.status)) return stop(entry);
      const credential = [...entry.watchers.values()].at(-1);
      if (credential === undefined || entry.stopped) return stop(entry);
      const polled = await fetchStatus(companyId, erpId, requestId, credential);
      if (entry.stopped) return;
      if (!REQUEST_STATUS_VALUES.includes(polled.status)) throw new Error(`unexpected status ${JSON.stringify(polled.status)}`);
      await tracker.record(polled.errorsHref === undefined ? { ...entry.key, status: polled.status } : { ...entry.key, status: polled.status, errorsHref: polled.errorsHref });
      if (isFinalStatus(polled.status)) return stop(entry);
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && FATAL_CODES.has(code)) {
        log.warn({ err: error, code }, "request status polling stopped");
        return stop(entry);
      }
      log.warn({ err: error }, "request status poll failed; backing off");
    }
    const delay = entry.intervalMs;
    entry.intervalMs = Math.min(entry.intervalMs * 2, maxIntervalMs);
    schedule(entry, delay);
  };

  return {
    watch(key, authorization) {
      if (closed) return () => {};
      const id = idOf(key);
      let entry = entries.get(id);
      if (!entry) {
        entry = { key: { companyId: key.companyId, erpId: key.erpId, requestId: key.requestId }, watchers: new Map(), intervalMs: initialIntervalMs, stopped: false };
        entries.set(id, entry);
        schedule(entry, fallbackAfterMs);
      }
      const watcher = Symbol("watcher");
      entry.watchers.set(watcher, authorization);
      const watched = entry;
      return () => {
        if (!watched.watchers.delete(watcher)) return;
        if (watched.watchers.size === 0) stop(watched);
      };
    },
    get size() {
      return entries.size;
    },
    close() {
      closed = true;
      for (const entry of [...entries.values()]) stop(entry);
    },
  };
}
