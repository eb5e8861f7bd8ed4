import type { Caller } from "../../client/caller.js";
import type { PacingSlot } from "../../client/pacing.js";
import type { ConcurClient, RetryPolicy } from "../../client/pipeline.js";
import { CodedError, ErrorCode } from "../../../errors.js";
import { listErrorFromResponse } from "../errors.js";
import { LIST_SCOPES, listPaths, MAX_BULK_PARTS } from "../paths.js";
import type { BulkCreatePart, BulkPatchPart, BulkResponse } from "../wire/index.js";

/** Where a bulk call goes: one list of one company, on behalf of one caller. */
export interface BulkTarget {
  caller: Caller;
  companyId: string;
  listId: string;
}

export type BulkKind = "create" | "patch";
export type PartOf<K extends BulkKind> = K extends "create" ? BulkCreatePart : BulkPatchPart;

/** One part's outcome. */
export interface PartOutcome {
  /** Long code of the item the part was about. */
  code: string;
  ok: boolean;
  /** Concur's error for this part (`item.duplicate.code`, …). */
  error?: { id: string; message: string };
}

export interface BulkOutcome {
  /** 201/200 all ok, 206 partial, 400 all failed. */
  httpStatus: number;
  status: string;
  /** One per part, in part order. */
  parts: PartOutcome[];
}

/**
 * Bulk calls are sent once (a create sent twice would answer item.duplicate.code for parts that did succeed);
 * 429s are waited out, and `retry-after: 0` (the documented example) backs off 1 s, doubling, at most 60 s (spec §5).
 */
export const BULK_POLICY: RetryPolicy = { retries: 0, minTimeoutMs: 0, max429Waits: 10, zeroRetryAfterBackoff: { firstMs: 1000, maxMs: 60_000 } };

/** The long code a part is about. */
export function partCode(kind: BulkKind, part: Partial<BulkCreatePart & BulkPatchPart>): string {
  if (kind === "patch") return String(part.code ?? "");
  return part.parentCode ? `${part.parentCode}-${part.shortCode ?? ""}` : String(part.shortCode ?? "");
}

/**
 * One B1 (create) or B2 (update/delete) call of 1..250 parts, holding `pacing` (already acquired by the caller).
 * Part outcomes are matched by long code (bodies never carry a code twice). A refusal of the whole request
 * (managed list, validation, 403, 404) throws a coded error.
 */
export async function sendBulk<K extends BulkKind>(client: ConcurClient, target: BulkTarget, kind: K, parts: PartOf<K>[], pacing?: PacingSlot): Promise<BulkOutcome> {
  if (parts.length < 1 || parts.length > MAX_BULK_PARTS) throw new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, `a bulk call needs 1..${MAX_BULK_PARTS} parts, got ${parts.length}`);
  const method = kind === "create" ? "POST" : "PATCH";
  const res = await client.request<BulkResponse>({
    method,
    path: listPaths.bulk(target.listId),
    caller: target.caller,
    companyId: target.companyId,
    body: { requests: parts },
    retry: BULK_POLICY,
    pacing,
    throwOnError: false,
    scopeHint: LIST_SCOPES.itemWrite,
  });
  const body = res.body;
  const isBulkAnswer = body !== undefined && body !== null && typeof body === "object" && typeof body.recordsFailed === "number";
  if (!((res.status >= 200 && res.status < 300) || ((res.status === 206 || res.status === 400) && isBulkAnswer))) {
    throw listErrorFromResponse(res, { method, what: `list ${target.listId}`, scope: LIST_SCOPES.itemWrite });
  }
  const codes = parts.map((p) => partCode(kind, p));
  const failures = new Map<string, { id: string; message: string }>();
  const unmatched: Array<{ id: string; message: string }> = [];
  for (const error of body?.errors ?? []) {
    const e = { id: String(error.id ?? "unknown"), message: String(error.message ?? "") };
    const code = error.listItem ? partCode(kind, error.listItem) : undefined;
    if (code !== undefined && codes.includes(code) && !failures.has(code)) failures.set(code, e);
    else unmatched.push(e);
  }
  const outcomes = codes.map((code) => {
    const error = failures.get(code);
    return error ? { code, ok: false, error } : { code, ok: true };
  });
  // An error Concur did not tie to a part we can name: the whole call is then reported failed for the unmatched count.
  if (unmatched.length > 0) {
    for (const outcome of outcomes) {
      if (unmatched.length === 0) break;
      if (outcome.ok && res.status === 400) Object.assign(outcome, { ok: false, error: unmatched.shift() });
    }
  }
  return { httpStatus: res.status, status: body?.status ?? "SUCCESS", parts: outcomes };
}
