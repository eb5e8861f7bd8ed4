// Health of the managed-mode store (DATABASE_URL): every statement's outcome moves it, the pool's own connection
// errors too, and while it is not "ok" a probe runs every few seconds until the store answers again. Store faults
// (connection refused, server shutting down, read-only file, disk full, lock held too long) become the coded,
// retryable STORE_UNAVAILABLE; anything else (a bug in SQL) stays what it is.
import { CodedError, ErrorCode } from "../../errors.js";
import type { Logger } from "../../logger.js";

/** `ok`; `down`: it cannot be read (nor written); `read-only`: reads work, writes fail. */
export type StoreState = "ok" | "down" | "read-only";

/** What `/readyz` and the metrics show of the store. */
export interface StoreStatus {
  state: StoreState;
  /** Why it is not ok (the fault as the driver named it: `ECONNREFUSED`, `SQLITE_IOERR_WRITE`, …); no secrets. */
  reason?: string;
  /** Epoch ms since when it is in this state (not ok only). */
  since?: number;
  /**
   * Writes held in memory until the store takes them again (refresh tokens Concur rotated while it could not
   * write): lost if this process stops before the store is back.
   */
  pendingWrites: number;
}

/** Seconds a caller should wait before retrying a request that needed the store. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The coded error every store fault becomes; `errorId` is in the log line that names the cause. */
export class StoreUnavailableError extends CodedError {
  constructor(operation: "read" | "write", errorId: string) {
    super(
      ErrorCode.STORE_UNAVAILABLE,
      operation === "read"
        ? `The gateway's store of connections and API keys cannot be read right now; retry in ${STORE_RETRY_AFTER_SECONDS} s (error id ${errorId}).`
        : `The gateway's store of connections and API keys cannot be written right now; nothing of this request was stored: retry in ${STORE_RETRY_AFTER_SECONDS} s (error id ${errorId}).`,
      { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS, errorId },
    );
    this.name = "StoreUnavailableError";
  }
}

/** True for a coded STORE_UNAVAILABLE error (from any store). */
export const isStoreUnavailable = (error: unknown): error is CodedError => error instanceof CodedError && error.code === ErrorCode.STORE_UNAVAILABLE;

/**
 * Whether `error` is a store fault rather than a bug, and whether it takes reads down too (`connection`) or only
 * writes (`write`). PostgreSQL: SQLSTATE classes 08 (connection), 53 (resources: disk full, too many connections),
 * 57P01-57P03 (shutdown, cannot connect now), 58 (system I/O), 25006 (read-only transaction: a standby after a
 * failover); node's socket errors and pg's "Connection terminated". SQLite: BUSY / LOCKED (another process holds
 * the lock past the busy timeout), READONLY, IOERR, FULL, CANTOPEN, PERM, PROTOCOL, CORRUPT, NOTADB.
 */
export function classifyStoreFault(error: unknown): { scope: "connection" | "write"; reason: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const raw = (error as Error & { code?: unknown }).code;
  const code = typeof raw === "string" ? raw : "";
  if (code.startsWith("SQLITE_")) {
    if (/^SQLITE_(CANTOPEN|NOTADB|CORRUPT)/.test(code)) return { scope: "connection", reason: code };
    if (/^SQLITE_(BUSY|LOCKED|READONLY|IOERR|FULL|PERM|PROTOCOL)/.test(code)) return { scope: "write", reason: code };
    return undefined;
  }
  if (/^(08|53|58|57P0[123])/.test(code) && code.length === 5) return { scope: "connection", reason: `SQLSTATE ${code}` };
  if (code === "25006") return { scope: "write", reason: "SQLSTATE 25006 (read-only transaction)" };
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED)$/.test(code)) return { scope: "connection", reason: code };
  if (/connection terminated|timeout exceeded when trying to connect|connection error|ended unexpectedly|query read timeout|cannot use a pool after calling end/i.test(error.message)) {
    return { scope: "connection", reason: error.message.slice(0, 120) };
  }
  return undefined;
}

export interface StoreHealthOptions {
  /** Password-free description of the store (`sqlite:/…`, `postgres://user@host/db`), for log lines. */
  description: string;
  logger?: Logger;
  /** A read that proves the store answers (`SELECT 1`). */
  probeRead: () => Promise<void>;
  /** A small write that proves the store takes writes again. */
  probeWrite: () => Promise<void>;
  /** How often to probe while not ok, ms. Default 2000. */
  probeIntervalMs?: number;
  /** While ok: probe with a read when no statement ran for this long, ms (0 = never). Default 10 000. */
  heartbeatMs?: number;
  now?: () => number;
}

export interface StoreHealth {
  readonly state: StoreState;
  status(): StoreStatus;
  /** A statement succeeded. */
  succeeded(operation: "read" | "write"): void;
  /** A statement failed: the coded error to throw instead when it is a store fault, else undefined (rethrow it). */
  failed(error: unknown, operation: "read" | "write"): StoreUnavailableError | undefined;
  /** Called every time the store becomes ok again (flush what was held in memory). */
  onRecovered(listener: () => void): void;
  /** Adds a source of writes held in memory (shown in `status().pendingWrites`). */
  countPending(source: () => number): void;
  /**
   * Probes now (a read, or a write while read-only): a hint that something may be wrong, such as a pooled connection
   * the server closed. The probe's outcome, not the hint, moves the state, so an idle connection dropped by a proxy
   * does not make the gateway unready.
   */
  checkSoon(): void;
  close(): void;
}

export function createStoreHealth(options: StoreHealthOptions): StoreHealth {
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const probeIntervalMs = options.probeIntervalMs ?? 2_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  let state: StoreState = "ok";
  let reason: string | undefined;
  let since: number | undefined;
  let lastActivity = now();
  let closed = false;
  let probing = false;
  const recovered: Array<() => void> = [];
  const pending: Array<() => number> = [];

  const become = (next: StoreState, why: string | undefined, cause?: unknown, errorId?: string) => {
    if (next === state) {
      if (next !== "ok") reason = why;
      return;
    }
    const was = state;
    const downFor = since === undefined ? 0 : now() - since;
    state = next;
    reason = next === "ok" ? undefined : why;
    since = next === "ok" ? undefined : now();
    if (next === "ok") {
      logger?.warn({ store: options.description, was, downForMs: downFor }, "store available again");
      for (const listener of recovered) {
        try {
          listener();
        } catch (err) {
          logger?.error({ err }, "store recovery listener failed");
        }
      }
    } else {
      logger?.error(
        { store: options.description, state: next, reason: why, err: cause, errorId },
        next === "down"
          ? "STORE UNAVAILABLE: the gateway's store cannot be read; requests that need it answer STORE_UNAVAILABLE (cached API keys and access tokens keep working)"
          : "STORE NOT WRITABLE: the gateway's store takes no writes; connects, key changes and rotated refresh tokens cannot be stored (rotated refresh tokens are held in memory)",
      );
    }
    schedule();
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    const delay = state === "ok" ? heartbeatMs : probeIntervalMs;
    if (delay <= 0) return;
    timer = setTimeout(() => void probe(), delay);
    timer.unref();
  };

  const probe = async (forced = false) => {
    if (closed || probing) return schedule();
    probing = true;
    try {
      if (!forced && state === "ok" && now() - lastActivity < heartbeatMs) return;
      const operation = state === "read-only" ? "write" : "read";
      try {
        await (operation === "write" ? options.probeWrite() : options.probeRead());
        health.succeeded(operation);
      } catch (error) {
        // A fault that is not a store fault (a bug in the probe) must not stop probing: log it once per probe.
        if (!health.failed(error, operation)) logger?.warn({ err: error }, "store probe failed");
      }
    } finally {
      probing = false;
      schedule();
    }
  };

  const health: StoreHealth = {
    get state() {
      return state;
    },
    status() {
      const pendingWrites = pending.reduce((sum, source) => sum + source(), 0);
      return state === "ok" ? { state, pendingWrites } : { state, reason, since, pendingWrites };
    },
    succeeded(operation) {
      lastActivity = now();
      if (state === "ok") return;
      // A read proves a store that was down answers again (writes are tried when they come); only a write proves
      // a read-only store takes writes again.
      if (operation === "write" || state === "down") become("ok", undefined);
    },
    failed(error, operation) {
      const fault = classifyStoreFault(error);
      if (!fault) return undefined;
      lastActivity = now();
      const errorId = crypto.randomUUID();
      const next: StoreState = operation === "read" || fault.scope === "connection" ? "down" : "read-only";
      // The transition logs the cause at error level with this id; every later failure one warn line with its own.
      if (next !== state && !(state === "down" && next === "read-only")) become(next, fault.reason, error, errorId);
      else logger?.warn({ store: options.description, operation, reason: fault.reason, errorId }, "store operation failed");
      return new StoreUnavailableError(operation, errorId);
    },
    onRecovered(listener) {
      recovered.push(listener);
    },
    countPending(source) {
      pending.push(source);
    },
    checkSoon() {
      if (closed || probing) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void probe(true), 0);
      timer.unref();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
  schedule();
  return health;
}
