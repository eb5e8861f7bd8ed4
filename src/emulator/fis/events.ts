import { randomBytes, randomUUID } from "node:crypto";
import type { CoreContext } from "../core/context.js";
import type { FisDocument } from "./store.js";
import { EVENT_PREFIX } from "./types.js";

/** The FIS ESS topic (spec §2.5, [FIS-EVT]). */
export const FIS_EVENT_TOPIC = "public.concur.financialintegration";

/** Host of `facts.href` in the documented events: internal, not callable by partners ([FIS-EVT]). */
export const FIS_EVENT_HREF_HOST = "https://financial-integration.service.cnqr.tech";

/** A `*.readyForIntegration` event as ESS delivers it ([FIS-EVT] envelope). */
export interface FisEventEnvelope {
  id: string;
  data: null;
  eventType: string;
  correlationId: string;
  topic: typeof FIS_EVENT_TOPIC;
  /** The company's entity id. */
  subtopic: string;
  /** `…570+0000` like the documented example (offset without a colon). */
  timeStamp: string;
  route: "stable";
  facts: { companyId: string; documentId: string; href: string; entityId: string };
}

/** `2023-09-26T21:17:44.570+0000`: the documented example's form. */
function timeStampOf(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

/** Publishes `<docType>.readyForIntegration` for a document that just became READY, signed like every ESS event. */
export function emitReady(ctx: CoreContext, doc: FisDocument, correlationId?: string): FisEventEnvelope {
  const event: FisEventEnvelope = {
    id: randomUUID(),
    data: null,
    eventType: `${EVENT_PREFIX[doc.docType]}.readyForIntegration`,
    correlationId: correlationId ?? randomBytes(16).toString("hex"),
    topic: FIS_EVENT_TOPIC,
    subtopic: doc.entityId,
    timeStamp: timeStampOf(ctx.now()),
    route: "stable",
    facts: {
      companyId: doc.companyUuid,
      documentId: doc.id,
      href: `${FIS_EVENT_HREF_HOST}/fi/v4/companies/transactiontypes/${doc.docType}/transactions?docId=${doc.id}`,
      entityId: doc.entityId,
    },
  };
  return ctx.webhooks.send(event);
}
