// ESS v4 management paths and the topics the gateway subscribes (/work/shared/concur/event-subscriptions.md §2, §6).
import { ACCOUNTING_TOPIC } from "../accounting/events.js";
import { FIS_TOPIC } from "../fis/events.js";

export const ESS_PATHS = {
  /** M1: topics the app token may subscribe to. */
  topics: "/events/v4/topics",
  /** M2: create or update by id (PUT). */
  saveWebhook: "/events/v4/subscriptions/webhook",
  /** M3: the app's subscriptions in this data center. */
  list: "/events/v4/subscriptions",
  /** M4 (GET) and M5 (DELETE). */
  one: (id: string) => `/events/v4/subscriptions/${encodeURIComponent(id)}`,
} as const;

/** A feature's topic and the filter subscribed with it. */
export interface EssTopic {
  /** The short name in subscription ids and configuration (`ESS_TOPICS`). */
  key: "accounting" | "fis";
  topic: string;
  /** Regex over `eventType` [MGMT]; `.*` = every type (Q6: read as a full match). */
  filter: string;
  /** The resource scope the app needs for it ([FIS-EVT], [AIS-EVT]). */
  scope: string;
}

/**
 * The topics per feature. Accounting: every event type the ingest handles or acknowledges (status updates, mappings,
 * resets). FIS: every `*.readyForIntegration` (expense, invoice, payroll, cash advance, request/report obligations).
 */
export const ESS_TOPICS: Readonly<Record<EssTopic["key"], EssTopic>> = {
  accounting: { key: "accounting", topic: ACCOUNTING_TOPIC, filter: ".*", scope: "spend.accountingintegration.read" },
  fis: { key: "fis", topic: FIS_TOPIC, filter: "[A-Za-z]+\\.readyForIntegration", scope: "FISVC" },
};

/** `events.topic.read`: listing topics and subscribing need it besides each topic's own scope ([GUIDE]). */
export const ESS_TOPIC_READ_SCOPE = "events.topic.read";
