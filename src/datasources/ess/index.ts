// Event Subscription Service v4 management (/work/shared/concur/event-subscriptions.md, docs/emulator/ess-v4.md):
// app tokens per data center and the subscription API.
export { ESS_PATHS, ESS_TOPICS, ESS_TOPIC_READ_SCOPE, type EssTopic } from "./paths.js";
export { readSubscription, readSubscriptions, readTopics, type EssSubscription, type WireSubscriptionInput } from "./wire.js";
export { createAppTokenSource, type AppToken, type AppTokenSource, type AppTokenSourceOptions } from "./app-token.js";
export { createEssManagement, type EssManagement } from "./management.js";
export { EssManagementError } from "./errors.js";
