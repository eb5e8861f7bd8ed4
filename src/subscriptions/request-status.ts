import type Keyv from "keyv";
import { Repeater } from "@graphql-yoga/subscription";
import { LRUCache } from "lru-cache";
import type { Logger } from "../logger.js";
import { isFinalStatus, type RequestStatusValue } from "../datasources/index.js";
import { createOnceStore, type OnceStore } from "./once-store.js";
import { pushOrStop, type GatewayPubSub, type RequestStatusPayload } from "./pubsub.js";

/** ESS retains events 72 h (spec 2.3); statuses must outlive every redelivery. */
export const MIN_STATUS_TTL_MS = 72 * 60 * 60 * 1000;
export const DEFAULT_STATUS_TTL_MS = MIN_STATUS_TTL_MS + 60 * 60 * 1000;

export interface RequestKey {
  companyId: string;
  erpId: string;
  requestId: string;
}

export interface RequestStatusTrackerOptions {
  /** Shared keyv (on @keyv/redis when REDIS_URL is set, so every replica sees the same statuses). */
  store: Keyv;
  pubsub: GatewayPubSub;
  /** Lifetime of a stored status, ms. Default 73 h; less than 72 h is refused. */
  ttlMs?: number;
  logger?: Logger;
  /** Each failed call to the shared store (Redis down or slow; metrics). The tracker then falls back to its own memory. */
  onStoreError?: (err: unknown) => void;
  /** Statuses this replica remembers itself (for Redis outages), most recent first. Default 10,000. */
  maxLocalStatuses?: number;
  /** Every status this replica is told of, forward move or not (the console's recent-requests history). */
  onStatusSeen?: (update: RequestStatusPayload) => void;
}

export interface RequestStatusSubscription {
  /** Only this ERP's requests. */
  erpId?: string;
  /**
   * Only this request (needs `erpId`). Its latest known status is delivered at once, then only forward
   * moves, and the stream completes after the final status.
   */
  requestId?: string;
}

const keyOf = ({ companyId, erpId, requestId }: RequestKey) => `reqstatus:${companyId}:${erpId}:${requestId}`;

/**
 * Latest status per (company, ERP, request), moving forward only:
 * nothing -> PROCESSING -> one final (SUCCESS | PARTIAL | ERROR). A PROCESSING after a final is dropped;
 * of two different finals the first recorded wins. Only forward moves are published (REQUEST_STATUS).
 *
 * PROCESSING and the final live under separate set-if-absent keys, so the rules hold across replicas
 * without a read-modify-write on one key.
 *
 * When the shared store fails (Redis down), this replica's own memory of the statuses it recorded decides instead,
 * so its subscribers keep getting the statuses it learns (its polls, the mutations it sent); other replicas do not
 * see them until they learn them themselves (their own polls, ESS's retried event once Redis is back).
 */
/** Requests a company-wide status stream remembers for its forward-only rule. */
const MAX_REQUESTS_SEEN_PER_STREAM = 1_000;

export class RequestStatusTracker {
  readonly #once: OnceStore;
  readonly #pubsub: GatewayPubSub;
  readonly #ttlMs: number;
  readonly #logger?: Logger;
  readonly #onStoreError?: (err: unknown) => void;
  readonly #onStatusSeen?: (update: RequestStatusPayload) => void;
  /** What this replica recorded (`<key>:processing` / `<key>:final` -> payload JSON), bounded. */
  readonly #local: LRUCache<string, string>;

  constructor(options: RequestStatusTrackerOptions) {
    const ttlMs = options.ttlMs ?? DEFAULT_STATUS_TTL_MS;
    if (ttlMs < MIN_STATUS_TTL_MS) throw new RangeError(`RequestStatusTracker ttlMs must be at least ${MIN_STATUS_TTL_MS} (72 h), got ${ttlMs}`);
    this.#once = createOnceStore(options.store);
    this.#pubsub = options.pubsub;
    this.#ttlMs = ttlMs;
    this.#logger = options.logger;
    this.#onStoreError = options.onStoreError;
    this.#onStatusSeen = options.onStatusSeen;
    this.#local = new LRUCache({ max: options.maxLocalStatuses ?? 10_000, ttl: ttlMs });
  }

  /** Records an update; resolves true when it was a forward move and was published. */
  async record(update: RequestStatusPayload): Promise<boolean> {
    this.#onStatusSeen?.(update);
    const key = keyOf(update);
    const payload: RequestStatusPayload = { companyId: update.companyId, erpId: update.erpId, requestId: update.requestId, status: update.status };
    if (update.errorsHref !== undefined) payload.errorsHref = update.errorsHref;
    const value = JSON.stringify(payload);

    let reason: string | undefined;
    try {
      reason = await this.#recordShared(key, update.status, value);
    } catch (err) {
      this.#storeFailed(err, "record");
      reason = this.#recordLocal(key, update.status);
    }
    if (reason !== undefined) return this.#dropped(update, reason);
    this.#local.set(`${key}:${isFinalStatus(update.status) ? "final" : "processing"}`, value);
    this.#pubsub.publish("REQUEST_STATUS", payload);
    return true;
  }

  /** Latest known status, or undefined when nothing was recorded (or it expired). */
  async latest(companyId: string, erpId: string, requestId: string): Promise<RequestStatusPayload | undefined> {
    const key = keyOf({ companyId, erpId, requestId });
    let shared: { final?: string; processing?: string } = {};
    try {
      const final = await this.#once.get(`${key}:final`);
      shared = final !== undefined ? { final } : { processing: await this.#once.get(`${key}:processing`) };
    } catch (err) {
      this.#storeFailed(err, "latest");
    }
    // The most advanced of what the shared store and this replica know (a final this replica saw during an outage
    // may be missing from Redis).
    const raw = shared.final ?? this.#local.get(`${key}:final`) ?? shared.processing ?? this.#local.get(`${key}:processing`);
    return raw === undefined ? undefined : (JSON.parse(raw) as RequestStatusPayload);
  }

  /** The rules on the shared store: undefined when `status` moves forward and is now recorded, else why not. */
  async #recordShared(key: string, status: RequestStatusValue, value: string): Promise<string | undefined> {
    if (await this.#once.get(`${key}:final`)) return "a final status is already known";
    if (isFinalStatus(status)) {
      if (!(await this.#once.setIfAbsent(`${key}:final`, value, this.#ttlMs))) return "another final status won";
      return undefined;
    }
    if (!(await this.#once.setIfAbsent(`${key}:processing`, value, this.#ttlMs))) return "PROCESSING already recorded";
    // A final may have landed (on another replica) between the first check and now: do not publish backwards.
    if (await this.#once.get(`${key}:final`)) return "a final status arrived meanwhile";
    return undefined;
  }

  /** The same rules on this replica's memory (shared store unreachable). */
  #recordLocal(key: string, status: RequestStatusValue): string | undefined {
    if (this.#local.has(`${key}:final`)) return "a final status is already known here";
    if (!isFinalStatus(status) && this.#local.has(`${key}:processing`)) return "PROCESSING already recorded here";
    return undefined;
  }

  #storeFailed(err: unknown, what: string): void {
    this.#onStoreError?.(err);
    this.#logger?.warn({ err, what }, "request status store unavailable; using this replica's own statuses");
  }

  /**
   * Status changes of one company (the caller's, from its token), for a GraphQL subscription resolver.
   * With `requestId`: subscribes first, then replays the latest known status, so a request that finished
   * before the subscription still delivers its final status (no race between mutation and subscribe).
   */
  subscribe(companyId: string, where: RequestStatusSubscription = {}): Repeater<RequestStatusPayload> {
    const { erpId, requestId } = where;
    if (requestId !== undefined && erpId === undefined) throw new TypeError("RequestStatusTracker.subscribe: requestId needs erpId");
    return new Repeater<RequestStatusPayload>(async (push, stop) => {
      let last: RequestStatusValue | undefined;
      const isForward = (status: RequestStatusValue, before = last) => before === undefined || (before === "PROCESSING" && status !== "PROCESSING");
      // Streams of many requests are forward-only per request too (a status this replica delivered during a Redis
      // outage can be published again when ESS's retried event is accepted after it). A Map that grows with the
      // requests seen, trimmed oldest first: an idle subscription holds nothing.
      const seen = requestId === undefined ? new Map<string, RequestStatusValue>() : undefined;
      const deliver = (payload: RequestStatusPayload) => {
        if (seen) {
          const id = `${payload.erpId}:${payload.requestId}`;
          if (!isForward(payload.status, seen.get(id))) return;
          seen.delete(id);
          seen.set(id, payload.status);
          if (seen.size > MAX_REQUESTS_SEEN_PER_STREAM) seen.delete(seen.keys().next().value!);
          return pushOrStop(push, stop, payload);
        }
        if (!isForward(payload.status)) return;
        last = payload.status;
        pushOrStop(push, stop, payload);
        if (isFinalStatus(payload.status)) stop();
      };
      // Listen first, then replay the latest known status; events arriving meanwhile wait behind it, in order.
      let early: RequestStatusPayload[] | undefined = requestId !== undefined ? [] : undefined;
      const unlisten = this.#pubsub.listen(
        "REQUEST_STATUS",
        companyId,
        (p) => (erpId === undefined || p.erpId === erpId) && (requestId === undefined || p.requestId === requestId),
        (payload) => (early ? early.push(payload) : deliver(payload)),
      );
      void stop.then(unlisten);
      if (requestId !== undefined && erpId !== undefined) {
        const current = await this.latest(companyId, erpId, requestId);
        if (current) deliver(current);
        const waiting = early ?? [];
        early = undefined;
        for (const payload of waiting) deliver(payload);
      }
      await stop;
    });
  }

  #dropped(update: RequestStatusPayload, reason: string): false {
    this.#logger?.debug({ companyId: update.companyId, erpId: update.erpId, requestId: update.requestId, status: update.status, reason }, "request status not published");
    return false;
  }
}
