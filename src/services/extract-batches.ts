// Closing a payment batch the way SAP documents it (SAP-docs v1.payment-batches): the asynchronous v1.2 close, then
// wait until Payment Batches lists the batch as CLOSED, then the synchronous v1.1 call for its File-Url (on a closed
// batch it only (re)generates the file; a v1.1 close of a large OPEN batch times out). The documented "no reports" 500
// is an outcome, not an error.
//
// Exactly once: one run per batch does that sequence. Concurrent and repeated calls for the batch join the run in
// progress (in this process; across replicas through a Redis lock and a shared record), a batch already listed
// CLOSED is never closed again, and a file already fetched is answered from the record. The mutation answers within
// `answerWithinMs`: a run still waiting for Concur then goes on in the background and its state can be asked later.
import { randomUUID } from "node:crypto";
import type Keyv from "keyv";
import type { Redis } from "ioredis";
import { canonicalCompanyId } from "../company-id.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Caller, FilesApi } from "../datasources/index.js";
import type { Logger } from "../logger.js";

export type BatchCloseResultKind = "CLOSED" | "CLOSED_FILE_PENDING" | "CLOSING" | "EMPTY_BATCH";

export interface BatchCloseResult {
  outcome: BatchCloseResultKind;
  companyId: string;
  batchId: string;
  batchStatus: string | null;
  requestStatus: string | null;
  jobQueueKey: string | null;
  /** JobRunKey of the file (from File-Url), when one is known. */
  fileKey: string | null;
  message: string;
  /** EMPTY_BATCH: wait at least this long (the documented advice: 30 minutes). */
  retryAfterSeconds: number | null;
}

/** The documented advice of the empty-batch error. */
export const EMPTY_BATCH_RETRY_SECONDS = 30 * 60;

/**
 * What the gateway knows of one batch's close, shared by replicas (the keyv store: Redis when configured).
 * CLOSING: the v1.2 close is being sent or was sent (written before the POST), the batch is not listed CLOSED yet.
 * CLOSED: listed CLOSED; the file is being fetched, or its fetch failed (`fileError`). DONE: the file is known.
 * EMPTY: Concur's documented refusal (kept briefly, so callers joining from another replica hear it).
 */
interface CloseRecord {
  state: "CLOSING" | "CLOSED" | "DONE" | "EMPTY";
  /** When the v1.2 close was (about to be) sent; absent when the batch was found closed already. */
  closeSentAt?: number;
  requestStatus: string | null;
  jobQueueKey: string | null;
  batchStatus: string | null;
  fileKey: string | null;
  /** CLOSED: why the last file request failed. */
  fileError?: string;
  /** EMPTY: Concur's message. */
  message?: string;
  /** Cache-key identity of the caller whose token produced the record (passthrough: another token is checked first). */
  callerKey: string;
  updatedAt: number;
}

/** Options of {@link createPaymentBatchCloser}. */
export interface PaymentBatchCloserOptions {
  files: FilesApi;
  /** Shared records (the gateway's keyv store). */
  store: Keyv;
  /** Replicas: one run per batch across them (SET NX PX lock). Without it, one run per batch in this process. */
  redis?: Redis;
  logger: Logger;
  /** Longest a close or file mutation waits for its run before answering what is known, ms. Config `PAYMENT_BATCH_CLOSE_ANSWER_MS`, default 20000. */
  answerWithinMs: number;
  /** First pause between batch-list checks while waiting for CLOSED, ms; doubles up to the max. Config `PAYMENT_BATCH_POLL_MIN_MS` (1000) / `_MAX_MS` (15000). */
  pollMinMs: number;
  pollMaxMs: number;
  /** How long after the close a run keeps waiting for the batch to be listed CLOSED, ms. Config `PAYMENT_BATCH_CLOSE_WAIT_MS`, default 1800000. */
  closeWaitMs: number;
  /** Lifetime of a record, ms. Default 24 h. */
  recordTtlMs?: number;
  now?: () => number;
}

export interface PaymentBatchCloser {
  /** closePaymentBatch: close (once), wait for CLOSED, fetch the file; bounded by `answerWithinMs`. */
  close(caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult>;
  /** paymentBatchFile: the file of a closed batch (v1.1 regenerates it), joining a run in progress instead. */
  file(caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult>;
  /** What the gateway knows of the batch's close (no close sent); null when it knows nothing. */
  status(caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult | null>;
  /** Runs in progress in this process (tests, metrics). */
  running(): number;
  /** Stops the background waits (gateway stop). */
  stop(): void;
}

type RunMode = "close" | "file";

const EMPTY_RECORD_TTL_MS = 60_000;
const LOCK_TTL_MS = 30_000;
const RELEASE_LUA = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW_LUA = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export function createPaymentBatchCloser(options: PaymentBatchCloserOptions): PaymentBatchCloser {
  const { files, store, redis, logger } = options;
  const now = options.now ?? Date.now;
  const recordTtlMs = options.recordTtlMs ?? 24 * 3_600_000;
  /** Runs of this process, by batch key; every caller of the batch waits on the same promise. */
  const runs = new Map<string, Promise<CloseRecord | null>>();
  const stopping = new AbortController();

  const keyOf = (companyId: string, batchId: string) => `paybatch:${canonicalCompanyId(companyId)}:${batchId}`;

  async function read(key: string): Promise<CloseRecord | undefined> {
    try {
      return (await store.get<CloseRecord>(key)) ?? undefined;
    } catch (err) {
      logger.warn({ err, key }, "payment batch record unreadable");
      return undefined;
    }
  }

  async function write(key: string, record: CloseRecord): Promise<void> {
    try {
      await store.set(key, { ...record, updatedAt: now() }, record.state === "EMPTY" ? EMPTY_RECORD_TTL_MS : recordTtlMs);
    } catch (err) {
      // The run goes on: only replicas joining it and retries after a restart lose sight of it.
      logger.warn({ err, key }, "payment batch record not written");
    }
  }

  async function forget(key: string): Promise<void> {
    await store.delete(key).catch((err: unknown) => logger.warn({ err, key }, "payment batch record not deleted"));
  }

  /** The replica-wide lock of a batch's run: true when this process holds it (or there is no Redis to ask). */
  async function lock(key: string, owner: string): Promise<boolean> {
    if (!redis) return true;
    try {
      return (await redis.set(`lock:${key}`, owner, "PX", LOCK_TTL_MS, "NX")) === "OK";
    } catch (err) {
      logger.warn({ err, key }, "payment batch lock unavailable; this replica runs the close alone");
      return true;
    }
  }

  function heldLock(key: string, owner: string): () => Promise<void> {
    if (!redis) return async () => {};
    // Renewed while the run lasts (it may wait for Concur for many minutes); it expires soon after a crash.
    const renew = setInterval(() => void redis.eval(RENEW_LUA, 1, `lock:${key}`, owner, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
    renew.unref();
    return async () => {
      clearInterval(renew);
      await redis.eval(RELEASE_LUA, 1, `lock:${key}`, owner).catch(() => undefined);
    };
  }

  async function isListedClosed(caller: Caller, companyId: string, batchId: string): Promise<boolean> {
    const closed = await files.listBatches(caller, companyId, "CLOSED");
    return closed.some((batch) => batch.id === batchId);
  }

  /** Resolves after `ms`, or at once when the gateway stops (false). */
  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopping.signal.aborted) return resolve(false);
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener("abort", onStop);
        resolve(true);
      }, ms);
      const onStop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      stopping.signal.addEventListener("abort", onStop, { once: true });
    });

  /**
   * One batch's sequence, with the caller that started it: close with v1.2 unless the batch is closed already (or a
   * close was sent and is still within its wait), wait with backoff until it is listed CLOSED, then v1.1 for the file.
   * Each step is recorded before the next, so a joiner, a retry or another replica continues from it.
   */
  async function run(mode: RunMode, caller: Caller, companyId: string, batchId: string, key: string): Promise<CloseRecord | null> {
    let record = await read(key);
    const base = { requestStatus: null, jobQueueKey: null, batchStatus: null, fileKey: null, callerKey: caller.key, updatedAt: now() };
    if (mode === "close" && record?.state === "DONE") return record;
    const closeStillPending = record?.state === "CLOSING" && record.closeSentAt !== undefined && now() - record.closeSentAt < options.closeWaitMs;
    if (mode === "close" && record?.state !== "CLOSED" && !closeStillPending) {
      if (await isListedClosed(caller, companyId, batchId)) {
        // Closed already (by an earlier call, another system or by hand): never closed again.
        record = { ...base, state: "CLOSED", batchStatus: "CLOSED" };
      } else {
        // Recorded before the POST: whatever happens to this process, nobody sends the close again while it may be pending.
        record = { ...base, state: "CLOSING", closeSentAt: now() };
        await write(key, record);
        try {
          const closing = await files.closeBatchAsync(caller, companyId, batchId);
          if (closing.kind === "empty") {
            record = { ...base, state: "EMPTY", message: closing.message };
            await write(key, record);
            return record;
          }
          record = { ...record, requestStatus: closing.requestStatus, jobQueueKey: closing.jobQueueKey };
        } catch (error) {
          // A timeout or 5xx may have closed it (Concur can apply a request and fail to answer): the CLOSED list will
          // tell. Any other refusal did not close it, so the next call may send the close again.
          if (!isAmbiguous(error)) {
            await forget(key);
            throw error;
          }
          logger.warn({ err: error, companyId, batchId }, "payment batch close unanswered; waiting for the batch list to show it CLOSED");
        }
      }
      await write(key, record);
    }
    if (record?.state === "CLOSING") {
      // "Check batch status using Retrieve the List of Payment Batches": poll the CLOSED list with backoff.
      const deadline = (record.closeSentAt ?? now()) + options.closeWaitMs;
      let interval = options.pollMinMs;
      for (;;) {
        if (await isListedClosed(caller, companyId, batchId)) break;
        if (now() + interval > deadline) {
          logger.warn({ companyId, batchId, waitedMs: options.closeWaitMs }, "payment batch not listed CLOSED within PAYMENT_BATCH_CLOSE_WAIT_MS");
          return record;
        }
        if (!(await pause(interval))) return record;
        interval = Math.min(interval * 2, options.pollMaxMs);
      }
      record = { ...record, state: "CLOSED", batchStatus: "CLOSED" };
      await write(key, record);
    }
    // The file: v1.1 on the closed batch (for `file`, also on a batch nothing here knows of: it closes a small one).
    const known = record ?? { ...base, state: "CLOSED" as const };
    try {
      const file = await files.closeBatchSync(caller, companyId, batchId);
      if (file.kind === "empty") {
        record = { ...known, state: "EMPTY", message: file.message };
      } else {
        const { fileError: _cleared, ...rest } = known;
        record = { ...rest, state: file.fileKey ? "DONE" : "CLOSED", batchStatus: file.batchStatus ?? "CLOSED", requestStatus: file.requestStatus ?? known.requestStatus, fileKey: file.fileKey, callerKey: caller.key };
        if (!file.fileKey) record.fileError = "Concur sent no File-Url";
      }
    } catch (error) {
      // The batch is closed; only the file request failed: say so (the next call asks again), do not fail the close.
      // (Without a record, paymentBatchFile does not know the batch closed: its failure is the caller's answer.)
      if (!record || !isAmbiguous(error)) throw error;
      record = { ...known, state: "CLOSED", fileError: (error as CodedError).code };
    }
    await write(key, record);
    return record;
  }

  /**
   * This process's run of the batch, started if none is (wrapped: an async function would adopt the promise and wait
   * for the whole run); null when another replica holds the batch's lock.
   */
  async function runOf(mode: RunMode, caller: Caller, companyId: string, batchId: string, key: string): Promise<{ run: Promise<CloseRecord | null> } | null> {
    const running = runs.get(key);
    if (running) return { run: running };
    const owner = randomUUID();
    // Claim the slot synchronously so concurrent callers in this process cannot both reach the lock.
    let settle!: (run: Promise<CloseRecord | null>) => void;
    const slot = new Promise<CloseRecord | null>((resolve, reject) => (settle = (run) => run.then(resolve, reject)));
    slot.catch(() => undefined); // its callers see the failure; an unawaited slot must not be an unhandled rejection
    runs.set(key, slot);
    const release = () => {
      if (runs.get(key) === slot) runs.delete(key);
    };
    if (!(await lock(key, owner))) {
      release();
      settle(Promise.resolve(null));
      return null;
    }
    const unlock = heldLock(key, owner);
    const work = run(mode, caller, companyId, batchId, key).finally(async () => {
      release();
      await unlock();
    });
    settle(work);
    // A run outlives the request that started it: its failure is that request's answer (if still waiting) and logged.
    work.catch((err: unknown) => logger.warn({ err, companyId, batchId }, "payment batch run failed"));
    return { run: slot };
  }

  /** Waits for a run held by another replica: its shared record, until it is final or the answer bound passes. */
  async function recordOfOtherReplica(key: string, deadline: number): Promise<CloseRecord | null> {
    let interval = Math.min(100, options.pollMinMs);
    for (;;) {
      const record = await read(key);
      if (record && isFinal(record)) return record;
      if (now() + interval > deadline || !(await pause(interval))) return record ?? null;
      interval = Math.min(interval * 2, 1_000);
    }
  }

  async function answer(mode: RunMode, caller: Caller, companyId: string, batchId: string): Promise<BatchCloseResult> {
    const key = keyOf(companyId, batchId);
    const deadline = now() + options.answerWithinMs;
    if (mode === "close" && !runs.has(key)) {
      const done = await read(key);
      if (done?.state === "DONE") return toResult(await checkedFor(caller, companyId, done), companyId, batchId);
    }
    const started = await runOf(mode, caller, companyId, batchId, key);
    let record: CloseRecord | null = null;
    let ours = false;
    if (started) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<"pending">((resolve) => (timer = setTimeout(() => resolve("pending"), Math.max(0, deadline - now()))));
      try {
        const first = await Promise.race([started.run, bound]);
        ours = first !== null;
        record = first === "pending" ? ((await read(key)) ?? null) : first;
      } finally {
        clearTimeout(timer);
      }
    }
    // Another replica holds the batch's run: follow its shared record.
    if (!ours) record = await recordOfOtherReplica(key, deadline);
    // A caller joining a run or a record made with another token is answered once Concur accepted its own (passthrough).
    if (record) return toResult(await checkedFor(caller, companyId, record), companyId, batchId);
    return inProgress(companyId, batchId, ours ? "This gateway is closing the batch" : "Another gateway instance is closing this batch");
  }

  /** `record` for `caller`, after one read with its own token when the record was made with another (passthrough). */
  async function checkedFor(caller: Caller, companyId: string, record: CloseRecord): Promise<CloseRecord> {
    if (record.callerKey !== caller.key) await files.listBatches(caller, companyId, "CLOSED");
    return record;
  }

  return {
    close: (caller, companyId, batchId) => answer("close", caller, companyId, batchId),
    file: (caller, companyId, batchId) => answer("file", caller, companyId, batchId),
    async status(caller, companyId, batchId) {
      const record = await read(keyOf(companyId, batchId));
      return record ? toResult(await checkedFor(caller, companyId, record), companyId, batchId) : null;
    },
    running: () => runs.size,
    stop: () => stopping.abort(),
  };
}

/** An upstream failure that does not tell whether Concur applied the request. */
function isAmbiguous(error: unknown): boolean {
  return error instanceof CodedError && (error.code === ErrorCode.UPSTREAM_TIMEOUT || error.code === ErrorCode.UPSTREAM_UNAVAILABLE);
}

function isFinal(record: CloseRecord): boolean {
  return record.state === "DONE" || record.state === "EMPTY" || (record.state === "CLOSED" && record.fileError !== undefined);
}

function toResult(record: CloseRecord, companyId: string, batchId: string): BatchCloseResult {
  const common = { companyId, batchId, batchStatus: record.batchStatus, requestStatus: record.requestStatus, jobQueueKey: record.jobQueueKey, fileKey: record.fileKey, retryAfterSeconds: null };
  switch (record.state) {
    case "EMPTY":
      return { ...common, outcome: "EMPTY_BATCH", fileKey: null, message: record.message ?? "The batch does not contain any reports.", retryAfterSeconds: EMPTY_BATCH_RETRY_SECONDS };
    case "DONE":
      return { ...common, outcome: "CLOSED", message: "The batch is closed and its file is ready." };
    case "CLOSED":
      return {
        ...common,
        outcome: "CLOSED_FILE_PENDING",
        message: record.fileError
          ? `The batch is closed; its file could not be fetched (${record.fileError}): call closePaymentBatch or paymentBatchFile again to ask for it.`
          : "The batch is closed; its file is being fetched: ask paymentBatchClose (or call closePaymentBatch again, which never closes twice).",
      };
    case "CLOSING":
      return {
        ...common,
        outcome: "CLOSING",
        message: "Concur accepted the close; the batch is not listed CLOSED yet and the gateway keeps checking: ask paymentBatchClose (or call closePaymentBatch again, which never sends the close twice).",
      };
  }
}

/** Nothing recorded yet (the run is still checking the batch list): the close is in progress. */
function inProgress(companyId: string, batchId: string, who: string): BatchCloseResult {
  return {
    outcome: "CLOSING",
    companyId,
    batchId,
    batchStatus: null,
    requestStatus: null,
    jobQueueKey: null,
    fileKey: null,
    message: `${who}: ask paymentBatchClose (or call closePaymentBatch again, which never sends the close twice) later.`,
    retryAfterSeconds: null,
  };
}
