import type { Logger } from "../logger.js";
import type { EssEvent, FisEvent } from "../datasources/index.js";
import type { GatewayPubSub } from "./pubsub.js";
import type { RequestStatusTracker } from "./request-status.js";

export interface EventIngestOptions {
  tracker: RequestStatusTracker;
  pubsub: GatewayPubSub;
  /** Drops the reader's cached mappings of one ERP; awaited before MAPPINGS_CHANGED goes out. */
  onMappingsChanged: (companyId: string, erpId: string) => Promise<void>;
  logger: Logger;
}

/** The webhook's `onEvent`: routes each verified, de-duplicated event to the tracker, the cache and the pubsub. */
export function createEventIngest(options: EventIngestOptions): (event: EssEvent) => Promise<void> {
  const { tracker, pubsub, onMappingsChanged, logger } = options;
  return async (event) => {
    const { companyId, erpId } = event;
    switch (event.kind) {
      case "requestStatus": {
        const { requestId, status, errorsHref } = event.request;
        await tracker.record(errorsHref === undefined ? { companyId, erpId, requestId, status } : { companyId, erpId, requestId, status, errorsHref });
        return;
      }
      case "mappingUpdated":
        // Invalidate first: a subscriber reacting to the event must read fresh mappings.
        await onMappingsChanged(companyId, erpId);
        pubsub.publish("MAPPINGS_CHANGED", { companyId, erpId, eventType: event.eventType });
        return;
      case "listMappingCreated":
        await onMappingsChanged(companyId, erpId);
        pubsub.publish("MAPPINGS_CHANGED", { companyId, erpId, eventType: event.eventType, listMappings: event.listMappings });
        return;
      case "listMappingDeleted":
        await onMappingsChanged(companyId, erpId);
        pubsub.publish("MAPPINGS_CHANGED", { companyId, erpId, eventType: event.eventType, deletedListMappings: event.deletedListMappings });
        return;
      case "resetRequested":
        pubsub.publish("RESET_REQUESTED", { companyId, erpId, objectTypes: event.objectTypes });
        return;
      case "unknown":
        logger.info({ eventId: event.id, eventType: event.eventType }, "ESS event of unknown type ignored");
        return;
    }
  };
}

/** The FIS topic's `onEvent`: a verified, de-duplicated `*.readyForIntegration` event -> FIS_DOCUMENT_READY (the id only;
 * subscribers read the document through the gateway, by id, on the company's own geolocation — never the event's href). */
export function createFisEventIngest(options: { pubsub: GatewayPubSub; logger: Logger }): (event: FisEvent) => void {
  const { pubsub, logger } = options;
  return (event) => {
    if (event.kind === "unknown") {
      logger.info({ eventId: event.id, eventType: event.eventType }, "FIS event of unknown type ignored");
      return;
    }
    pubsub.publish("FIS_DOCUMENT_READY", { companyId: event.companyId, docType: event.docType, documentId: event.documentId, source: "event" });
  };
}
