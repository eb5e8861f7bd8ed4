import { ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { isFinalStatus, REQUEST_STATUS_VALUES, type RequestStatusValue } from "../concur/index.js";
import type { RequestKey, RequestStatusTracker } from "./request-status.js";

/** What a status poll returns (the reader's GET …/requests/{id}, mapped). */
export interface PolledStatus {
  status: RequestStatusValue;
  errorsHref?: string;
}

export interface StatusPollerOptions {
  tracker: RequestStatusTracker;
  /** GET the request's status upstream with the watcher's bearer token. */
  fetchStatus: (companyId: string, erpId: string, requestId: string, authorization: string) => Promise<PolledStatus>;
  /** Start polling when no final status is known this long after the first watcher came (config `pollFallbackMs`). */
  fallbackAfterMs: number;
  /** First gap between polls, doubling each time. Default `fallbackAfterMs`. */
  initialIntervalMs?: number;
  /** Largest gap between polls. */
  maxIntervalMs: number;
  logger: Logger;
}

export interface StatusPoller {
  /**
   * Keeps a request polled while watched; returns the unwatch function (idempotent).
   * All watchers of one request share one poll loop; the newest watcher's token is used.
   */
  watch(key: RequestKey, authorization: string): () => void;
  /** Requests currently watched. */
  readonly size: number;
  /** Stops every poll loop. */
  close(): void;
}

interface Entry {
  key: RequestKey;
  /** Watcher -> its token; insertion order gives the newest last. */
  watchers: Map<symbol, string>;
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
export function createStatusPoller(options: StatusPollerOptions): StatusPoller {
  const { tracker, fetchStatus, fallbackAfterMs, maxIntervalMs, logger } = options;
  const initialIntervalMs = Math.min(options.initialIntervalMs ?? fallbackAfterMs, maxIntervalMs);
  const entries = new Map<string, Entry>();
  let closed = false;

  const idOf = ({ companyId, erpId, requestId }: RequestKey) => `${companyId}:${erpId}:${requestId}`;

  const stop = (entry: Entry) => {
    entry.stopped = true;
    if (entry.timer) clearTimeout(entry.timer);
    const id = idOf(entry.key);
    if (entries.get(id) === entry) entries.delete(id);
  };

  const schedule = (entry: Entry, delayMs: number) => {
    if (entry.stopped) return;
    entry.timer = setTimeout(() => void tick(entry), delayMs);
    entry.timer.unref();
  };

  const tick = async (entry: Entry) => {
    if (entry.stopped) return;
    const { companyId, erpId, requestId } = entry.key;
    const log = logger.child({ companyId, erpId, requestId });
    try {
      // A webhook may have delivered the final status meanwhile: then there is nothing to poll.
      const known = await tracker.latest(companyId, erpId, requestId);
      if (known && isFinalStatus(known.status)) return stop(entry);
      const authorization = [...entry.watchers.values()].at(-1);
      if (authorization === undefined || entry.stopped) return stop(entry);
      const polled = await fetchStatus(companyId, erpId, requestId, authorization);
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
