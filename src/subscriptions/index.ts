/** Public API of the subscriptions module: event ingest (webhook, poller) -> typed pubsub -> resolvers. */
export { verifyConcurSignature, createSignatureVerifier, createKeySetVerifier, splitPemBlocks, signingKeyId, type SignatureVerifier, type KeySetVerifier, type SigningKeyInfo } from "./signature.js";
export {
  ACCOUNTING_TOPIC,
  EssEventError,
  isFinalStatus,
  parseEssEvent,
  REQUEST_STATUS_VALUES,
  type EssDeletedListMapping,
  type EssEnvelope,
  type EssEvent,
  type EssEventKind,
  type EssListMapping,
  type FinalRequestStatus,
  type RequestStatusUpdate,
  type RequestStatusValue,
  type ResetObjectType,
} from "../datasources/index.js";
export {
  channelOf,
  createGatewayPubSub,
  type GatewayPubSub,
  type GatewayPubSubOptions,
  type ConnectionChangedPayload,
  type FisDocumentReadyPayload,
  type MappingsChangedPayload,
  type RequestStatusPayload,
  type ResetRequestedPayload,
  type Topic,
  type TopicPayloads,
} from "./pubsub.js";
export { createOnceStore, type OnceStore } from "./once-store.js";
export {
  DEFAULT_STATUS_TTL_MS,
  MIN_STATUS_TTL_MS,
  RequestStatusTracker,
  type RequestKey,
  type RequestStatusSubscription,
  type RequestStatusTrackerOptions,
} from "./request-status.js";
export { createWebhookHandler, DEFAULT_DEDUPE_TTL_MS, type EventTopic, type ReceivedEvent, type WebhookHandler, type WebhookHandlerOptions } from "./webhook.js";
export { createEventIngest, createFisEventIngest, type EventIngestOptions } from "./ingest.js";
export { createStatusPoller, type PolledStatus, type StatusPoller, type StatusPollerOptions } from "./poller.js";
