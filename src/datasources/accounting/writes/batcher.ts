import type { Redis } from "ioredis";
import { openBatchWindow } from "../../client/batch-window.js";
import { createPumpedQueues, type PumpedQueue } from "../../client/pumped-queues.js";
import { createPacer, heldSlot, type PacingSlot } from "../../client/pacing.js";
import { observedSend, type WriteBatch, type WriteBatchObserver } from "../../client/batch-observer.js";
import { CodedError, ErrorCode, badInput } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import { MAX_PATCH_BYTES, MAX_RECORD_BYTES, PACING_MARGIN_MS, PATCH_INTERVAL_MS } from "./limits.js";
import { jsonBytes, planPatchBatches, type PlanOp, type PlannedPatch } from "./plan.js";
import type { ConcurClient } from "../../client/pipeline.js";
import { deriveRequestId, isUuid, newRequestId, sendWrite, type WriteRetryOptions } from "./send.js";
import type { RejectedRecord, RequestStatus, WriteOp, WriteResult, WriteTarget, WriteType } from "./types.js";

/** Options of {@link createWriteBatcher}. */
export interface WriteBatcherOptions {
  /** The Concur client pipeline every write goes through. */
  client: ConcurClient;
  logger?: Logger;
  /**
   * Quiet time that closes the first batching window of an idle key, ms: the window stays open while writes
   * keep arriving less than this apart (a burst of mutations shares one PATCH), up to `maxBatchWindowMs`.
   * A lone write leaves after this long. Default 25 (config `batchWindowMs`).
   */
  batchWindowMs?: number;
  /** Longest the first window stays open during a steady stream of writes, ms. Default: the pacing interval. */
  maxBatchWindowMs?: number;
  /**
   * Writes this process has received but not queued yet (mutations still being parsed or validated): while there
   * are any, the first window stays open past `maxBatchWindowMs`, up to `maxHeldWindowMs`. Default none.
   */
  pendingArrivals?: () => number;
  /** Hard bound of the first window while writes are still arriving, ms. Default 5 pacing intervals. */
  maxHeldWindowMs?: number;
  /** Minimum gap between two writes of one (company, ERP, type), ms. Default PATCH_INTERVAL_MS + PACING_MARGIN_MS. */
  intervalMs?: number;
  /**
   * Shared Redis: pacing then holds across gateway replicas (RateLimiterRedis, with an in-memory insurance
   * limiter if Redis fails). Default: in-process pacing (RateLimiterMemory).
   */
  redis?: Redis;
  /** Key prefix of the pacing counters. Default `concur-graph:pace:write`. */
  keyPrefix?: string;
  /** Default MAX_PATCH_BYTES. */
  maxPatchBytes?: number;
  /** Default MAX_RECORD_BYTES. */
  maxRecordBytes?: number;
  /** Tuning of the idempotent-write retry policy (5xx / network errors / timeouts / 429). */
  retry?: WriteRetryOptions;
  /** Called after each accepted write (cache invalidation). Errors are logged, never surfaced. */
  onWritten?: (companyId: string, erpId: string, type: WriteType) => void | Promise<void>;
  /** Time queued, pacer waits and each batch send (metrics, traces). Default none. */
  observer?: WriteBatchObserver;
}

/** Per-call options of {@link WriteBatcher.enqueue}. */
export interface EnqueueOptions {
  /**
   * The caller's own request id (UUID) for end-to-end idempotency: this op then goes alone in its own write,
   * sent with `If-None-Match: requestId`; a repeat with the same id returns the same upstream request.
   */
  requestId?: string;
}

export interface WriteBatcher {
  /** Queues one caller's write; resolves when all of its records were accepted upstream (202). */
  enqueue(target: WriteTarget, op: WriteOp, options?: EnqueueOptions): Promise<WriteResult>;
  /** Sends everything queued (still paced) and waits for every write in flight. */
  drain(): Promise<void>;
  /** From now on `enqueue` rejects with SHUTTING_DOWN. Call `drain()` after it for a graceful stop. */
  close(): void;
  /** Writes queued or in flight (for health and tests). */
  readonly pending: number;
}

/** One caller's write while it waits. */
interface Entry {
  target: WriteTarget;
  /** Remaining plan ops, in order (oversized records already removed). */
  ops: PlanOp[];
  requestId?: string;
  parts: number;
  sentIds: string[];
  requests: RequestStatus[];
  rejected: RejectedRecord[];
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
  /** performance.now() when queued (time-queued metric). */
  queuedAt: number;
  /** What the observer's `queued` returned in the caller's context (its trace context). */
  origin: unknown;
}

/** The queue of one batching key: (company, ERP, type, caller.key). */
interface KeyQueue extends PumpedQueue<Entry> {
  paceKey: string;
}

/**
 * The per-process write batcher.
 *
 * Why not DataLoader: a DataLoader batch answers every key when the whole batch resolves, and a dispatched
 * batch cannot take more keys. Here one window's writes may need several PATCHes (each caller must be answered
 * when its own PATCH is accepted), and writes arriving while a key waits for its next 1-second slot must join
 * that next PATCH. So each batching key has a plain FIFO queue and one pump:
 *
 *   first write of an idle key -> wait until writes stop arriving (openBatchWindow: quiet for `batchWindowMs`,
 *   one more I/O poll without a write, no received mutation still on its way; at most the pacing interval, or 5
 *   while mutations are still on their way; past the interval, once a poll brings none of a burst already readable)
 *   -> wait for a pacing slot of (company, ERP, type)
 *   -> take everything queued -> plan -> send the FIRST planned body -> answer the callers it finished
 *   -> leave the rest queued -> next slot … until the queue is empty.
 *
 * Pacing is a RateLimiterQueue (FIFO, never rejects) over a 1-point limiter per (company, ERP, type), shared by
 * all callers and, with Redis, by all replicas.
 */
export function createWriteBatcher(options: WriteBatcherOptions): WriteBatcher {
  const { client, logger, observer } = options;
  const onPacerWait = observer?.pacerWaited;
  const windowMs = options.batchWindowMs ?? 25;
  const intervalMs = options.intervalMs ?? PATCH_INTERVAL_MS + PACING_MARGIN_MS;
  const maxWindowMs = Math.max(windowMs, options.maxBatchWindowMs ?? intervalMs);
  const maxHeldWindowMs = Math.max(maxWindowMs, options.maxHeldWindowMs ?? 5 * intervalMs);
  const pendingArrivals = options.pendingArrivals ?? (() => 0);
  const maxPatchBytes = options.maxPatchBytes ?? MAX_PATCH_BYTES;
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const pacer = createPacer({ intervalMs, redis: options.redis, keyPrefix: options.keyPrefix ?? "concur-graph:pace:write" });
  const queues = createPumpedQueues<Entry, KeyQueue>({ pump: (queue) => pump(queue), name: "write batcher", logger });
  let closed = false;

  function enqueue(target: WriteTarget, op: WriteOp, enqueueOptions: EnqueueOptions = {}): Promise<WriteResult> {
    if (closed) return Promise.reject(new CodedError(ErrorCode.SHUTTING_DOWN, "the gateway is shutting down; retry on another instance"));
    const requestId = enqueueOptions.requestId;
    if (requestId !== undefined && !isUuid(requestId)) {
      return Promise.reject(badInput(`requestId: ${JSON.stringify(requestId)} is not a UUID`, { field: "requestId" }));
    }
    if (op.kind === "delete" && target.type === "taxData") {
      return Promise.reject(badInput("taxData has no per-record delete: use replace (PUT) to set the full tax data"));
    }
    const { ops, rejected } = toPlanOps(op, target.type, maxRecordBytes);
    if (ops.length === 0 && rejected.length === 0) {
      return Promise.reject(badInput(`nothing to write: the ${op.kind} lists no ${op.kind === "delete" ? "ids" : "records"}`));
    }
    if (ops.length === 0) {
      // Nothing left to send (every record over the limit): answer now, do not wipe anything.
      return Promise.reject(rejected.length === 1 ? rejected[0]!.error : combineTooLarge(rejected.map((r) => r.error)));
    }
    return new Promise<WriteResult>((resolve, reject) => {
      const entry: Entry = {
        target,
        ops,
        requestId,
        parts: 0,
        sentIds: [],
        requests: [],
        rejected: rejected.map((r) => ({ id: r.id, code: r.error.code, message: r.error.message })),
        resolve,
        reject,
        queuedAt: performance.now(),
        origin: observer?.queued?.(),
      };
      const paceKey = `${target.companyId}/${target.erpId}/${target.type}`;
      const key = `${paceKey}/${target.caller.key}`;
      queues.push(key, () => ({ key, paceKey, entries: [] }), entry);
    });
  }

  async function pump(queue: KeyQueue): Promise<void> {
    // First window (rule in client/batch-window.ts): a burst of concurrent mutations goes out in one PATCH
    // instead of "what came in the first 25 ms" plus the rest, whatever the machine's load.
    const window = openBatchWindow({ windowMs, maxWindowMs, maxHeldWindowMs, pendingArrivals });
    queue.wake = window.close;
    queue.arrived = window.arrived;
    if (closed) window.close(); // draining: no point waiting for company
    await window.closed;
    queue.wake = queue.arrived = undefined;
    while (queue.entries.length > 0) {
      const slot = await heldSlot(pacer, queue.paceKey, onPacerWait);
      try {
        await sendNext(queue, slot);
      } finally {
        await slot.dispose();
      }
    }
  }

  /** Plans what is queued now and sends the first body; the rest stays queued for the next slot. */
  async function sendNext(queue: KeyQueue, slot: PacingSlot): Promise<void> {
    const head = queue.entries[0]!;
    // A caller-supplied request id maps to exactly that caller's records: such an entry goes alone.
    const batch = head.requestId ? [head] : takeWhile(queue.entries, (e) => !e.requestId);
    const flat: PlanOp[] = [];
    const owner: Array<{ entry: Entry; local: number }> = [];
    for (const entry of batch) {
      entry.ops.forEach((op, local) => {
        flat.push(op);
        owner.push({ entry, local });
      });
    }
    const { target } = head;
    const plan = planPatchBatches(flat, { maxPatchBytes, maxRecordBytes, type: target.type });
    const patch = plan.patches[0]!;
    const carried = entriesIn(patch, owner);
    const requestId = head.requestId ? deriveRequestId(head.requestId, head.parts) : newRequestId();
    const method = target.type === "taxData" ? (patch.body.deleteAll ? "PUT" : "POST") : "PATCH";
    const now = performance.now();
    const carriedEntries = [...carried.keys()];
    const leaving: WriteBatch = {
      writer: "accounting",
      target: target.type,
      records: patch.body.data.length,
      bytes: patch.bytes,
      queuedSeconds: carriedEntries.filter((e) => e.parts === 0).map((e) => (now - e.queuedAt) / 1000),
      origins: carriedEntries.map((e) => e.origin),
    };

    let request: RequestStatus;
    try {
      request = await observedSend(observer, leaving, () => {
        logger?.debug({ key: queue.key, requestId, records: patch.body.data.length, bytes: patch.bytes, callers: carried.size, queuedBodies: plan.patches.length }, "sending write");
        return sendWrite(client, { method, caller: target.caller, companyId: target.companyId, erpId: target.erpId, type: target.type, body: patch.body }, {
          ...options.retry,
          requestId,
          callerSuppliedId: Boolean(head.requestId),
          pacing: slot,
          logger,
        });
      });
    } catch (error) {
      // Exactly the callers in this body get the error; their remaining parts are dropped (never half-replace).
      for (const entry of carried.keys()) remove(queue, entry);
      for (const entry of carried.keys()) entry.reject(error);
      return;
    }

    if (options.onWritten) {
      try {
        await options.onWritten(target.companyId, target.erpId, target.type);
      } catch (error) {
        logger?.warn({ err: error, key: queue.key }, "onWritten hook failed");
      }
    }

    for (const [entry, sent] of carried) {
      entry.parts += 1;
      entry.requests.push(request);
      for (const item of sent.items) entry.sentIds.push(item.id);
      entry.ops = remainingOps(entry.ops, sent);
      if (entry.ops.length === 0) {
        remove(queue, entry);
        entry.resolve({ request, requests: entry.requests, sentIds: entry.sentIds, rejected: entry.rejected });
      }
    }
  }

  return {
    enqueue,
    drain: queues.drain,
    close() {
      closed = true;
    },
    get pending() {
      return queues.count((q) => q.entries.length);
    },
  };
}

/** What one entry has in a planned body: its items (ids, replaceAll record indexes) and whether it starts its replace. */
interface Carried {
  items: Array<{ local: number; record?: number; id: string }>;
  startsReplace?: number;
}

function entriesIn(patch: PlannedPatch, owner: Array<{ entry: Entry; local: number }>): Map<Entry, Carried> {
  const out = new Map<Entry, Carried>();
  const get = (entry: Entry) => {
    let c = out.get(entry);
    if (!c) out.set(entry, (c = { items: [] }));
    return c;
  };
  if (patch.replaceOp !== undefined) {
    const o = owner[patch.replaceOp]!;
    get(o.entry).startsReplace = o.local;
  }
  for (const item of patch.items) {
    const o = owner[item.op]!;
    get(o.entry).items.push({ local: o.local, record: item.record, id: item.id });
  }
  return out;
}

/** The entry's ops after `sent` went out: sent ops dropped; a replace cut in the middle continues as plain upserts. */
function remainingOps(ops: PlanOp[], sent: Carried): PlanOp[] {
  const sentOps = new Set<number>();
  const sentRecords = new Map<number, Set<number>>();
  for (const item of sent.items) {
    if (item.record === undefined) sentOps.add(item.local);
    else {
      let set = sentRecords.get(item.local);
      if (!set) sentRecords.set(item.local, (set = new Set()));
      set.add(item.record);
    }
  }
  const out: PlanOp[] = [];
  ops.forEach((op, local) => {
    if (sentOps.has(local)) return;
    if (op.kind === "replaceAll" && (sentRecords.has(local) || sent.startsReplace === local)) {
      // deleteAll already went out: the rest of the replace must not wipe what was just sent.
      const done = sentRecords.get(local) ?? new Set<number>();
      op.records.forEach((record, r) => {
        if (!done.has(r)) out.push({ kind: "upsert", record, bytes: op.bytes?.[r] });
      });
      return;
    }
    out.push(op);
  });
  return out;
}

function remove(queue: KeyQueue, entry: Entry): void {
  const i = queue.entries.indexOf(entry);
  if (i >= 0) queue.entries.splice(i, 1);
}

function takeWhile<T>(items: T[], keep: (item: T) => boolean): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (!keep(item)) break;
    out.push(item);
  }
  return out;
}

/** Turns one caller's op into plan ops, removing records over the per-record limit up front. */
function toPlanOps(op: WriteOp, type: WriteType, maxRecordBytes: number): { ops: PlanOp[]; rejected: Array<{ id: string; error: CodedError }> } {
  const single: PlanOp[] =
    op.kind === "upsert"
      ? op.records.map((record) => ({ kind: "upsert", record, bytes: jsonBytes(record) }))
      : op.kind === "delete"
        ? op.ids.map((id) => ({ kind: "delete", id }))
        : [{ kind: "replaceAll", records: op.records, bytes: op.records.map(jsonBytes) }];
  // The planner is the one place that judges record size; run it on this op alone to learn what it refuses.
  const { rejected } = planPatchBatches(single, { maxRecordBytes, maxPatchBytes: Number.MAX_SAFE_INTEGER, type });
  if (rejected.length === 0) return { ops: single, rejected: [] };
  const out = rejected.map((r) => ({ id: r.id, error: r.error }));
  if (op.kind === "replaceAll") {
    const bad = new Set(rejected.map((r) => r.record));
    const records = op.records.filter((_, r) => !bad.has(r));
    const bytes = op.records.map(jsonBytes).filter((_, r) => !bad.has(r));
    // A replace whose every record is refused must not go out as a bare deleteAll.
    return { ops: records.length === 0 ? [] : [{ kind: "replaceAll", records, bytes }], rejected: out };
  }
  const bad = new Set(rejected.map((r) => r.op));
  return { ops: single.filter((_, i) => !bad.has(i)), rejected: out };
}

function combineTooLarge(errors: CodedError[]): CodedError {
  const shown = errors.slice(0, 10).map((e) => e.message);
  const more = errors.length > 10 ? `; and ${errors.length - 10} more` : "";
  return new CodedError(ErrorCode.PAYLOAD_TOO_LARGE, `${shown.join("; ")}${more}`, { recordIds: errors.map((e) => e.extensions.recordId) });
}
