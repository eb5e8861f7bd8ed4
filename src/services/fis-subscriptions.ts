// financialDocumentReady: documents becoming READY for a company and doc type, from ESS readyForIntegration events
// (verified and de-duplicated by the webhook receiver) and from the shared READY poller; each document delivered once
// per subscriber, read through the gateway (lossless, typed) when the announcement carries only its id.
import { Repeater } from "@graphql-yoga/subscription";
import { LRUCache } from "lru-cache";
import type { Caller, FinancialDocumentRecord, FisDocType, FisReader } from "../datasources/index.js";
import type { GatewayPubSub } from "../subscriptions/index.js";
import type { Logger } from "../logger.js";
import type { FisPoller } from "./fis-poller.js";

export interface FisSubscriptionDeps {
  reader: FisReader;
  poller: FisPoller;
  pubsub: GatewayPubSub;
  logger: Logger;
}

/** Ids a subscriber remembers to drop repeats (an event and a poll announcing the same document, ESS re-publishes). */
const SEEN_PER_SUBSCRIBER = 10_000;

export async function followReadyDocuments(deps: FisSubscriptionDeps, caller: Caller, companyId: string, docType: FisDocType): Promise<AsyncIterable<FinancialDocumentRecord>> {
  const { reader, poller, pubsub, logger } = deps;
  const company = companyId.toLowerCase();
  // The tenant check: Concur accepts this caller's token for FIS, and (when documents exist) for this company.
  await reader.page(caller, company, docType, 0, 1);
  // Listen first, then let the poller learn the queue as it is: nothing that becomes READY in between is lost.
  const source = pubsub.subscribe("FIS_DOCUMENT_READY", company, (event) => event.docType === docType);
  let unwatch: () => void;
  try {
    unwatch = await poller.watch(company, docType, caller);
  } catch (error) {
    await source.return();
    throw error;
  }
  const seen = new LRUCache<string, true>({ max: SEEN_PER_SUBSCRIBER });
  return new Repeater<FinancialDocumentRecord>(async (push, stop) => {
    void stop.then(() => {
      unwatch();
      void source.return();
    });
    for await (const event of source) {
      if (seen.has(event.documentId)) continue;
      seen.set(event.documentId, true);
      let document = event.document;
      if (!document) {
        try {
          document = (await reader.document(caller, company, docType, event.documentId)) ?? undefined;
        } catch (error) {
          logger.warn({ err: error, companyId: company, docType, documentId: event.documentId }, "FIS document of a readyForIntegration event could not be read");
          seen.delete(event.documentId);
          continue;
        }
      }
      if (document) await push(document);
    }
    stop();
  });
}
