import { CodedError, ErrorCode, type SafeExtensions } from "../../errors.js";
import { errorFromResponse } from "../client/errors.js";
import type { ConcurResponse } from "../client/pipeline.js";
import type { ListErrorBody } from "./wire/index.js";

/** What a list call was doing, for messages that say what to fix. */
export interface ListCallInfo {
  method: string;
  /** e.g. "list 4afa…" or "item 63b7…". */
  what: string;
  scope: string;
}

/**
 * Turns a non-2xx List v4 answer into a coded error. The list APIs' body is `{error: {id, message}, validationErrors:
 * [{source, message}]}` (not Accounting's `errorCode`): the id goes to `upstreamErrorCode`; 400 messages pass (they
 * describe the caller's input), others are ours.
 */
export function listErrorFromResponse(res: ConcurResponse<unknown>, info: ListCallInfo): CodedError {
  const body = (res.body && typeof res.body === "object" ? res.body : {}) as Partial<ListErrorBody>;
  const id = typeof body.error?.id === "string" && body.error.id.length <= 200 ? body.error.id : undefined;
  const ext: SafeExtensions = { upstreamStatus: res.status };
  if (res.correlationId) ext.correlationId = res.correlationId;
  if (id) ext.upstreamErrorCode = id;
  const ref = res.correlationId ? ` (concur-correlationid ${res.correlationId})` : "";
  switch (res.status) {
    case 400: {
      const details = (body.validationErrors ?? []).slice(0, 10).map((v) => `${clip(String(v.source))}: ${clip(String(v.message))}`);
      const message = typeof body.error?.message === "string" ? clip(body.error.message) : "Concur rejected the request as invalid";
      if (id === "list.is.managed") return new CodedError(ErrorCode.FORBIDDEN, `${info.what} is managed by another app: only that app may change it${ref}`, ext);
      return new CodedError(ErrorCode.BAD_USER_INPUT, `${info.what}: ${message}${id ? ` (${id})` : ""}${details.length ? `: ${details.join("; ")}` : ""}`, ext);
    }
    case 403:
      return new CodedError(ErrorCode.FORBIDDEN, `Concur refused access to ${info.what}: the token needs scope ${info.scope} (and a Configuration Administrator for writes)${ref}`, ext);
    case 404:
      return new CodedError(ErrorCode.NOT_FOUND, `Concur found no ${info.what}: check the id${ref}`, ext);
    default:
      return errorFromResponse({ method: info.method, status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId, scopeHint: info.scope });
  }
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
