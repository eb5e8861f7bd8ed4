// Concur Invoice master data (Vendor v3.1, Purchase Order v3.0, Receipt v3.0): the long-lived reader and writers,
// sharing one pacer so a company has one Invoice write call in flight, INVOICE_WRITE_INTERVAL_MS apart.
import type { Redis } from "ioredis";
import {
  createInvoiceVendorReader,
  createInvoiceVendorWriter,
  createPurchaseOrderClient,
  createPacer,
  INVOICE_WRITE_INTERVAL_MS,
  type ConcurClient,
  type InvoiceVendorReader,
  type InvoiceVendorWriter,
  type Pacer,
  type PurchaseOrderClient,
  type WriteBatchObserver,
} from "../datasources/index.js";
import type { Logger } from "../logger.js";

export interface InvoiceServices {
  vendorReader: InvoiceVendorReader;
  vendorWriter: InvoiceVendorWriter;
  /** Purchase orders and goods receipts: one per call, paced with the vendor writes. */
  purchaseOrders: PurchaseOrderClient;
  /** The company's Invoice write pacing (purchase orders and receipts take their slots here too). */
  pacer: Pacer;
  drain(): Promise<void>;
}

export interface InvoiceServiceOptions {
  client: ConcurClient;
  logger: Logger;
  batchWindowMs: number;
  pendingArrivals: () => number;
  /** With Redis the pace holds across replicas. */
  redis?: Redis;
  /** Default INVOICE_WRITE_INTERVAL_MS. */
  writeIntervalMs?: number;
  /** The write-batch observer of the vendor writes and the purchase-order and receipt writes (metrics, traces). */
  observer?: WriteBatchObserver;
}

export function createInvoiceServices(options: InvoiceServiceOptions): InvoiceServices {
  const intervalMs = options.writeIntervalMs ?? INVOICE_WRITE_INTERVAL_MS;
  const pacer = createPacer({ intervalMs, redis: options.redis, keyPrefix: "concur-graph:pace:invoice" });
  const vendorReader = createInvoiceVendorReader({ client: options.client });
  const vendorWriter = createInvoiceVendorWriter({ client: options.client, pacer, logger: options.logger, batchWindowMs: options.batchWindowMs, maxWindowMs: intervalMs, pendingArrivals: options.pendingArrivals, observer: options.observer });
  return {
    vendorReader,
    vendorWriter,
    purchaseOrders: createPurchaseOrderClient({ client: options.client, pacer, observer: options.observer }),
    pacer,
    async drain() {
      vendorWriter.close();
      await vendorWriter.drain();
    },
  };
}
