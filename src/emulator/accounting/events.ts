import type { EventEnvelope as EssEnvelope } from "../core/webhooks.js";
import type { CoreContext } from "../core/context.js";
import type { Erp } from "./store.js";
import type { JsonValue } from "../core/types.js";

/** The Accounting Integration ESS topic (spec 2.1). */
export const EVENT_TOPIC = "public.concur.spend.accountingintegration";
export type EventType =
  | "data.statusUpdated"
  | "mapping.updated"
  | "listMapping.created"
  | "listMapping.deleted"
  | "data.resetRequested";

/** An Accounting Integration event as ESS delivers it. */
export type EventEnvelope = EssEnvelope<EventType>;

/** Whom an event is about: `facts` without `data`. */
export interface EventSubject {
  companyId: string;
  erpId: string;
  partnerId: string;
}

export const subjectOf = (erp: Erp): EventSubject => ({ companyId: erp.companyId, erpId: erp.pkg.erpId, partnerId: erp.partnerId });

/** Publishes one accounting event to every ESS subscriber. */
export function emitEvent(ctx: CoreContext, subject: EventSubject, eventType: EventType, correlationId: string, data?: JsonValue): EventEnvelope {
  return ctx.webhooks.publish(EVENT_TOPIC, eventType, { ...subject, ...(data === undefined ? {} : { data }) }, correlationId);
}
