// The long-lived FIS services (built once in createServices): reader (walk snapshots in the shared store), the
// coalescing writer, the READY poller, and the webhook's row for the FIS topic.
import type Keyv from "keyv";
import { createFisReader, createFisWriter, FIS_TOPIC, parseFisEvent, type ConcurClient, type FisReader, type FisWriter } from "../datasources/index.js";
import { createFisEventIngest, type EventTopic, type GatewayPubSub } from "../subscriptions/index.js";
import type { Logger } from "../logger.js";
import type { ClaimLedger } from "../connections/store/index.js";
import { createFisPoller, type FisPoller } from "./fis-poller.js";
import type { WriteArrivals } from "./write-arrivals.js";

export interface FisServices {
  reader: FisReader;
  writer: FisWriter;
  /** Who owns each acknowledgement and confirmation (services/fis-claims.ts). */
  ledger: ClaimLedger;
  /** Config `fisClaimLeaseMs`. */
  leaseMs: number;
  poller: FisPoller;
  logger: Logger;
  /** Mutations on their way to the write queue: a claim or confirmation holds the writer's window until it has queued. */
  arrivals?: WriteArrivals;
  /** The webhook receiver's rows for the FIS topic. */
  topics: Record<string, EventTopic>;
  drain(): Promise<void>;
  close(): void;
}

export interface FisServicesOptions {
  client: ConcurClient;
  store: Keyv;
  pubsub: GatewayPubSub;
  logger: Logger;
  /** Config `fisPollIntervalMs`. */
  pollIntervalMs: number;
  /** Config `batchWindowMs`; FIS waits at least 100 ms of quiet (see FisWriterOptions.batchWindowMs). */
  batchWindowMs: number;
  /** Mutations received but not yet queued (services/write-arrivals.ts). */
  arrivals?: WriteArrivals;
  /** The claim ledger: SQL in managed mode, memory in passthrough. */
  ledger: ClaimLedger;
  /** Config `fisClaimLeaseMs`. */
  leaseMs: number;
}

export function createFisServices(options: FisServicesOptions): FisServices {
  const { client, store, pubsub, logger } = options;
  const reader = createFisReader({ client, store });
  const writer = createFisWriter({ client, logger, batchWindowMs: Math.max(options.batchWindowMs, 100), pendingArrivals: options.arrivals && (() => options.arrivals!.pending) });
  const poller = createFisPoller({ reader, pubsub, intervalMs: options.pollIntervalMs, logger });
  return {
    reader,
    writer,
    ledger: options.ledger,
    leaseMs: options.leaseMs,
    poller,
    logger,
    arrivals: options.arrivals,
    topics: { [FIS_TOPIC]: { parse: parseFisEvent, onEvent: createFisEventIngest({ pubsub, logger }) } as EventTopic },
    async drain() {
      writer.close();
      await writer.drain();
    },
    close() {
      poller.close();
    },
  };
}
