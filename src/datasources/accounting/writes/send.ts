import { createHash, randomUUID } from "node:crypto";
import { CodedError, ErrorCode } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import type { Caller } from "../../client/caller.js";
import { errorFromResponse } from "../../client/errors.js";
import type { PacingSlot } from "../../client/pacing.js";
import { IDEMPOTENT_WRITE_POLICY, type ConcurClient, type ConcurResponse, type RetryPolicy } from "../../client/pipeline.js";
import { ACCOUNTING_SCOPES, accountingPaths } from "../paths.js";
import type { RequestStatus as WriteRequestStatus, WriteType } from "./types.js";

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

/** Tuning of a write's {@link RetryPolicy} (tests shorten the backoff). */
export type WriteRetryOptions = Partial<RetryPolicy>;

export interface SendWriteOptions extends WriteRetryOptions {
  /** The `If-None-Match` value (becomes the upstream requestId); reused on every retry. */
  requestId: string;
  /** True when the id came from the caller: then a 412 on the first try means "already accepted". */
  callerSuppliedId?: boolean;
  /** The pacing slot of this endpoint, already held by the caller (see ConcurCall.pacing). */
  pacing?: PacingSlot;
  logger?: Logger;
}

export interface WriteRequest {
  method: "PATCH" | "POST" | "PUT";
  caller: Caller;
  companyId: string;
  erpId: string;
  type: WriteType;
  body: unknown;
}

/**
 * Sends one bulk write and returns its RequestStatus (plus companyId/erpId).
 *
 * - Every try carries the same `If-None-Match` id, so the upstream applies the body at most once; that makes
 *   the write idempotent, so the pipeline retries 5xx, network errors and timeouts, and waits out 429s.
 * - 412 after a try that may have been applied, or on a caller-supplied id: the write was already accepted,
 *   so the request is read back with GET …/requests/{id} and returned.
 * - Any other 4xx: no retry; the coded error from the response.
 */
export async function sendWrite(client: ConcurClient, req: WriteRequest, options: SendWriteOptions): Promise<WriteRequestStatus> {
  const { requestId, logger, pacing, callerSuppliedId, ...tuning } = options;
  let res: ConcurResponse<unknown>;
  try {
    res = await client.request({
      method: req.method,
      path: accountingPaths.list(req.companyId, req.erpId, req.type),
      caller: req.caller,
      companyId: req.companyId,
      body: req.body,
      headers: { "if-none-match": requestId },
      retry: { ...IDEMPOTENT_WRITE_POLICY, ...definedOnly(tuning) },
      pacing,
      throwOnError: false,
      scopeHint: ACCOUNTING_SCOPES.write,
    });
  } catch (error) {
    throw error instanceof CodedError ? error : new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, "Concur could not be reached; try again later", { requestId });
  }
  if (res.status >= 200 && res.status < 300) return withIds(res.body, req, requestId);
  if (res.status === 412 && (res.maybeApplied || callerSuppliedId)) {
    logger?.info({ requestId, type: req.type }, "write already accepted upstream (412); reading its request");
    return withIds(await getRequest(client, req.caller, req.companyId, req.erpId, requestId), req, requestId);
  }
  throw errorFromResponse({ method: req.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId, scopeHint: ACCOUNTING_SCOPES.write });
}

/** GET …/requests/{requestId}: the RequestStatus of an accepted write. */
export async function getRequest(client: ConcurClient, caller: Caller, companyId: string, erpId: string, requestId: string): Promise<unknown> {
  return (await client.request({ method: "GET", path: accountingPaths.request(companyId, erpId, requestId), caller, companyId })).body;
}

/** Drops undefined members, so `{...defaults, ...definedOnly(overrides)}` keeps the defaults they leave out. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function withIds(body: unknown, req: WriteRequest, requestId: string): WriteRequestStatus {
  const status = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    ...status,
    requestId: typeof status.requestId === "string" ? status.requestId : requestId,
    status: typeof status.status === "string" ? status.status : "PROCESSING",
    companyId: typeof status.companyId === "string" ? status.companyId : req.companyId,
    erpId: typeof status.erpId === "string" ? status.erpId : req.erpId,
  } as WriteRequestStatus;
}
