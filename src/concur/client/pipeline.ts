import { request as undiciRequest, type Dispatcher } from "undici";
import pRetry from "p-retry";
import { CodedError, ErrorCode, type SafeExtensions } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { Caller } from "./caller.js";
import { resolveHref } from "./links.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Options of {@link createConcurHttp}. */
export interface ConcurHttpOptions {
  /** Concur base URL (the token's geolocation), e.g. `https://us2.api.concursolutions.com`. */
  baseUrl: string;
  /** Whole-request deadline (headers and body), ms. Config `upstreamTimeoutMs`. */
  timeoutMs: number;
  /** Shared keep-alive undici Agent/Pool, built once by the composition root. */
  dispatcher: Dispatcher;
  logger: Logger;
  /** Extra attempts for GET on 5xx / network errors. Default 2. Non-idempotent methods are never retried. */
  getRetries?: number;
  /** First retry delay, ms (doubles each time). Default 100. */
  retryMinTimeoutMs?: number;
}

export interface ConcurRequest {
  method: HttpMethod;
  /** `/accountingintegration/v4/…`, `/v4/…` or an absolute same-origin href from a `links` object. */
  path: string;
  caller: Caller;
  /** JSON-serialised when present. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default true: non-2xx becomes a CodedError. False: non-2xx is returned as a response (write side). */
  throwOnError?: boolean;
}

export interface ConcurResponse<T> {
  status: number;
  /** Parsed JSON body; undefined when the body was empty (e.g. 204). */
  body: T;
  headers: Record<string, string>;
  /** Upstream `concur-correlationid`, else the one we sent, else "". */
  correlationId: string;
  /** Length of the raw body text (used to size cache entries). */
  bytes: number;
}

export interface ConcurHttp {
  readonly baseUrl: string;
  request<T = unknown>(request: ConcurRequest): Promise<ConcurResponse<T>>;
}

const CORRELATION = "concur-correlationid";

/** The HTTP edge to Concur: forwards the caller's token, maps statuses to coded errors, retries idempotent reads. */
export function createConcurHttp(options: ConcurHttpOptions): ConcurHttp {
  const { baseUrl, timeoutMs, dispatcher, logger } = options;
  const getRetries = options.getRetries ?? 2;
  const minTimeout = options.retryMinTimeoutMs ?? 100;

  async function once<T>(req: ConcurRequest, url: string): Promise<ConcurResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...req.headers, authorization: req.caller.authorization };
    if (req.caller.correlationId) headers[CORRELATION] = req.caller.correlationId;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    const started = performance.now();
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await undiciRequest(url, {
        method: req.method,
        headers,
        body: payload,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.body.text();
    } catch (error) {
      throw transportError(error, req, timeoutMs, logger);
    }
    const responseHeaders = flattenHeaders(res.headers);
    const correlationId = responseHeaders[CORRELATION] ?? req.caller.correlationId ?? "";
    const status = res.statusCode;
    logger.debug({ method: req.method, path: req.path, status, ms: Math.round(performance.now() - started), correlationId }, "concur call");
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        if (status >= 200 && status < 300) {
          throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered ${req.method} with a body that is not JSON (HTTP ${status})`, {
            correlationId,
            upstreamStatus: status,
          });
        }
        body = undefined; // error bodies that are not JSON (e.g. plain 503 pages) carry nothing we may pass on
      }
    }
    if ((status < 200 || status >= 300) && req.throwOnError !== false) {
      throw errorFromResponse({ method: req.method, status, body, headers: responseHeaders, correlationId });
    }
    return { status, body: body as T, headers: responseHeaders, correlationId, bytes: text.length };
  }

  return {
    baseUrl,
    async request<T>(req: ConcurRequest): Promise<ConcurResponse<T>> {
      const url = resolveHref(baseUrl, req.path);
      if (req.method !== "GET" || getRetries <= 0) return once<T>(req, url);
      return pRetry(() => once<T>(req, url), {
        retries: getRetries,
        minTimeout,
        factor: 2,
        randomize: true,
        shouldRetry: (error) => error instanceof CodedError && error.code === ErrorCode.UPSTREAM_UNAVAILABLE,
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0 && error instanceof CodedError && error.code === ErrorCode.UPSTREAM_UNAVAILABLE) {
            logger.warn({ method: req.method, path: req.path, attempt: error.attemptNumber, code: error.code, upstreamStatus: error.extensions.upstreamStatus }, "retrying concur GET");
          }
        },
      });
    },
  };
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
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
export function errorFromResponse(input: {
  method: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  correlationId: string;
}): CodedError {
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
      const scope = method === "GET" ? "spend.accountingintegration.read" : "spend.accountingintegration.write";
      return new CodedError(ErrorCode.FORBIDDEN, `Concur refused access: the token must be a company token for this company with scope ${scope}${ref}`, ext);
    }
    case 404:
      return new CodedError(ErrorCode.NOT_FOUND, `Concur found nothing at this address: check companyId, erpId and requestId${ref}`, ext);
    case 412:
      return new CodedError(ErrorCode.CONFLICT, `Concur refused the request because its request id (If-None-Match) was already used${ref}`, ext);
    case 429: {
      const retryAfter = retryAfterSeconds(headers["retry-after"]);
      if (retryAfter !== undefined) ext.retryAfterSeconds = retryAfter;
      return new CodedError(ErrorCode.RATE_LIMITED, `Concur rate limit reached; retry after ${retryAfter ?? 1} s${ref}`, ext);
    }
    default:
      if (status >= 500) return new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `Concur is unavailable (HTTP ${status}); try again later${ref}`, ext);
      return new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered with unexpected HTTP ${status}${ref}`, ext);
  }
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

function retryAfterSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function transportError(error: unknown, req: ConcurRequest, timeoutMs: number, logger: Logger): CodedError {
  if (error instanceof CodedError) return error;
  const err = error as { name?: string; code?: string; message?: string };
  const ext: SafeExtensions = {};
  if (req.caller.correlationId) ext.correlationId = req.caller.correlationId;
  if (err?.name === "TimeoutError" || err?.code === "UND_ERR_HEADERS_TIMEOUT" || err?.code === "UND_ERR_BODY_TIMEOUT" || err?.code === "UND_ERR_CONNECT_TIMEOUT") {
    return new CodedError(ErrorCode.UPSTREAM_TIMEOUT, `Concur did not answer ${req.method} within ${timeoutMs} ms; try again later`, ext);
  }
  logger.warn({ method: req.method, path: req.path, errCode: err?.code, errName: err?.name }, "concur transport error");
  return new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, "Concur could not be reached; try again later", ext);
}
