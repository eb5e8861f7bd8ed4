import type { Redis } from "ioredis";
import { openBatchWindow } from "../../client/batch-window.js";
import { createPumpedQueues, type PumpedQueue } from "../../client/pumped-queues.js";
import { createPacer, heldSlot, type PacingSlot } from "../../client/pacing.js";
import { observedSend, type WriteBatch, type WriteBatchObserver } from "../../client/batch-observer.js";
import type { ConcurClient } from "../../client/pipeline.js";
import { CodedError, ErrorCode } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import { listErrorFromResponse } from "../errors.js";
import { LIST_SCOPES, listPaths, MAX_BULK_PARTS } from "../paths.js";
import type { BulkCreatePart, BulkPatchPart } from "../wire/index.js";
import { BULK_POLICY, partCode, sendBulk, type BulkKind, type BulkOutcome, type BulkTarget, type PartOf, type PartOutcome } from "./bulk.js";

/** One caller's item write. Parents are named by long code (bulk parts know no parent ids). */
export type ItemWrite =
  | { kind: "create"; shortCode: string; value: string; parentCode?: string }
  | { kind: "update"; code: string; value: string }
  | { kind: "delete"; code: string };

/** Options of {@link createListItemWriter}. */
export interface ListItemWriterOptions {
  client: ConcurClient;
  logger?: Logger;
  /** Quiet time that closes the first batching window of an idle list, ms (config `batchWindowMs`). Default 25. */
  batchWindowMs?: number;
  /**
   * Minimum gap between two bulk calls of one company, ms. Default 1 000 (spec Q1 default: ≤1 bulk call/s per
   * company, one at a time per list). With `redis` it holds across replicas.
   */
  intervalMs?: number;
  redis?: Redis;
  /** Key prefix of the pacing counters. Default `concur-graph:pace:list`. */
  keyPrefix?: string;
  /** Called after each bulk call that changed something (cache invalidation, events). Errors are logged. */
  onWritten?: (companyId: string, listId: string) => void | Promise<void>;
  /** Longest the first window stays open during a steady stream of writes, ms. Default: the pacing interval (as accounting). */
  maxBatchWindowMs?: number;
  /**
   * Writes this process has received but not queued yet (mutations still being parsed, or a create reading its
   * parent): while there are any, the first window stays open past `maxBatchWindowMs`, up to `maxHeldWindowMs`.
   */
  pendingArrivals?: () => number;
  /** Hard bound of the first window while writes are still arriving, ms. Default 5 pacing intervals (as accounting). */
  maxHeldWindowMs?: number;
  /** Time queued, pacer waits and each coalesced bulk call (metrics, traces). Default none. */
  observer?: WriteBatchObserver;
}

export interface ListItemWriter {
  /**
   * Queues one item write; concurrent writes to one list coalesce into bulk calls of at most 250 parts (creates
   * apart from updates/deletes; parents before children). Resolves with this write's own part outcome.
   */
  enqueue(target: BulkTarget, write: ItemWrite): Promise<PartOutcome>;
  /** One bulk call in the company's pacing slot (the list sync's chunks), in the same FIFO as `enqueue`. */
  send<K extends BulkKind>(target: BulkTarget, kind: K, parts: PartOf<K>[]): Promise<BulkOutcome>;
  /** I5: removes one item (and its children) from this list only; other lists keep it. Paced like the bulk calls. */
  removeFromList(target: BulkTarget, itemId: string): Promise<void>;
  drain(): Promise<void>;
  close(): void;
  readonly pending: number;
}

interface Entry {
  group: BulkKind;
  code: string;
  part: BulkCreatePart | BulkPatchPart;
  resolve: (outcome: PartOutcome) => void;
  reject: (error: unknown) => void;
  /** performance.now() when queued (time-queued metric). */
  queuedAt: number;
  /** What the observer's `queued` returned in the caller's context (its trace context). */
  origin: unknown;
}

interface ListQueue extends PumpedQueue<Entry> {
  target: BulkTarget;
}

export function createListItemWriter(options: ListItemWriterOptions): ListItemWriter {
  const { client, logger, observer } = options;
  const windowMs = options.batchWindowMs ?? 25;
  const intervalMs = options.intervalMs ?? 1000;
  // The accounting writer's rule and bounds (client/batch-window.ts), so a burst takes the same calls whatever the load.
  const maxWindowMs = Math.max(windowMs, options.maxBatchWindowMs ?? intervalMs);
  const maxHeldWindowMs = Math.max(maxWindowMs, options.maxHeldWindowMs ?? 5 * intervalMs);
  const pendingArrivals = options.pendingArrivals ?? (() => 0);
  const pacer = createPacer({ intervalMs, redis: options.redis, keyPrefix: options.keyPrefix ?? "concur-graph:pace:list" });
  const queues = createPumpedQueues<Entry, ListQueue>({ pump: (queue) => pump(queue), name: "list item writer", logger });
  let closed = false;

  const paced = async <T>(companyId: string, run: (slot: PacingSlot) => Promise<T>): Promise<T> => {
    const slot = await heldSlot(pacer, companyId, observer?.pacerWaited);
    try {
      return await run(slot);
    } finally {
      await slot.dispose();
    }
  };

  const written = async (companyId: string, listId: string) => {
    try {
      await options.onWritten?.(companyId, listId);
    } catch (error) {
      logger?.warn({ err: error, listId }, "list onWritten hook failed");
    }
  };


  async function pump(queue: ListQueue): Promise<void> {
    // First window (rule in client/batch-window.ts): concurrent item writes share a bulk call whatever the load.
    const window = openBatchWindow({ windowMs, maxWindowMs, maxHeldWindowMs, pendingArrivals });
    queue.wake = window.close;
    queue.arrived = window.arrived;
    if (closed) window.close();
    await window.closed;
    queue.arrived = queue.wake = undefined;
    while (queue.entries.length > 0) {
      // The batch is taken once the slot is held: writes that arrived while waiting for it join this call.
      await paced(queue.target.companyId, async (slot) => {
        const batch = takeBatch(queue.entries);
        const group = batch[0].group;
        const now = performance.now();
        const leaving: WriteBatch = { writer: "lists", target: `list_items.${group}`, records: batch.length, bytes: 0, queuedSeconds: batch.map((e) => (now - e.queuedAt) / 1000), origins: batch.map((e) => e.origin) };
        try {
          const outcome = await observedSend(observer, leaving, () =>
            sendBulk(client, queue.target, group, batch.map((e) => e.part) as PartOf<typeof group>[], slot),
          );
          logger?.debug({ key: queue.key, group, parts: batch.length, status: outcome.httpStatus }, "list bulk call");
          batch.forEach((entry, i) => entry.resolve(outcome.parts[i]));
          if (outcome.parts.some((p) => p.ok)) await written(queue.target.companyId, queue.target.listId);
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      });
    }
  }

  return {
    enqueue(target, write) {
      if (closed) return Promise.reject(new CodedError(ErrorCode.SHUTTING_DOWN, "the gateway is shutting down; retry on another instance"));
      const entry = toEntry(write);
      return new Promise<PartOutcome>((resolve, reject) => {
        const key = `${target.companyId}/${target.listId}/${target.caller.key}`;
        queues.push(key, () => ({ key, target, entries: [] }), { ...entry, resolve, reject, queuedAt: performance.now(), origin: observer?.queued?.() });
      });
    },
    async send(target, kind, parts) {
      const outcome = await paced(target.companyId, (slot) => sendBulk(client, target, kind, parts, slot));
      if (outcome.parts.some((p) => p.ok)) await written(target.companyId, target.listId);
      return outcome;
    },
    async removeFromList(target, itemId) {
      const path = listPaths.itemInList(target.listId, itemId);
      const res = await paced(target.companyId, (slot) =>
        client.request({ method: "DELETE", path, caller: target.caller, companyId: target.companyId, pacing: slot, retry: BULK_POLICY, throwOnError: false, scopeHint: LIST_SCOPES.itemDelete }),
      );
      if (res.status < 200 || res.status >= 300) throw listErrorFromResponse(res, { method: "DELETE", what: `item ${itemId} of list ${target.listId}`, scope: LIST_SCOPES.itemDelete });
      await written(target.companyId, target.listId);
    },
    drain: queues.drain,
    close() {
      closed = true;
    },
    get pending() {
      return queues.count((q) => q.entries.length);
    },
  };
}

function toEntry(write: ItemWrite): Omit<Entry, "resolve" | "reject" | "queuedAt" | "origin"> {
  switch (write.kind) {
    case "create": {
      const part: BulkCreatePart = { shortCode: write.shortCode, value: write.value };
      if (write.parentCode) part.parentCode = write.parentCode;
      return { group: "create", code: partCode("create", part), part };
    }
    case "update":
      return { group: "patch", code: write.code, part: { code: write.code, value: write.value } };
    default:
      return { group: "patch", code: write.code, part: { code: write.code, deleted: true } };
  }
}

/** Depth of a long code (hyphens are refused inside short codes, so they only separate levels). */
const depth = (code: string) => code.split("-").length;
const related = (a: string, b: string) => a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`);

/**
 * Takes the next bulk body off the queue (removing its entries): the head's group (creates, or updates+deletes), at
 * most 250 parts, each long code once, never overtaking a queued write of the other group on the same item or
 * subtree; creates sorted parents first (stable), since parts run in order.
 */
export function takeBatch(entries: Entry[]): Entry[] {
  const group = entries[0].group;
  const taken: Entry[] = [];
  const codes = new Set<string>();
  const blocked: string[] = [];
  for (let i = 0; i < entries.length && taken.length < MAX_BULK_PARTS; ) {
    const entry = entries[i];
    const waits = entry.group !== group || codes.has(entry.code) || blocked.some((b) => related(b, entry.code));
    if (waits) {
      blocked.push(entry.code);
      i++;
      continue;
    }
    taken.push(entry);
    codes.add(entry.code);
    entries.splice(i, 1);
  }
  if (group === "create") taken.sort((a, b) => depth(a.code) - depth(b.code));
  return taken;
}
