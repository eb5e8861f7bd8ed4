/**
 * The FIS write side (spec §2.2-2.4, §4): acknowledgements, posting and payment confirmations of many concurrent
 * callers coalesced into as few POSTs as the batch limit allows (spec Q11: ≤100 items), each caller answered with one
 * outcome per document, classified by service code: done, already done, retry later, or failed for good.
 */
import type { Logger } from "../../logger.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { openBatchWindow } from "../client/batch-window.js";
import { createPumpedQueues, type PumpedQueue } from "../client/pumped-queues.js";
import type { Caller } from "../client/caller.js";
import type { ConcurClient, RetryPolicy } from "../client/pipeline.js";
import { FIS_SCOPE, fisPaths, systemIdFor, type FisDocType } from "./paths.js";
import type { WireOutcomeItem, WirePaymentConfirmation, WirePostingConfirmation } from "./wire.js";

/** The three FIS POSTs. */
export type FisOperation = "acknowledge" | "postingConfirmation" | "paymentConfirmation";

/**
 * How an outcome may be treated. The writer alone answers SUCCEEDED, ALREADY_DONE, RETRY_LATER, FAILED or UNCERTAIN
 * (an "already done" answer after an attempt of ours may have been applied, or no answer at all: FIS cannot say whose
 * it was). The claim ledger (services/fis-ledger.ts) settles UNCERTAIN and adds CONFLICT (other values on record).
 */
export type FisOutcomeStatus = "SUCCEEDED" | "ALREADY_DONE" | "RETRY_LATER" | "FAILED" | "UNCERTAIN" | "CONFLICT";

/** One document's answer to one caller. */
export interface FisOutcome {
  docId: string;
  /** FIS service code (spec §4); null when no answer came (transport failure). */
  code: number | null;
  /** FIS result (`SUCCESS`, `FAILURE`, `NOOP`, `WAS_RECALLED`, …), or the gateway's error code when none came. */
  result: string;
  message: string;
  detailMessage: string | null;
  status: FisOutcomeStatus;
  /** `paymentRef` FIS echoed (payment confirmations). */
  paymentRef: string | null;
  /** POSTs that carried this document (1 unless 199 "retry later" answers were retried). */
  attempts: number;
  /** An earlier attempt of the POST that answered may have been applied (5xx, network error), or none answered. */
  maybeApplied: boolean;
}

/** What one caller asks for one document: the document id and (confirmations) its wire item. */
export type FisWriteItem =
  | { docId: string }
  | { docId: string; posting: WirePostingConfirmation }
  | { docId: string; payment: WirePaymentConfirmation };

export interface FisWriteTarget {
  caller: Caller;
  companyId: string;
  docType: FisDocType;
  operation: FisOperation;
}

/** Options of {@link createFisWriter}. */
export interface FisWriterOptions {
  client: ConcurClient;
  logger?: Logger;
  /**
   * Quiet time that closes a batching window, ms. Default 100: a posting loop is not latency-bound, and under a burst
   * of mutations the gateway's own request handling spaces their arrivals by tens of ms.
   */
  batchWindowMs?: number;
  /** Longest a window stays open while items keep arriving, ms. Default 1000. */
  maxBatchWindowMs?: number;
  /** Items per POST (spec Q11, [INFERRED] 100). */
  maxItemsPerPost?: number;
  /** Extra sends of a document answered 199 "unknown error, retry later". Default 2. */
  unknownErrorRetries?: number;
  /** Delay before such a re-send, ms; doubles per attempt. Default 200. */
  unknownErrorDelayMs?: number;
  /** Retries of a POST answered 5xx / lost on the network (a re-sent item then reports 101/113/213). */
  retry?: RetryPolicy;
  /** Writes received but not queued yet: windows wait for them (see client/batch-window.ts). */
  pendingArrivals?: () => number;
}

export interface FisWriter {
  /** Queues one caller's items; resolves with one outcome per item, in item order. */
  enqueue(target: FisWriteTarget, items: FisWriteItem[]): Promise<FisOutcome[]>;
  /** Sends everything queued and waits for it. */
  drain(): Promise<void>;
  /** From now on `enqueue` rejects with SHUTTING_DOWN. */
  close(): void;
  readonly pending: number;
}

/** 5xx and network errors are retried (spec §4: HTTP 500 may succeed later); 429s waited out. */
const FIS_WRITE_POLICY: RetryPolicy = { retries: 3, minTimeoutMs: 200, maxTimeoutMs: 5_000, max429Waits: 10 };

interface Slot {
  item: FisWriteItem;
  attempts: number;
  done?: FisOutcome;
  /** Not before (ms epoch): a 199 re-send waits. */
  notBefore: number;
  /** Some POST that carried it may have been applied (a 5xx or network error before its answer). */
  maybeApplied: boolean;
}

interface Entry {
  slots: Slot[];
  resolve: (outcomes: FisOutcome[]) => void;
  reject: (error: unknown) => void;
}

interface KeyQueue extends PumpedQueue<Entry> {
  target: FisWriteTarget;
}

/** Result field per operation. */
const RESULT_FIELD: Record<FisOperation, keyof WireOutcomeItem> = {
  acknowledge: "acknowledgeResult",
  postingConfirmation: "postingConfirmationResult",
  paymentConfirmation: "paymentConfirmationResult",
};

/** FIS's "this was done before" answers (spec §4): 101, 113, 213 and 298 NOOP. */
export function isAlreadyDone(operation: FisOperation, code: number | null, result: string): boolean {
  return (
    (operation === "acknowledge" && code === 101) ||
    (operation === "postingConfirmation" && code === 113) ||
    (operation === "paymentConfirmation" && (code === 213 || (code === 298 && result.toUpperCase() === "NOOP")))
  );
}

/**
 * Classifies one answered item (spec §4 and its [INFERRED] retry policy): 0 done; 199 retry later; 101 / 113 / 213 /
 * 298-NOOP already done — but UNCERTAIN when an earlier attempt of the same POST may have been applied (5xx,
 * timeout): FIS's answer is the same whether that attempt or another caller did it (every caller of a company sends
 * the same systemId), so only the claim ledger can tell; everything else failed for this document.
 */
export function classifyOutcome(operation: FisOperation, code: number | null, result: string, context: { maybeApplied: boolean }): FisOutcomeStatus {
  if (code === 0) return "SUCCEEDED";
  if (code === 199) return "RETRY_LATER";
  if (code === null) return "UNCERTAIN";
  if (!isAlreadyDone(operation, code, result)) return "FAILED";
  return context.maybeApplied ? "UNCERTAIN" : "ALREADY_DONE";
}

const codeOf = (value: unknown): number | null => {
  const n = Number(value === null || value === undefined ? Number.NaN : String(value));
  return Number.isInteger(n) ? n : null;
};

export function createFisWriter(options: FisWriterOptions): FisWriter {
  const { client, logger } = options;
  const windowMs = options.batchWindowMs ?? 100;
  const maxWindowMs = Math.max(windowMs, options.maxBatchWindowMs ?? 1000);
  const maxItems = options.maxItemsPerPost ?? 100;
  const retries199 = options.unknownErrorRetries ?? 2;
  const delay199 = options.unknownErrorDelayMs ?? 200;
  const policy = options.retry ?? FIS_WRITE_POLICY;
  const queues = createPumpedQueues<Entry, KeyQueue>({ pump: (queue) => pump(queue), name: "FIS writer", logger });
  let closed = false;

  function enqueue(target: FisWriteTarget, items: FisWriteItem[]): Promise<FisOutcome[]> {
    if (closed) return Promise.reject(new CodedError(ErrorCode.SHUTTING_DOWN, "the gateway is shutting down; retry on another instance"));
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const entry: Entry = { slots: items.map((item) => ({ item, attempts: 0, notBefore: 0, maybeApplied: false })), resolve, reject };
      // One queue per (company, doc type, operation, token): only one token's calls share a POST.
      const key = `${target.companyId.toLowerCase()}|${target.docType}|${target.operation}|${target.caller.key}`;
      queues.push(key, () => ({ key, target, entries: [] }), entry);
    });
  }


  /** The shared batching window (client/batch-window.ts), closed early once a POST is full. */
  async function window(queue: KeyQueue): Promise<void> {
    const open = openBatchWindow({ windowMs, maxWindowMs, maxHeldWindowMs: 5 * maxWindowMs, pendingArrivals: options.pendingArrivals });
    queue.wake = open.close;
    queue.arrived = () => (waitingItems(queue) >= maxItems ? open.close() : open.arrived());
    if (closed || waitingItems(queue) >= maxItems) open.close();
    await open.closed;
    queue.wake = queue.arrived = undefined;
  }

  async function pump(queue: KeyQueue): Promise<void> {
    await window(queue);
    // One POST at a time per key (spec Q5: FIS calls serialised); what arrives meanwhile joins the next one, after a
    // window of its own unless a full POST is already waiting.
    let first = true;
    while (queue.entries.length > 0) {
      if (!first && waitingItems(queue) < maxItems) await window(queue);
      first = false;
      const now = Date.now();
      const batch = planBody(queue, now);
      if (batch.length === 0) {
        // Only 199 re-sends are waiting: sleep until the first may go.
        const next = Math.min(...queue.entries.flatMap((e) => e.slots.filter((s) => !s.done).map((s) => s.notBefore)));
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, next - now)));
        continue;
      }
      await send(queue, batch);
      for (const entry of [...queue.entries]) {
        if (entry.slots.every((s) => s.done)) {
          queue.entries.splice(queue.entries.indexOf(entry), 1);
          entry.resolve(entry.slots.map((s) => s.done!));
        }
      }
    }
  }

  function waitingItems(queue: KeyQueue): number {
    let n = 0;
    for (const e of queue.entries) for (const s of e.slots) if (!s.done) n++;
    return n;
  }

  /**
   * The next body: pending items in arrival order, at most `maxItems`, each document at most once — a second
   * request for the same document (another caller) goes in a later POST, so FIS answers it 101/113 and only one
   * caller is ever told it acknowledged the document.
   */
  function planBody(queue: KeyQueue, now: number): Slot[] {
    const out: Slot[] = [];
    const ids = new Set<string>();
    for (const entry of queue.entries) {
      for (const slot of entry.slots) {
        if (slot.done || slot.notBefore > now || ids.has(slot.item.docId)) continue;
        ids.add(slot.item.docId);
        out.push(slot);
        if (out.length >= maxItems) return out;
      }
    }
    return out;
  }

  async function send(queue: KeyQueue, batch: Slot[]): Promise<void> {
    const { caller, companyId, docType, operation } = queue.target;
    const systemId = systemIdFor(companyId);
    const path =
      operation === "acknowledge" ? fisPaths.acknowledgements(docType) : operation === "postingConfirmation" ? fisPaths.postingConfirmations(docType) : fisPaths.paymentConfirmations(docType);
    const body =
      operation === "acknowledge"
        ? { ids: batch.map((s) => s.item.docId), systemId }
        : operation === "postingConfirmation"
          ? { systemId, postingConfirmations: batch.map((s) => (s.item as { posting: WirePostingConfirmation }).posting) }
          : { systemId, processingConfirmation: batch.map((s) => (s.item as { payment: WirePaymentConfirmation }).payment) };
    for (const slot of batch) slot.attempts += 1;
    logger?.debug({ key: queue.key, items: batch.length }, "sending FIS POST");
    let answer: { items: WireOutcomeItem[]; maybeApplied: boolean };
    try {
      const res = await client.request<unknown>({ method: "POST", path, caller, companyId, body, retry: policy, parse: "lossless", scopeHint: FIS_SCOPE });
      if (!Array.isArray(res.body)) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered the ${operation} POST without an array of results`, { correlationId: res.correlationId });
      answer = { items: res.body as WireOutcomeItem[], maybeApplied: res.maybeApplied };
    } catch (error) {
      const coded = error instanceof CodedError ? error : new CodedError(ErrorCode.UPSTREAM_ERROR, "the FIS call failed");
      // The caller's token or input is wrong: the whole operation fails with that error.
      if (coded.code === ErrorCode.UNAUTHENTICATED || coded.code === ErrorCode.FORBIDDEN || coded.code === ErrorCode.BAD_USER_INPUT || coded.code === ErrorCode.NEEDS_RECONNECT) {
        failEntries(queue, batch, coded);
        return;
      }
      // Concur unreachable after retries (or a timeout): this document's answer is unknown, it may have been applied.
      for (const slot of batch) {
        slot.done = {
          docId: slot.item.docId,
          code: null,
          result: coded.code,
          message: `${coded.message}. It may have been applied.`,
          detailMessage: null,
          status: "UNCERTAIN",
          paymentRef: null,
          attempts: slot.attempts,
          maybeApplied: true,
        };
      }
      return;
    }
    batch.forEach((slot, i) => {
      // Answers come in request order; match by docId where FIS says which document it means.
      const item = answer.items[i]?.docId === slot.item.docId ? answer.items[i] : (answer.items.find((it) => it?.docId === slot.item.docId) ?? answer.items[i]);
      if (!item) {
        slot.done = { docId: slot.item.docId, code: null, result: ErrorCode.UPSTREAM_ERROR, message: "Concur's answer did not mention this document", detailMessage: null, status: "UNCERTAIN", paymentRef: null, attempts: slot.attempts, maybeApplied: true };
        return;
      }
      const code = codeOf(item.code);
      const result = String(item[RESULT_FIELD[operation]] ?? (code === 0 ? "SUCCESS" : "FAILURE"));
      const message = item.errorMessage ? String(item.errorMessage) : "";
      slot.maybeApplied ||= answer.maybeApplied;
      const status = classifyOutcome(operation, code, result, { maybeApplied: slot.maybeApplied });
      if (code === 199 && slot.attempts <= retries199) {
        slot.notBefore = Date.now() + delay199 * 2 ** (slot.attempts - 1);
        return;
      }
      slot.done = {
        docId: slot.item.docId,
        code,
        result,
        message,
        detailMessage: item.detailMessage ? String(item.detailMessage) : null,
        status,
        paymentRef: item.paymentRef ? String(item.paymentRef) : null,
        attempts: slot.attempts,
        maybeApplied: slot.maybeApplied,
      };
    });
  }

  function failEntries(queue: KeyQueue, batch: Slot[], error: CodedError): void {
    const hit = new Set(batch);
    for (const entry of [...queue.entries]) {
      if (!entry.slots.some((s) => hit.has(s))) continue;
      queue.entries.splice(queue.entries.indexOf(entry), 1);
      entry.reject(error);
    }
  }

  return {
    enqueue,
    drain: queues.drain,
    close() {
      closed = true;
    },
    get pending() {
      return queues.count(waitingItems);
    },
  };
}
