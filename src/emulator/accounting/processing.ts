import { recordKey, toStoredRecord } from "./records.js";
import type { Erp, PendingWrite, RequestRecord, Store } from "./store.js";
import type { TimerSet } from "../core/timers.js";
import type { Clock, JsonObject, ValidationError } from "../core/types.js";
import type { ProcessingError, RequestState } from "./types.js";
import { validateDelete, validateUpsert } from "./validation.js";

export interface ProcessingDeps {
  store: Store;
  timers: TimerSet;
  now: Clock;
  delayMs: () => number;
  paused: () => boolean;
  /** Called once per request after its final status is set (emits data.statusUpdated). */
  onFinished: (request: RequestRecord) => void;
}

interface QueuedWrite {
  write: PendingWrite;
  /** Real-time (not the injectable clock) instant the write may be processed. */
  readyAt: number;
}

/**
 * Asynchronous processing of accepted data writes, strictly in acceptance order per (company, ERP, object type):
 * a key's next write starts only after the previous one finished.
 */
export class ProcessingQueue {
  private readonly queues = new Map<string, QueuedWrite[]>();
  private readonly active = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: ProcessingDeps) {}

  enqueue(write: PendingWrite): void {
    const { companyId, erpId, objectType } = write.request;
    const key = `${companyId}|${erpId}|${objectType}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = [];
      this.queues.set(key, queue);
    }
    queue.push({ write, readyAt: Date.now() + this.deps.delayMs() });
    this.pump(key);
  }

  /** Restarts every queue (after processing was un-paused). */
  resume(): void {
    for (const key of this.queues.keys()) this.pump(key);
  }

  /** Drops every pending write (admin reset). */
  reset(): void {
    for (const handle of this.active.values()) this.deps.timers.clear(handle);
    this.active.clear();
    this.queues.clear();
  }

  private pump(key: string): void {
    if (this.active.has(key) || this.deps.paused()) return;
    const queue = this.queues.get(key);
    const head = queue?.[0];
    if (!queue || !head) {
      this.queues.delete(key);
      return;
    }
    const handle = this.deps.timers.set(() => {
      this.active.delete(key);
      if (this.deps.paused()) return;
      queue.shift();
      this.process(head.write);
      this.pump(key);
    }, head.readyAt - Date.now());
    if (handle) this.active.set(key, handle);
  }

  private process(write: PendingWrite): void {
    const { companyId, erpId, requestId } = write.request;
    const erp = this.deps.store.findErp(companyId, erpId);
    // The ERP may have been deleted (or the store reset) while the write waited: nothing left to apply or report.
    if (!erp || erp.requests.get(requestId) !== write.request) return;
    applyWrite(erp, write, this.deps.now());
    this.deps.onFinished(write.request);
  }
}

/**
 * Applies one write to the ERP's cache [INFERRED Q19/Q20]: deleteAll first, then upserts in array order
 * (a duplicate id: only its last occurrence counts), then `isDeleted` removals. Sets status and errors (Q8).
 */
export function applyWrite(erp: Erp, write: PendingWrite, nowMs: number): void {
  const { request } = write;
  const type = request.objectType;
  const set = erp.data[type];
  const errors: ProcessingError[] = [];
  let ok = 0;
  const fail = (raw: JsonObject, validationErrors: ValidationError[]) => {
    errors.push({
      companyId: request.companyId,
      erpId: request.erpId,
      requestId: request.requestId,
      errorCode: "dataInvalid.requestIdProcessingErrors",
      errorMessage: "Failed to validate the input data",
      objectType: type,
      values: JSON.stringify(raw),
      validationErrors,
    });
  };

  // Spec 1.2c: deleteAll on lists removes list names but keeps their mappings.
  if (write.deleteAll || write.replaceAll) set.clear();

  const upserts: JsonObject[] = [];
  const deletes: JsonObject[] = [];
  for (const raw of write.data) {
    // PUT taxData ignores isDeleted (spec 1.2d).
    if (raw.isDeleted === true && !write.replaceAll) deletes.push(raw);
    else upserts.push(raw);
  }
  const lastIndex = new Map<string, number>();
  upserts.forEach((raw, i) => {
    const key = recordKey(type, raw);
    if (key !== undefined) lastIndex.set(key, i);
  });
  upserts.forEach((raw, i) => {
    const key = recordKey(type, raw);
    if (key !== undefined && lastIndex.get(key) !== i) return; // superseded by a later occurrence
    const validationErrors = validateUpsert(type, raw, key === undefined ? undefined : set.get(key));
    if (validationErrors.length > 0 || key === undefined) return fail(raw, validationErrors);
    set.upsert(key, toStoredRecord(type, raw), nowMs);
    ok += 1;
  });
  for (const raw of deletes) {
    const validationErrors = validateDelete(type, raw);
    const key = recordKey(type, raw);
    if (validationErrors.length > 0 || key === undefined) {
      fail(raw, validationErrors);
      continue;
    }
    // Deleting an id that is not cached is not an error [INFERRED]: the end state is what the client asked for.
    set.delete(key);
    if (type === "LIST") removeListMapping(erp, key);
    ok += 1;
  }
  request.errors = errors;
  request.status = finalStatus(ok, errors.length);
}

/** Q8: SUCCESS = no errors; PARTIAL = some ok and some failed; ERROR = everything failed. */
export function finalStatus(ok: number, failed: number): RequestState {
  if (failed === 0) return "SUCCESS";
  return ok === 0 ? "ERROR" : "PARTIAL";
}

/** Spec 1.2c: a single list-name delete also removes its mapping to a Concur list. */
function removeListMapping(erp: Erp, erpListId: string): void {
  for (const file of erp.mappings.files) {
    file.listMappings = file.listMappings.filter((m) => m.erpListId !== erpListId);
  }
}
