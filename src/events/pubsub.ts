import { createPubSub, filter as filterStream, pipe, type PubSubEventTarget, type Repeater } from "@graphql-yoga/subscription";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import type { EssDeletedListMapping, EssListMapping, FinancialDocumentRecord, FisDocType, RequestStatusValue, ResetObjectType } from "../concur/index.js";

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
  phase: "READ" | "CREATE" | "UPDATE" | "DELETE" | "DONE";
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
  /** Closes Redis connections (no-op in process). Idempotent. */
  close(): Promise<void>;
}

export interface GatewayPubSubOptions {
  /** `redis://` URL shared by all replicas; unset = in-process only. */
  redisUrl?: string;
  /** Where Redis connection and command errors go (they never crash the process). */
  logger?: Logger;
}

/**
 * The Redis event target fires `publish`/`subscribe`/`unsubscribe` without awaiting them; a rejected
 * command (Redis down) would be an unhandled rejection. This view catches and logs those rejections.
 */
function withCaughtCommands(client: Redis, logger: Logger | undefined): Redis {
  const caught = new Set(["publish", "subscribe", "unsubscribe"]);
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === "string" && caught.has(property)) {
        return (...args: unknown[]) =>
          (target[property as "publish"] as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
            logger?.error({ err, command: property }, "redis pubsub command failed");
          });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// Channels are dynamic (`<topic>:<companyId>`), so the yoga pubsub is typed by a string index.
type Channels = Record<string, [TopicPayloads[Topic]]>;

export function createGatewayPubSub(options: GatewayPubSubOptions = {}): GatewayPubSub {
  let clients: Redis[] = [];
  let eventTarget: PubSubEventTarget<Channels> | undefined;
  if (options.redisUrl) {
    // Separate connections: a client in subscriber mode cannot publish.
    const publishClient = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    // The subscriber re-subscribes by itself after a reconnect (ioredis autoResubscribe).
    const subscribeClient = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    clients = [publishClient, subscribeClient];
    for (const client of clients) client.on("error", (err: Error) => options.logger?.warn({ err }, "redis pubsub connection error"));
    eventTarget = createRedisEventTarget({
      publishClient: withCaughtCommands(publishClient, options.logger),
      subscribeClient: withCaughtCommands(subscribeClient, options.logger),
    });
  }
  const pubsub = createPubSub<Channels>(eventTarget ? { eventTarget } : {});
  let closed = false;

  return {
    publish(topic, payload) {
      if (closed) return;
      pubsub.publish(channelOf(topic, payload.companyId), payload);
    },
    subscribe<T extends Topic>(topic: T, companyId: string, where?: (payload: TopicPayloads[T]) => boolean) {
      const source = pubsub.subscribe(channelOf(topic, companyId)) as unknown as Repeater<TopicPayloads[T]>;
      // Belt and braces: never yield another company's payload even if a channel name collided.
      return pipe(source, filterStream((payload: TopicPayloads[T]) => payload.companyId === companyId && (where ? where(payload) : true)));
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
