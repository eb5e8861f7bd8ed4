import { CodedError, ErrorCode, type SafeExtensions } from "../../errors.js";
import type { Logger } from "../../logger.js";

/** What {@link errorFromResponse} needs of a non-2xx answer. Header names lower-case. */
export interface UpstreamAnswer {
  method: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  correlationId: string;
  /** The scope a 403 names (the API's read or write scope); defaults to Accounting Integration's. */
  scopeHint?: string;
}

interface UpstreamErrorBody {
  errorCode?: unknown;
  errorMessage?: unknown;
  validationErrors?: unknown;
}

/**
 * Policy hook: turns a non-2xx Concur response into a coded error. Only safe fields leave: the upstream
 * `errorCode`, the correlation id, the status, and (for 400 only, since it describes the caller's own input)
 * the upstream message and validation error sources.
 */
export function errorFromResponse(input: UpstreamAnswer): CodedError {
  const { method, status, headers, correlationId } = input;
  const body = (input.body && typeof input.body === "object" ? input.body : {}) as UpstreamErrorBody;
  const ext: SafeExtensions = { upstreamStatus: status };
  if (correlationId) ext.correlationId = correlationId;
  if (typeof body.errorCode === "string" && body.errorCode.length <= 200) ext.upstreamErrorCode = body.errorCode;
  const ref = correlationId ? ` (concur-correlationid ${correlationId})` : "";
  switch (status) {
    case 400: {
      const detail = validationSummary(body);
      const message = typeof body.errorMessage === "string" && body.errorMessage ? clip(body.errorMessage) : "Concur rejected the request as invalid";
      return new CodedError(ErrorCode.BAD_USER_INPUT, detail ? `${message}: ${detail}` : message, ext);
    }
    case 401:
      return new CodedError(ErrorCode.UNAUTHENTICATED, "Concur rejected the bearer token: send a valid company access token in the Authorization header", ext);
    case 403: {
      const scope = input.scopeHint ?? (method === "GET" ? "spend.accountingintegration.read" : "spend.accountingintegration.write");
      return new CodedError(ErrorCode.FORBIDDEN, `Concur refused access: the token must be a company token for this company with scope ${scope}${ref}`, ext);
    }
    case 404:
      return new CodedError(ErrorCode.NOT_FOUND, `Concur found nothing at this address: check companyId, erpId and requestId${ref}`, ext);
    case 412:
      return new CodedError(ErrorCode.CONFLICT, `Concur refused the request because its request id (If-None-Match) was already used${ref}`, ext);
    case 429: {
      const wait = parseRetryAfterMs(headers["retry-after"]);
      if (wait !== undefined) ext.retryAfterSeconds = Math.ceil(wait / 1000);
      return new CodedError(ErrorCode.RATE_LIMITED, `Concur rate limit reached; retry after ${ext.retryAfterSeconds ?? 1} s${ref}`, ext);
    }
    default:
      if (status >= 500) return new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `Concur is unavailable (HTTP ${status}); try again later${ref}`, ext);
      return new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered with unexpected HTTP ${status}${ref}`, ext);
  }
}

/** How long to wait after a 429: `Retry-After` as ms, 1 s when absent or unreadable, clipped to `cap`. */
export function retryAfterMs(value: string | undefined, cap = 120_000): number {
  return Math.min(parseRetryAfterMs(value) ?? 1000, cap);
}

/** `Retry-After` (seconds or an HTTP date) as ms from now, never negative; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.max(ms, 0);
}

function validationSummary(body: UpstreamErrorBody): string {
  if (!Array.isArray(body.validationErrors)) return "";
  const parts: string[] = [];
  for (const item of body.validationErrors.slice(0, 10)) {
    if (!item || typeof item !== "object") continue;
    const { source, errorMessage, errorCode } = item as Record<string, unknown>;
    const what = typeof errorMessage === "string" ? errorMessage : typeof errorCode === "string" ? errorCode : "invalid";
    parts.push(typeof source === "string" ? `${clip(source, 100)}: ${clip(what, 200)}` : clip(what, 200));
  }
  return parts.join("; ");
}

function clip(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A failure before any HTTP status arrived: timeout, refused connection, reset. */
export function transportError(error: unknown, call: { method: string; path: string; correlationId?: string }, timeoutMs: number, logger: Logger): CodedError {
  if (error instanceof CodedError) return error;
  const err = error as { name?: string; code?: string; message?: string };
  const ext: SafeExtensions = {};
  if (call.correlationId) ext.correlationId = call.correlationId;
  if (err?.name === "TimeoutError" || err?.code === "UND_ERR_HEADERS_TIMEOUT" || err?.code === "UND_ERR_BODY_TIMEOUT" || err?.code === "UND_ERR_CONNECT_TIMEOUT") {
    return new CodedError(ErrorCode.UPSTREAM_TIMEOUT, `Concur did not answer ${call.method} within ${timeoutMs} ms; try again later`, ext);
  }
  logger.warn({ method: call.method, path: call.path, errCode: err?.code, errName: err?.name }, "concur transport error");
  return new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, "Concur could not be reached; try again later", ext);
}
