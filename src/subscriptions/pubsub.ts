import { Repeater, type PubSubEventTarget } from "@graphql-yoga/subscription";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import type { EssDeletedListMapping, EssListMapping, FinancialDocumentRecord, FisDocType, RequestStatusValue, ResetObjectType } from "../datasources/index.js";

/** A request's status changed (forward moves only, see RequestStatusTracker). */
export interface RequestStatusPayload {
  companyId: string;
  erpId: string;
  requestId: string;
  status: RequestStatusValue;
  /** Href of the request's errors (as received, possibly relative `/v4/...`), when known. */
  errorsHref?: string;
}

/** Mappings of an ERP changed; cached mappings were invalidated before this was published. */
export interface MappingsChangedPayload {
  companyId: string;
  erpId: string;
  eventType: "mapping.updated" | "listMapping.created" | "listMapping.deleted";
  listMappings?: EssListMapping[];
  deletedListMappings?: EssDeletedListMapping[];
}

/** An admin asked for ERP data of these types to be resent (PATCH with deleteAll, then everything). */
export interface ResetRequestedPayload {
  companyId: string;
  erpId: string;
  objectTypes: ResetObjectType[];
}

/** Payload per topic. Every payload names its company; the channel is derived from it. */
/** A company connection changed state (managed mode). */
export interface ConnectionChangedPayload {
  companyId: string;
  state: "CONNECTED" | "NEEDS_RECONNECT" | "DISCONNECTED";
  reason: string;
}

/** Progress of a list sync (src/services/list-sync.ts): done of total in the current phase. */
export interface ListSyncProgressPayload {
  companyId: string;
  listId: string;
  syncId: string;
  phase: "READ" | "REACTIVATE" | "CREATE" | "UPDATE" | "DELETE" | "DONE";
  done: number;
  total: number;
}

/** A followed extract job was polled (src/services/extract-jobs.ts); `final` on COMPLETED, FAILED or TIMED_OUT. */
export interface ExtractJobPayload {
  companyId: string;
  definitionId: string;
  jobId: string;
  /** ExtractJobState, or TIMED_OUT when the gateway stopped following. */
  state: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "UNKNOWN" | "TIMED_OUT";
  upstreamStatus: string;
  startTime: string | null;
  stopTime: string | null;
  hasFile: boolean;
  final: boolean;
}

/** A financial document became READY: an ESS `*.readyForIntegration` event, or found by the FIS poller (with the document). */
export interface FisDocumentReadyPayload {
  /** Company UUID, lower case. */
  companyId: string;
  docType: FisDocType;
  documentId: string;
  source: "event" | "poll";
  /** The document as the poller read it; events carry only its id. */
  document?: FinancialDocumentRecord;
}

/** Passthrough mode: Concur refused a caller's token (401/403); every replica stops serving it cached answers. */
export interface TokenRefusedPayload {
  /** Always "*": the event concerns every company. */
  companyId: string;
  /** The caller's cache-key identity (a hash of the token, never the token). */
  callerKey: string;
}

export interface TopicPayloads {
  TOKEN_REFUSED: TokenRefusedPayload;
  FIS_DOCUMENT_READY: FisDocumentReadyPayload;
  LIST_SYNC_PROGRESS: ListSyncProgressPayload;
  CONNECTION_CHANGED: ConnectionChangedPayload;
  REQUEST_STATUS: RequestStatusPayload;
  MAPPINGS_CHANGED: MappingsChangedPayload;
  RESET_REQUESTED: ResetRequestedPayload;
  EXTRACT_JOB: ExtractJobPayload;
}
export type Topic = keyof TopicPayloads;

/** Channel of a topic for one company, e.g. `REQUEST_STATUS:<companyId>`. */
export const channelOf = (topic: Topic, companyId: string): string => `${topic}:${companyId}`;

/**
 * The one pubsub of the gateway. Publishing takes the channel from `payload.companyId`, and subscribing
 * needs the subscriber's company, so a subscriber can only ever hear its own company's events.
 */
export interface GatewayPubSub {
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void;
  /**
   * Events of one company on `topic`, optionally narrowed by `where` (e.g. an ERP or request id).
   * The returned iterator ends its Redis/in-process subscription on `return()`.
   */
  subscribe<T extends Topic>(topic: T, companyId: string, where?: (payload: TopicPayloads[T]) => boolean): Repeater<TopicPayloads[T]>;
  /**
   * The callback form of `subscribe`: `onEvent` runs synchronously for each matching event (it must not throw)
   * until the returned function is called. For streams that keep their own state per event (the status tracker).
   */
  listen<T extends Topic>(topic: T, companyId: string, where: ((payload: TopicPayloads[T]) => boolean) | undefined, onEvent: (payload: TopicPayloads[T]) => void): () => void;
  /** False while one of the pubsub's Redis connections is not up (readiness); always true in process. */
  readonly connected?: boolean;
  /** Closes Redis connections (no-op in process). Idempotent. */
  close(): Promise<void>;
}

export interface GatewayPubSubOptions {
  /** `redis://` URL shared by all replicas; unset = in-process only. */
  redisUrl?: string;
  /** Where Redis connection and command errors go (they never crash the process). */
  logger?: Logger;
  /** Each Redis connection error or failed command (metrics); must not throw. */
  onRedisError?: () => void;
  /** Longest a publish waits for Redis before it is given up (the other replicas miss that event), ms. Default 1000. */
  commandTimeoutMs?: number;
}

// Channels are dynamic (`<topic>:<companyId>`), so the event target is typed by a string index.
type Channels = Record<string, [TopicPayloads[Topic]]>;

/**
 * Hands an event to a subscriber's stream. A subscriber that has stopped reading (its socket is stuck) past the
 * stream's queue is ended, instead of the overflow error escaping the event dispatch.
 */
export function pushOrStop<T>(push: (value: T) => Promise<unknown>, stop: (error?: unknown) => unknown, value: T): void {
  try {
    push(value).catch(() => undefined);
  } catch (error) {
    stop(error);
  }
}

/** Field naming the replica that published a payload into Redis (stripped on receipt; older replicas ignore it). */
const ORIGIN = "~origin";

/**
 * An event target for several replicas: a publish reaches this replica's listeners at once, in process, and the
 * other replicas' through Redis (this replica skips its own copy coming back). So local delivery never depends on
 * Redis: while it is down, events produced on this replica (its polls, its mutations, webhooks it accepted) still
 * reach its own subscribers, and only the other replicas miss them.
 * Redis commands are fired and not awaited; a failure is logged and reported, never thrown.
 */
function replicaEventTarget(publishClient: Redis, subscribeClient: Redis, report: (err: unknown, command: string) => void): PubSubEventTarget<Channels> {
  const replicaId = randomUUID();
  const local = new EventTarget();
  const listeners = new Map<string, Set<unknown>>();
  const fire = (command: "subscribe" | "unsubscribe", topic: string) => {
    subscribeClient[command](topic).catch((err: unknown) => report(err, command));
  };
  subscribeClient.on("message", (channel: string, message: string) => {
    if (!listeners.has(channel)) return;
    let detail: unknown;
    try {
      detail = message === "" ? null : JSON.parse(message);
    } catch (err) {
      return report(err, "message");
    }
    if (detail !== null && typeof detail === "object") {
      if ((detail as Record<string, unknown>)[ORIGIN] === replicaId) return; // delivered in process when published
      delete (detail as Record<string, unknown>)[ORIGIN];
    }
    local.dispatchEvent(new CustomEvent(channel, { detail }));
  });
  return {
    addEventListener(topic, listener) {
      if (!listener) return;
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
        fire("subscribe", topic);
      }
      set.add(listener);
      local.addEventListener(topic, listener as never);
    },
    removeEventListener(topic, listener) {
      if (!listener) return;
      local.removeEventListener(topic, listener as never);
      const set = listeners.get(topic);
      if (!set?.delete(listener) || set.size > 0) return;
      listeners.delete(topic);
      fire("unsubscribe", topic);
    },
    dispatchEvent(event) {
      const detail: unknown = event.detail;
      local.dispatchEvent(new CustomEvent(event.type, { detail }));
      const wire = detail !== null && typeof detail === "object" ? { ...(detail as object), [ORIGIN]: replicaId } : detail;
      publishClient.publish(event.type, wire === undefined ? "" : JSON.stringify(wire)).catch((err: unknown) => report(err, "publish"));
      return true;
    },
  };
}

export function createGatewayPubSub(options: GatewayPubSubOptions = {}): GatewayPubSub {
  let clients: Redis[] = [];
  let eventTarget: PubSubEventTarget<Channels> | undefined;
  if (options.redisUrl) {
    const report = (err: unknown, command: string) => {
      options.onRedisError?.();
      options.logger?.warn({ err, command }, "redis pubsub command failed");
    };
    // Separate connections: a client in subscriber mode cannot publish. A publish gives up after 1 s and is not
    // kept for a reconnect (the other replicas would get it late, out of order); local delivery does not wait for it.
    const publishClient = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 1_000 });
    // The subscriber reconnects and re-subscribes by itself (ioredis autoResubscribe); (un)subscribes issued while
    // Redis is down are queued and sent once it is back.
    const subscribeClient = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    clients = [publishClient, subscribeClient];
    for (const client of clients) {
      client.on("error", (err: Error) => {
        options.onRedisError?.();
        options.logger?.warn({ err }, "redis pubsub connection error");
      });
    }
    eventTarget = replicaEventTarget(publishClient, subscribeClient, report);
  }
  // In process: a plain EventTarget. One listener per subscriber, filtering inline, feeding one Repeater: a webhook
  // fanning out to 1,000 subscribers pays one dispatch and one push each, not a chain of iterators per event.
  const target: PubSubEventTarget<Channels> = eventTarget ?? (new EventTarget() as unknown as PubSubEventTarget<Channels>);
  let closed = false;

  function listen<T extends Topic>(topic: T, companyId: string, where: ((payload: TopicPayloads[T]) => boolean) | undefined, onEvent: (payload: TopicPayloads[T]) => void): () => void {
    const channel = channelOf(topic, companyId);
    const listener = (event: { detail?: unknown }) => {
      const payload = event.detail as TopicPayloads[T];
      // Belt and braces: never yield another company's payload even if a channel name collided.
      if (payload?.companyId !== companyId || (where && !where(payload))) return;
      onEvent(payload);
    };
    target.addEventListener(channel, listener as never);
    let listening = true;
    return () => {
      if (!listening) return;
      listening = false;
      target.removeEventListener(channel, listener as never);
    };
  }

  return {
    publish(topic, payload) {
      if (closed) return;
      target.dispatchEvent(new CustomEvent(channelOf(topic, payload.companyId), { detail: payload }) as never);
    },
    listen,
    subscribe<T extends Topic>(topic: T, companyId: string, where?: (payload: TopicPayloads[T]) => boolean) {
      // Listens from the first next() on (as iterators of the yoga pubsub did) until return().
      return new Repeater<TopicPayloads[T]>((push, stop) => {
        const unlisten = listen(topic, companyId, where, (payload) => pushOrStop(push, stop, payload));
        void stop.then(unlisten);
      });
    },
    get connected() {
      return clients.every((client) => client.status === "ready");
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        clients.map(async (client) => {
          try {
            await client.quit();
          } catch {
            client.disconnect();
          }
        }),
      );
    },
  };
}
