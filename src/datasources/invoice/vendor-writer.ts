// Vendor writes coalesced per company: concurrent creates share POST calls, updates share PUT calls, bank accounts share
// PUT /vendor/banks calls (up to the per-call record limit); deletes and group changes have no bulk form and go one per
// call. Every call waits for the company's invoice pacing slot (one write in flight, INVOICE_WRITE_INTERVAL_MS apart).
// Each caller gets its own record's outcome from the per-record StatusList, not the HTTP status (vendor spec Q2).
import { observedSend, type WriteBatch, type WriteBatchObserver } from "../client/batch-observer.js";
import { openBatchWindow } from "../client/batch-window.js";
import type { Caller } from "../client/caller.js";
import { heldSlot, type Pacer, type PacingSlot } from "../client/pacing.js";
import { IDEMPOTENT_WRITE_POLICY, SEND_ONCE_POLICY, type ConcurClient, type ConcurResponse } from "../client/pipeline.js";
import { createPumpedQueues, type PumpedQueue } from "../client/pumped-queues.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { invoiceErrorFromResponse } from "./errors.js";
import { itemsOf, legacyErrorMessage } from "./forms.js";
import { INVOICE_SCOPES, invoicePaths, MAX_VENDORS_PER_CALL, withQuery } from "./paths.js";
import { outcomeOf, recordNumberOf, toWireBank, toWireVendor, vendorKey, type InvoiceVendorBankRecord, type InvoiceVendorRecord, type RecordStatus } from "./vendor-model.js";
import type { WireStatus } from "./wire.js";

/** One caller's vendor write. */
export type VendorWrite =
  | { kind: "create"; vendor: InvoiceVendorRecord; clear?: readonly string[] }
  | { kind: "update"; vendor: InvoiceVendorRecord; clear?: readonly string[] }
  | { kind: "delete"; vendorCode: string; addressCode: string }
  | { kind: "bank"; bank: InvoiceVendorBankRecord }
  | { kind: "addGroups"; vendorCode: string; addressCode: string; groups: string[] }
  | { kind: "removeGroup"; vendorCode: string; addressCode: string; group: string };

/** This write's own outcome. */
export interface VendorWriteOutcome {
  ok: boolean;
  /** The record's StatusList as Concur answered it (fields named in GraphQL terms). */
  statuses: RecordStatus[];
  /** Records in the call this write went in. */
  batchSize: number;
}

export interface InvoiceVendorWriterOptions {
  client: ConcurClient;
  /** The company's invoice write pacer (shared with the purchase-order writes). */
  pacer: Pacer;
  logger?: Logger;
  /** Quiet time that closes the first batching window, ms (config `batchWindowMs`). Default 25. */
  batchWindowMs?: number;
  /** Cap of the window, ms. Default 1000. */
  maxWindowMs?: number;
  /** Records per POST/PUT. Default MAX_VENDORS_PER_CALL. */
  maxRecordsPerCall?: number;
  pendingArrivals?: () => number;
  /** How long each pacing-slot acquire waited, seconds (metrics). Default the observer's `pacerWaited`. */
  onPacerWait?: (seconds: number) => void;
  /** Queue time, pacing waits and each call as a write batch (writer `invoice`): metrics and traces. */
  observer?: WriteBatchObserver;
  /** After a call that changed something. Errors are logged. */
  onWritten?: (companyId: string) => void | Promise<void>;
}

export interface InvoiceVendorWriter {
  write(caller: Caller, companyId: string, write: VendorWrite): Promise<VendorWriteOutcome>;
  drain(): Promise<void>;
  close(): void;
  readonly pending: number;
}

type Kind = VendorWrite["kind"];
const BULK: ReadonlySet<Kind> = new Set<Kind>(["create", "update", "bank"]);

interface Entry {
  write: VendorWrite;
  key: string;
  resolve: (outcome: VendorWriteOutcome) => void;
  reject: (error: unknown) => void;
  /** performance.now() when queued, and whether a call carried it already (a split sends it again). */
  queuedAt: number;
  sent?: boolean;
  /** What the observer's `queued` returned in the caller's context (its trace context). */
  origin?: unknown;
}

/** The write-batch target of a call of `kind` (the `target` label of the write-batch metrics and span names). */
const TARGETS: Record<Kind, string> = {
  create: "vendors.create",
  update: "vendors.update",
  delete: "vendors.delete",
  bank: "vendor_banks.put",
  addGroups: "vendor_groups.add",
  removeGroup: "vendor_groups.remove",
};

interface CompanyQueue extends PumpedQueue<Entry> {
  caller: Caller;
  companyId: string;
}

const keyOf = (write: VendorWrite): string => {
  switch (write.kind) {
    case "create":
    case "update":
      return vendorKey(write.vendor.vendorCode, write.vendor.addressCode);
    case "bank":
      return vendorKey(write.bank.vendorCode, write.bank.addressCode ?? "");
    default:
      return vendorKey(write.vendorCode, write.addressCode);
  }
};

export function createInvoiceVendorWriter(options: InvoiceVendorWriterOptions): InvoiceVendorWriter {
  const { client, logger, pacer, observer } = options;
  const onPacerWait = options.onPacerWait ?? observer?.pacerWaited;
  const windowMs = options.batchWindowMs ?? 25;
  const maxWindowMs = options.maxWindowMs ?? 1000;
  const configuredMax = Math.max(1, Math.min(options.maxRecordsPerCall ?? MAX_VENDORS_PER_CALL, MAX_VENDORS_PER_CALL));
  /** A smaller limit learnt from a 400 "exceeds the request limit", per company. */
  const learntMax = new Map<string, number>();
  const queues = createPumpedQueues<Entry, CompanyQueue>({ pump: (queue) => pump(queue), name: "invoice vendor writer", logger });
  let closed = false;

  const written = async (companyId: string) => {
    try {
      await options.onWritten?.(companyId);
    } catch (error) {
      logger?.warn({ err: error }, "invoice onWritten hook failed");
    }
  };

  async function pump(queue: CompanyQueue): Promise<void> {
    const window = openBatchWindow({ windowMs, maxWindowMs, maxHeldWindowMs: 5 * maxWindowMs, pendingArrivals: options.pendingArrivals });
    queue.wake = window.close;
    queue.arrived = window.arrived;
    if (closed) window.close();
    await window.closed;
    queue.arrived = queue.wake = undefined;
    while (queue.entries.length > 0) {
      const slot = await heldSlot(pacer, queue.companyId, onPacerWait);
      try {
        // Taken once the slot is held: writes that arrived while waiting join this call.
        const batch = takeBatch(queue.entries, learntMax.get(queue.companyId) ?? configuredMax);
        await send(queue, batch, slot);
      } finally {
        await slot.dispose();
      }
    }
  }

  async function send(queue: CompanyQueue, batch: Entry[], slot: PacingSlot): Promise<void> {
    const now = performance.now();
    const leaving: WriteBatch = {
      writer: "invoice",
      target: TARGETS[batch[0].write.kind],
      records: batch.length,
      bytes: 0,
      queuedSeconds: batch.filter((e) => !e.sent).map((e) => (now - e.queuedAt) / 1000),
      origins: batch.map((e) => e.origin),
    };
    for (const entry of batch) entry.sent = true;
    try {
      const outcomes = await observedSend(observer, leaving, () => call(queue, batch, slot));
      if (outcomes === "split") return; // halves went back to the head of the queue
      batch.forEach((entry, i) => entry.resolve(outcomes[i]));
      if (outcomes.some((o) => o.ok)) await written(queue.companyId);
    } catch (error) {
      for (const entry of batch) entry.reject(maybeApplied(batch[0].write.kind, error));
    }
  }

  /** One upstream call for `batch`; per-entry outcomes in batch order, or "split" after a 400 that names the request limit. */
  async function call(queue: CompanyQueue, batch: Entry[], slot: PacingSlot): Promise<VendorWriteOutcome[] | "split"> {
    const head = batch[0].write;
    const base = { caller: queue.caller, companyId: queue.companyId, pacing: slot, throwOnError: false, scopeHint: INVOICE_SCOPES.vendors };
    let res: ConcurResponse<unknown>;
    let inputKey = "Vendor";
    let what = "vendors";
    switch (head.kind) {
      case "create":
      case "update": {
        const records = batch.map((e) => {
          const w = e.write as Extract<VendorWrite, { kind: "create" | "update" }>;
          return toWireVendor(w.vendor, w.clear);
        });
        // POST creates (sent once: a repeat would answer duplicates for what did succeed); PUT merges the same values again.
        res = await client.request({ ...base, method: head.kind === "create" ? "POST" : "PUT", path: invoicePaths.vendors(), body: { Vendor: records }, retry: head.kind === "create" ? SEND_ONCE_POLICY : IDEMPOTENT_WRITE_POLICY });
        break;
      }
      case "bank":
        inputKey = "VendorBank";
        what = "vendor banks";
        res = await client.request({ ...base, method: "PUT", path: invoicePaths.banks(), body: { VendorBank: batch.map((e) => toWireBank((e.write as Extract<VendorWrite, { kind: "bank" }>).bank)) }, retry: IDEMPOTENT_WRITE_POLICY });
        break;
      case "delete":
        res = await client.request({ ...base, method: "DELETE", path: withQuery(invoicePaths.vendors(), { vendorCode: head.vendorCode, addressCode: head.addressCode }), retry: SEND_ONCE_POLICY });
        break;
      case "addGroups":
        inputKey = "VendorGroup";
        what = "vendor groups";
        res = await client.request({ ...base, method: "PUT", path: withQuery(invoicePaths.groups(), { vendorCode: head.vendorCode, addressCode: head.addressCode }), body: { VendorGroup: head.groups.map((Name) => ({ Name })) }, retry: IDEMPOTENT_WRITE_POLICY });
        break;
      case "removeGroup":
        inputKey = "VendorGroup";
        what = "vendor groups";
        res = await client.request({ ...base, method: "DELETE", path: withQuery(invoicePaths.groups(), { vendorCode: head.vendorCode, addressCode: head.addressCode, groupName: head.group }), retry: SEND_ONCE_POLICY });
        break;
    }
    if (res.status === 400 && batch.length > 1 && /exceed|too many|limit/i.test(legacyErrorMessage(res.body) ?? "")) {
      // A 400 applies nothing: halve the call size for this company and send both halves again, in order.
      const half = Math.ceil(batch.length / 2);
      learntMax.set(queue.companyId, half);
      logger?.warn({ records: batch.length, now: half }, "Concur refused the vendor call size; halving it");
      queue.entries.unshift(...batch);
      return "split";
    }
    if (res.status < 200 || res.status >= 300) throw invoiceErrorFromResponse(res, { method: head.kind, what, scope: INVOICE_SCOPES.vendors });
    if (head.kind === "addGroups") {
      // One call, one caller, one status list per group: the write succeeded when every group was added.
      const groups = itemsOf<{ StatusList?: WireStatus[] | WireStatus; Name?: string }>(res.body, inputKey).map((g) => outcomeOf(g?.StatusList));
      const statuses = groups.flatMap((g) => g.statuses);
      return [{ ok: groups.length === head.groups.length && groups.every((g) => g.ok), statuses, batchSize: 1 }];
    }
    return outcomesOf(batch, itemsOf<{ StatusList?: WireStatus[] | WireStatus; VendorCode?: string; AddressCode?: string }>(res.body, inputKey), res.body);
  }

  return {
    write(caller, companyId, write) {
      if (closed) return Promise.reject(new CodedError(ErrorCode.SHUTTING_DOWN, "the gateway is shutting down; retry on another instance"));
      return new Promise<VendorWriteOutcome>((resolve, reject) => {
        const key = `${companyId}/${caller.key}`;
        queues.push(key, () => ({ key, caller, companyId, entries: [] }), { write, key: keyOf(write), resolve, reject, queuedAt: performance.now(), origin: observer?.queued?.() });
      });
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

/**
 * The next call's entries (removed from the queue): the head's kind; for the bulk kinds every later entry of that kind
 * up to `max`, never overtaking a queued write of another kind on the same vendor address.
 */
export function takeBatch(entries: Entry[], max: number): Entry[] {
  const kind = entries[0].write.kind;
  if (!BULK.has(kind)) return entries.splice(0, 1);
  const taken: Entry[] = [];
  const blocked = new Set<string>();
  for (let i = 0; i < entries.length && taken.length < max; ) {
    const entry = entries[i];
    if (entry.write.kind !== kind || blocked.has(entry.key)) {
      blocked.add(entry.key);
      i++;
      continue;
    }
    taken.push(entry);
    entries.splice(i, 1);
  }
  return taken;
}

/**
 * Per-entry outcomes from the records Concur echoed: by `RecordNumber` (1-based index into the request), else by
 * position, else by vendor codes when they are unique. An entry Concur said nothing about is not reported as done.
 */
function outcomesOf(batch: Entry[], records: Array<{ StatusList?: WireStatus[] | WireStatus; VendorCode?: string; AddressCode?: string }>, body: unknown): VendorWriteOutcome[] {
  const byIndex = new Map<number, RecordStatus[] | { ok: boolean; statuses: RecordStatus[] }>();
  records.forEach((record, i) => {
    const number = recordNumberOf(record?.StatusList);
    let index = number !== undefined && number <= batch.length ? number - 1 : i;
    if (number === undefined && record?.VendorCode !== undefined && batch.length !== records.length) {
      const key = vendorKey(String(record.VendorCode), String(record.AddressCode ?? ""));
      const matches = batch.map((e, j) => (e.key === key ? j : -1)).filter((j) => j >= 0);
      if (matches.length === 1) index = matches[0];
    }
    if (index < batch.length && !byIndex.has(index)) byIndex.set(index, outcomeOf(record?.StatusList));
  });
  // A single-record call (DELETE, groups) may answer a status list without records.
  if (records.length === 0 && batch.length === 1 && body && typeof body === "object" && "StatusList" in body) {
    byIndex.set(0, outcomeOf((body as { StatusList?: WireStatus[] }).StatusList));
  }
  return batch.map((_, i) => {
    const found = byIndex.get(i) as { ok: boolean; statuses: RecordStatus[] } | undefined;
    if (found) return { ...found, batchSize: batch.length };
    return { ok: false, batchSize: batch.length, statuses: [{ type: "UNKNOWN", code: "", message: "Concur's answer held no status for this record: read the vendor back before sending it again" }] };
  });
}

/**
 * A create (POST, sent once) that failed in a way Concur may have applied (5xx, timeout, lost connection) says so: the
 * caller must read the vendor before sending it again, never assume it was not created.
 */
function maybeApplied(kind: Kind, error: unknown): unknown {
  if (kind !== "create" && kind !== "delete") return error;
  if (!(error instanceof CodedError) || (error.code !== ErrorCode.UPSTREAM_UNAVAILABLE && error.code !== ErrorCode.UPSTREAM_TIMEOUT)) return error;
  const what = kind === "create" ? "create" : "delete";
  return new CodedError(error.code, `${error.message}. The ${what} may have been applied: read the vendor (invoiceVendor) before sending it again`, { ...error.extensions, maybeApplied: true });
}
