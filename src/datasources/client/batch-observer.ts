/**
 * What a write batcher reports about its queue, its pacing and each batch it sends (metrics, traces): the batchers
 * know nothing of either, they call these hooks. Every member is optional and must not throw.
 */
export interface WriteBatchObserver {
  /**
   * A write was queued; called in its caller's async context. What it returns comes back, one per write, in
   * {@link WriteBatch.origins} (the tracing hook keeps the caller's trace context this way).
   */
  queued?(): unknown;
  /** A pacing slot (one call per second per endpoint) was granted after waiting `seconds`; every acquire, re-sends included. */
  pacerWaited?(seconds: number): void;
  /** A batch is about to leave (after its pacing slot): its size and how long its writes waited queued. */
  batchLeaving?(batch: WriteBatch): void;
  /** Wraps one batch send (its upstream call, retries and 429 waits included); must call `send` once and return its result. */
  aroundSend?<T>(batch: WriteBatch, send: () => Promise<T>): Promise<T>;
}

/** One body a write batcher sends. */
export interface WriteBatch {
  /**
   * Which batcher: `accounting` (Accounting Integration bulk writes), `lists` (List Item bulk calls) or `invoice`
   * (Invoice vendor, bank and group calls; purchase orders and receipts, one per call).
   */
  writer: "accounting" | "lists" | "invoice";
  /**
   * What it writes: the object type (`accounts`, `vendors`, …), the list bulk kind (`list_items.create`,
   * `list_items.patch`) or the Invoice call (`vendors.create|update|delete`, `vendor_banks.put`,
   * `vendor_groups.add|remove`, `purchase_orders.create|update`, `po_receipts.create|replace|delete`).
   */
  target: string;
  /** Records (or bulk parts) in this body. */
  records: number;
  /** Request body bytes (0 when the writer does not measure them). */
  bytes: number;
  /** Seconds each write whose first body this is waited, from being queued until now. */
  queuedSeconds: number[];
  /** What {@link WriteBatchObserver.queued} returned for each write in this body. */
  origins: unknown[];
}

/** Runs `send` through the observer's wrapper, if any. */
export function observedSend<T>(observer: WriteBatchObserver | undefined, batch: WriteBatch, send: () => Promise<T>): Promise<T> {
  observer?.batchLeaving?.(batch);
  return observer?.aroundSend ? observer.aroundSend(batch, send) : send();
}
