import type Keyv from "keyv";
import { Repeater } from "@graphql-yoga/subscription";
import type { Logger } from "../logger.js";
import { isFinalStatus, type RequestStatusValue } from "../concur/index.js";
import { createOnceStore, type OnceStore } from "./once-store.js";
import type { GatewayPubSub, RequestStatusPayload } from "./pubsub.js";

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
 */
export class RequestStatusTracker {
  readonly #once: OnceStore;
  readonly #pubsub: GatewayPubSub;
  readonly #ttlMs: number;
  readonly #logger?: Logger;

  constructor(options: RequestStatusTrackerOptions) {
    const ttlMs = options.ttlMs ?? DEFAULT_STATUS_TTL_MS;
    if (ttlMs < MIN_STATUS_TTL_MS) throw new RangeError(`RequestStatusTracker ttlMs must be at least ${MIN_STATUS_TTL_MS} (72 h), got ${ttlMs}`);
    this.#once = createOnceStore(options.store);
    this.#pubsub = options.pubsub;
    this.#ttlMs = ttlMs;
    this.#logger = options.logger;
  }

  /** Records an update; resolves true when it was a forward move and was published. */
  async record(update: RequestStatusPayload): Promise<boolean> {
    const key = keyOf(update);
    const payload: RequestStatusPayload = { companyId: update.companyId, erpId: update.erpId, requestId: update.requestId, status: update.status };
    if (update.errorsHref !== undefined) payload.errorsHref = update.errorsHref;
    const value = JSON.stringify(payload);

    if (await this.#once.get(`${key}:final`)) return this.#dropped(update, "a final status is already known");
    if (isFinalStatus(update.status)) {
      if (!(await this.#once.setIfAbsent(`${key}:final`, value, this.#ttlMs))) return this.#dropped(update, "another final status won");
    } else {
      if (!(await this.#once.setIfAbsent(`${key}:processing`, value, this.#ttlMs))) return this.#dropped(update, "PROCESSING already recorded");
      // A final may have landed (on another replica) between the first check and now: do not publish backwards.
      if (await this.#once.get(`${key}:final`)) return this.#dropped(update, "a final status arrived meanwhile");
    }
    this.#pubsub.publish("REQUEST_STATUS", payload);
    return true;
  }

  /** Latest known status, or undefined when nothing was recorded (or it expired). */
  async latest(companyId: string, erpId: string, requestId: string): Promise<RequestStatusPayload | undefined> {
    const key = keyOf({ companyId, erpId, requestId });
    const raw = (await this.#once.get(`${key}:final`)) ?? (await this.#once.get(`${key}:processing`));
    return raw === undefined ? undefined : (JSON.parse(raw) as RequestStatusPayload);
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
      const source = this.#pubsub.subscribe(
        "REQUEST_STATUS",
        companyId,
        (p) => (erpId === undefined || p.erpId === erpId) && (requestId === undefined || p.requestId === requestId),
      );
      void stop.then(() => source.return());
      // Start the source now: its listener is registered synchronously by the first next().
      let pending = source.next();
      let last: RequestStatusValue | undefined;
      const isForward = (status: RequestStatusValue) => last === undefined || (last === "PROCESSING" && status !== "PROCESSING");

      if (requestId !== undefined && erpId !== undefined) {
        const current = await this.latest(companyId, erpId, requestId);
        if (current) {
          last = current.status;
          await push(current);
          if (isFinalStatus(current.status)) return stop();
        }
      }
      for (;;) {
        const result = await Promise.race([pending, stop.then(() => undefined)]);
        if (!result || result.done) break;
        const payload = result.value;
        pending = source.next();
        if (requestId === undefined) {
          await push(payload);
          continue;
        }
        if (!isForward(payload.status)) continue;
        last = payload.status;
        await push(payload);
        if (isFinalStatus(payload.status)) break;
      }
      stop();
    });
  }

  #dropped(update: RequestStatusPayload, reason: string): false {
    this.#logger?.debug({ companyId: update.companyId, erpId: update.erpId, requestId: update.requestId, status: update.status, reason }, "request status not published");
    return false;
  }
}
