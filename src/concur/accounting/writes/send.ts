import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import { CodedError, ErrorCode } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import { errorFromResponse, type ConcurHttp } from "../../client/pipeline.js";
import type { PatchSender, RequestStatus, SenderRequest, SenderResponse, WriteCaller, WriteType } from "./types.js";

/** Adapts the shared Concur http client (`src/datasources/http.ts`) to the write side's {@link PatchSender}. */
export function senderFromConcurHttp(http: ConcurHttp): PatchSender {
  return {
    async send(request: SenderRequest): Promise<SenderResponse> {
      const res = await http.request({ ...request, throwOnError: false });
      return { status: res.status, headers: res.headers, body: res.body, correlationId: res.correlationId || undefined };
    },
  };
}

export const erpPath = (companyId: string, erpId: string) =>
  `/accountingintegration/v4/companies/${encodeURIComponent(companyId)}/erps/${encodeURIComponent(erpId)}`;

/** Upstream path of a bulk write endpoint. */
export const writePath = (companyId: string, erpId: string, type: WriteType) => `${erpPath(companyId, erpId)}/${type}`;

/**
 * Request id for part `n` of a write whose first part uses `base`. Part 0 is `base` itself; later parts get a
 * name-based (v5-style) UUID derived from it, so a caller repeating the same mutation with the same id maps
 * every part to the same upstream request again.
 */
export function deriveRequestId(base: string, n: number): string {
  if (n === 0) return base;
  const hex = createHash("sha1").update(`${base.toLowerCase()}#${n}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const newRequestId = (): string => randomUUID();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_RE.test(value);

/** Retry policy of {@link sendWrite} (and registration updates). */
export interface RetryPolicy {
  /** Extra attempts after a 5xx / network error / timeout. Default 4 (5 attempts in all). */
  retries?: number;
  /** First backoff delay, ms; doubles per attempt. Default 500. */
  minTimeoutMs?: number;
  /** Largest backoff delay, ms. Default 10 000. */
  maxTimeoutMs?: number;
  /** How many 429s in a row are waited out before giving up with RATE_LIMITED. Default 10. */
  max429Waits?: number;
  /** Longest `Retry-After` honoured per 429, ms (longer values are clipped). Default 120 000. */
  maxRetryAfterMs?: number;
}

export interface SendWriteOptions extends RetryPolicy {
  /** The `If-None-Match` value (becomes the upstream requestId); reused on every retry. */
  requestId: string;
  /** True when the id came from the caller: then a 412 on the first try means "already accepted". */
  callerSuppliedId?: boolean;
  /**
   * The pacing slot of this endpoint. The caller has acquired it before calling; sendWrite releases it when each
   * response (or failure) arrives and acquires it again before every re-send.
   */
  pacing?: { acquire(): Promise<void>; release(): Promise<void> };
  logger?: Logger;
}

export interface WriteRequest {
  method: "PATCH" | "POST" | "PUT";
  caller: WriteCaller;
  companyId: string;
  erpId: string;
  type: WriteType;
  body: unknown;
}

const RETRYABLE = new Set<string>([ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT]);

/** Seconds (or an HTTP date) from `Retry-After`, as ms; 1 s when absent or unreadable. */
export function retryAfterMs(value: string | undefined, cap = 120_000): number {
  if (!value) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (Number.isNaN(ms)) return 1000;
  return Math.min(Math.max(ms, 0), cap);
}

/**
 * Sends one bulk write and returns its RequestStatus (plus companyId/erpId).
 *
 * - Every try carries the same `If-None-Match` id, so the upstream applies the body at most once.
 * - 429: waits `Retry-After`, takes a pacing slot, re-sends (does not count as a failed attempt).
 * - 5xx, network errors, timeouts: exponential backoff (p-retry), then re-send.
 * - 412 after a try that may have been applied (5xx/network/timeout), or on a caller-supplied id: the write was
 *   already accepted, so the request is read back with GET …/requests/{id} and returned.
 * - Any other 4xx: no retry; the coded error from the response.
 */
export async function sendWrite(sender: PatchSender, req: WriteRequest, options: SendWriteOptions): Promise<RequestStatus> {
  const { requestId, logger } = options;
  const path = writePath(req.companyId, req.erpId, req.type);
  let maybeApplied = false;
  let waits429 = 0;
  let attempt = 0;

  const tryOnce = async (): Promise<RequestStatus> => {
    attempt += 1;
    if (attempt > 1) await options.pacing?.acquire();
    for (;;) {
      let res: SenderResponse;
      try {
        res = await sender.send({ method: req.method, path, caller: req.caller, body: req.body, headers: { "if-none-match": requestId } });
      } catch (error) {
        await options.pacing?.release();
        // Network errors and timeouts may or may not have reached Concur.
        if (error instanceof CodedError && !RETRYABLE.has(error.code)) throw new AbortError(error);
        maybeApplied = true;
        throw error instanceof Error ? error : new Error(String(error));
      }
      await options.pacing?.release();
      if (res.status >= 200 && res.status < 300) return withIds(res.body, req, requestId);
      if (res.status === 412 && (maybeApplied || options.callerSuppliedId)) {
        logger?.info({ requestId, type: req.type }, "write already accepted upstream (412); reading its request");
        return withIds(await getRequest(sender, req.caller, req.companyId, req.erpId, requestId), req, requestId);
      }
      const error = errorFromResponse({ method: req.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId ?? "" });
      if (res.status === 429) {
        waits429 += 1;
        if (waits429 > (options.max429Waits ?? 10)) throw new AbortError(error);
        const wait = retryAfterMs(res.headers["retry-after"], options.maxRetryAfterMs);
        logger?.warn({ requestId, type: req.type, waitMs: wait }, "concur answered 429; waiting Retry-After");
        await sleep(wait);
        await options.pacing?.acquire();
        continue;
      }
      if (res.status >= 500) {
        // A 5xx may have been applied before failing; a 412 on the next try then means "accepted".
        maybeApplied = true;
        throw error;
      }
      throw new AbortError(error);
    }
  };

  return pRetry(tryOnce, {
    retries: options.retries ?? 4,
    minTimeout: options.minTimeoutMs ?? 500,
    maxTimeout: options.maxTimeoutMs ?? 10_000,
    factor: 2,
    randomize: true,
    onFailedAttempt: (error) => {
      if (error.retriesLeft > 0) logger?.warn({ requestId, type: req.type, attempt: error.attemptNumber, err: error.message }, "retrying concur write");
    },
  }).catch((error: unknown) => {
    throw error instanceof CodedError
      ? error
      : new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, "Concur could not be reached; try again later", { requestId });
  });
}

/** GET …/requests/{requestId}: the RequestStatus of an accepted write. */
export async function getRequest(sender: PatchSender, caller: WriteCaller, companyId: string, erpId: string, requestId: string): Promise<unknown> {
  const res = await sender.send({ method: "GET", path: `${erpPath(companyId, erpId)}/requests/${encodeURIComponent(requestId)}`, caller });
  if (res.status >= 200 && res.status < 300) return res.body;
  throw errorFromResponse({ method: "GET", status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId ?? "" });
}

function withIds(body: unknown, req: WriteRequest, requestId: string): RequestStatus {
  const status = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    ...status,
    requestId: typeof status.requestId === "string" ? status.requestId : requestId,
    status: typeof status.status === "string" ? status.status : "PROCESSING",
    companyId: typeof status.companyId === "string" ? status.companyId : req.companyId,
    erpId: typeof status.erpId === "string" ? status.erpId : req.erpId,
  };
}
