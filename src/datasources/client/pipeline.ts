import { EventEmitter } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import { request as undiciRequest, type Dispatcher } from "undici";
import pRetry from "p-retry";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { Caller } from "./caller.js";
import { errorFromResponse, retryAfterMs, transportError } from "./errors.js";
import { resolveHref } from "./links.js";
import type { PacingSlot } from "./pacing.js";
import { passthroughTokens, type TokenSource } from "./tokens.js";
import { pathNamesCompany, type TokenCompanyCheck } from "./token-company.js";
import { tokenRefusal } from "./token-refusal.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * How one call may be repeated. Only idempotent calls retry 5xx and network errors: GETs, and writes that carry
 * their own request id (`If-None-Match`), since Concur then applies the body at most once.
 */
export interface RetryPolicy {
  /** Extra attempts after a 5xx / network error. 0 for calls that must never be sent twice. */
  retries: number;
  /** Also retry timeouts (a write with a request id may; a slow GET is not repeated). Default false. */
  retryTimeouts?: boolean;
  /** First backoff delay, ms; doubles per attempt (randomised). */
  minTimeoutMs: number;
  /** Largest backoff delay, ms. Default 10 000. */
  maxTimeoutMs?: number;
  /** How many 429s in a row are waited out (`Retry-After`) before giving up; 0 = answer RATE_LIMITED at once. */
  max429Waits: number;
  /** Longest `Retry-After` honoured per 429, ms (longer values are clipped). Default 120 000. */
  maxRetryAfterMs?: number;
  /**
   * A 429 whose `Retry-After` is 0 (List v4 documents `retry-after: 0`) means "back off": wait `firstMs`, doubling per
   * 429 in a row, at most `maxMs`. Default none: a 0 is taken literally.
   */
  zeroRetryAfterBackoff?: { firstMs: number; maxMs: number };
}

/** GETs: two quick retries of 5xx / network errors; a 429 is answered at once (the caller decides). */
export const READ_POLICY: RetryPolicy = { retries: 2, minTimeoutMs: 100, max429Waits: 0 };
/** Exactly one exchange: no retry, a 429 answered as it is (the default of every call but GET). */
export const NO_RETRY_POLICY: RetryPolicy = { retries: 0, minTimeoutMs: 0, max429Waits: 0 };
/** Calls with no idempotency key: sent once; 429s are waited out (Concur did not apply them). */
export const SEND_ONCE_POLICY: RetryPolicy = { retries: 0, minTimeoutMs: 0, max429Waits: 10 };
/** Idempotent writes (request id, PATCH of a whole resource, DELETE): backoff on 5xx / network / timeouts, 429s waited out. */
export const IDEMPOTENT_WRITE_POLICY: RetryPolicy = { retries: 4, retryTimeouts: true, minTimeoutMs: 500, maxTimeoutMs: 10_000, max429Waits: 10 };

export interface ConcurCall {
  method: HttpMethod;
  /** `/accountingintegration/v4/…`, `/v4/…` or an absolute same-origin href from a `links` object. */
  path: string;
  /** Who is asking; with `companyId`, picks the token and base URL (see {@link TokenSource}). */
  caller: Caller;
  /** The company the call acts for (its geolocation and token in managed mode). */
  companyId?: string;
  /** JSON-serialised when present. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of a JSON body (the OAuth token endpoint). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /**
   * Calls outside a company's data center (the token host) name their base URL and credentials themselves:
   * `authorization` null sends none. Both bypass the token source.
   */
  baseUrl?: string;
  authorization?: string | null;
  /** Default: READ_POLICY for GET, NO_RETRY_POLICY otherwise. */
  retry?: RetryPolicy;
  /**
   * Pacing slot of the endpoint, already held by the caller for the first send: released when each response (or
   * failure) arrives and acquired again before every re-send, so no two sends come closer than the pace.
   */
  pacing?: PacingSlot;
  /** Default true: non-2xx becomes a CodedError. False: non-2xx other than 5xx is returned as a response. */
  throwOnError?: boolean;
  /** The scope a 403 message names. */
  scopeHint?: string;
  /**
   * `"lossless"`: JSON numbers keep every digit, both ways (lossless-json): the answer's numbers arrive as
   * `LosslessNumber`s and `LosslessNumber`s in `body` are written as the numbers they hold (FIS amounts have up to
   * 23 digits). Default `"json"`: plain `JSON.parse` / `JSON.stringify`.
   */
  parse?: "json" | "lossless";
  /**
   * How the body is read. Default "json" (parsed, see `parse`). "text": the raw text as `body` (XML APIs). "stream":
   * a 2xx body is left unread and handed back as `body` (a Readable, for file downloads; only the headers are under
   * the timeout); error bodies are read as usual.
   */
  responseType?: "json" | "text" | "stream";
  /** A body sent as is with its content type (e.g. XML), instead of `body` / `form`. */
  rawBody?: { contentType: string; data: string | Buffer };
  /** Statuses (e.g. a documented 500) answered as a response instead of a thrown error. Default none. */
  returnStatuses?: readonly number[];
  /** Replaces the scheme of the token source's `Authorization` (`Bearer t` → `OAuth t`), for APIs documented with another one. */
  authScheme?: string;
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
  /** An earlier attempt failed in a way that may have been applied upstream (5xx, network error, timeout). */
  maybeApplied: boolean;
}

/** Options of {@link createConcurClient}. */
export interface ConcurClientOptions {
  /** Where each company lives and which token to send. Default: passthrough to `baseUrl`. */
  tokens?: TokenSource;
  /** Passthrough shorthand: every call goes to this base URL with the caller's own token. */
  baseUrl?: string;
  /** Whole-request deadline (headers and body), ms. Config `upstreamTimeoutMs`. */
  timeoutMs: number;
  /** Shared keep-alive undici Agent/Pool, built once by the composition root. */
  dispatcher: Dispatcher;
  logger: Logger;
  /** Overrides READ_POLICY's retry count (tests). */
  getRetries?: number;
  /** Overrides READ_POLICY's first backoff delay (tests). */
  retryMinTimeoutMs?: number;
  /** Called after every HTTP exchange, answered or failed in transport (metrics, upstream health). Must not throw. */
  onExchange?: (exchange: UpstreamExchange) => void;
  /**
   * Passthrough mode: checks that the caller's token belongs to the call's company before any call whose path does
   * not name the company (see token-company.ts). Set once, after the client exists (the check asks Concur through it).
   */
  tokenCompany?: TokenCompanyCheck;
}

/** What {@link ConcurClientOptions.onExchange} sees of one exchange. */
export interface UpstreamExchange {
  method: HttpMethod;
  url: string;
  /** Undefined when the exchange failed in transport (then `errorCode` says how). */
  status?: number;
  errorCode?: string;
  seconds: number;
  requestBytes: number;
  body?: unknown;
  form?: Record<string, string>;
}

/** The one request pipeline every Concur call goes through. */
export interface ConcurClient {
  /** Base URL of the company's data center (its token's geolocation). */
  baseUrlFor(companyId?: string): string;
  request<T = unknown>(call: ConcurCall): Promise<ConcurResponse<T>>;
  /**
   * Passthrough mode: resolves when the caller's own token belongs to `companyId`, FORBIDDEN when it does not (calls
   * through `request` check this themselves; answers kept by a service, such as a cached edition, call it first).
   * Managed mode: nothing to check (the gateway sends the company's own token).
   */
  verifyTokenCompany?(caller: Caller, companyId: string): Promise<void>;
}

const CORRELATION = "concur-correlationid";

/** Builds the pipeline: token + base URL per company, timeout, retry policy per call, 429 waits, pacing, coded errors. */
export function createConcurClient(options: ConcurClientOptions): ConcurClient {
  const { timeoutMs, dispatcher, logger, onExchange } = options;
  const tokens = options.tokens ?? passthroughTokens(required(options.baseUrl));
  const readPolicy: RetryPolicy = {
    ...READ_POLICY,
    retries: options.getRetries ?? READ_POLICY.retries,
    minTimeoutMs: options.retryMinTimeoutMs ?? READ_POLICY.minTimeoutMs,
  };

  /** One HTTP exchange; throws only for transport failures (coded), never for a status. */
  async function exchange<T>(call: ConcurCall, url: string, authorization: string | null): Promise<ConcurResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...call.headers };
    if (authorization !== null) headers.authorization = authorization;
    if (call.caller.correlationId) headers[CORRELATION] = call.caller.correlationId;
    let payload: string | undefined;
    if (call.form !== undefined) {
      payload = new URLSearchParams(call.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (call.body !== undefined) {
      payload = call.parse === "lossless" ? stringifyLossless(call.body) : JSON.stringify(call.body);
      headers["content-type"] = "application/json";
    }
    let raw: string | Buffer | undefined = payload;
    if (call.rawBody !== undefined) {
      raw = call.rawBody.data;
      headers["content-type"] = call.rawBody.contentType;
    }
    const started = performance.now();
    let res: Dispatcher.ResponseData;
    let text: string;
    let deadline: Deadline | undefined;
    try {
      if (call.responseType === "stream") return await streamed<T>(call, url, headers, raw);
      deadline = new Deadline(timeoutMs);
      res = await undiciRequest(url, { method: call.method, headers, body: raw, dispatcher, signal: deadline });
      text = await bodyText(res.body);
      deadline.clear();
    } catch (error) {
      deadline?.clear();
      const coded = transportError(error, { method: call.method, path: loggablePath(call.path), correlationId: call.caller.correlationId }, timeoutMs, logger);
      onExchange?.({ method: call.method, url, errorCode: coded.code, seconds: (performance.now() - started) / 1000, requestBytes: payload === undefined ? 0 : Buffer.byteLength(payload), body: call.body, form: call.form });
      throw coded;
    }
    onExchange?.({ method: call.method, url, status: res.statusCode, seconds: (performance.now() - started) / 1000, requestBytes: payload === undefined ? 0 : Buffer.byteLength(payload), body: call.body, form: call.form });
    const responseHeaders = flattenHeaders(res.headers);
    const correlationId = responseHeaders[CORRELATION] ?? call.caller.correlationId ?? "";
    const status = res.statusCode;
    logger.debug({ method: call.method, path: loggablePath(call.path), status, ms: Math.round(performance.now() - started), correlationId }, "concur call");
    let body: unknown;
    if (call.responseType === "text") {
      body = text;
    } else if (text.length > 0) {
      try {
        body = call.parse === "lossless" ? parseLossless(text) : JSON.parse(text);
      } catch {
        if (status >= 200 && status < 300) {
          throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered ${call.method} with a body that is not JSON (HTTP ${status})`, {
            correlationId,
            upstreamStatus: status,
          });
        }
        body = undefined; // error bodies that are not JSON (e.g. plain 503 pages) carry nothing we may pass on
      }
    }
    return { status, body: body as T, headers: responseHeaders, correlationId, bytes: text.length, maybeApplied: false };
  }

  /**
   * A download: only the headers are under the timeout (a large file may take longer), and a 2xx body is handed back
   * unread. Error statuses are read and answered like any other call.
   */
  async function streamed<T>(call: ConcurCall, url: string, headers: Record<string, string>, raw: string | Buffer | undefined): Promise<ConcurResponse<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
    let res: Dispatcher.ResponseData;
    try {
      res = await undiciRequest(url, { method: call.method, headers, body: raw, dispatcher, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
    const responseHeaders = flattenHeaders(res.headers);
    const correlationId = responseHeaders[CORRELATION] ?? call.caller.correlationId ?? "";
    if (res.statusCode >= 200 && res.statusCode < 300) {
      logger.debug({ method: call.method, path: loggablePath(call.path), status: res.statusCode, correlationId }, "concur download");
      return { status: res.statusCode, body: res.body as T, headers: responseHeaders, correlationId, bytes: Number(responseHeaders["content-length"]) || 0, maybeApplied: false };
    }
    const text = await res.body.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body: body as T, headers: responseHeaders, correlationId, bytes: text.length, maybeApplied: false };
  }

  const toError = (call: ConcurCall, res: ConcurResponse<unknown>) =>
    errorFromResponse({ method: call.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId, scopeHint: call.scopeHint });

  return {
    baseUrlFor: (companyId) => tokens.baseUrlFor(companyId),

    async verifyTokenCompany(caller, companyId) {
      await options.tokenCompany?.verify(caller, companyId);
    },

    async request<T>(call: ConcurCall): Promise<ConcurResponse<T>> {
      // The caller's own token on an API scoped by the token alone: it must belong to the company the call is for.
      if (options.tokenCompany && call.companyId !== undefined && call.authorization === undefined && call.baseUrl === undefined && !pathNamesCompany(call.path)) {
        await options.tokenCompany.verify(call.caller, call.companyId);
      }
      const policy = call.retry ?? (call.method === "GET" ? readPolicy : NO_RETRY_POLICY);
      const url = resolveHref(call.baseUrl ?? tokens.baseUrlFor(call.companyId), call.path);
      const tokenAuthorization = () => (call.authorization !== undefined ? call.authorization : tokens.authorizationFor(call.caller, call.companyId));
      const scheme = call.authScheme;
      const authorize = scheme === undefined ? tokenAuthorization : async () => withScheme(await tokenAuthorization(), scheme);
      const returned = (status: number) => call.returnStatuses !== undefined && call.returnStatuses.includes(status);
      const retryable = (error: unknown) =>
        error instanceof CodedError && (error.code === ErrorCode.UPSTREAM_UNAVAILABLE || (policy.retryTimeouts === true && error.code === ErrorCode.UPSTREAM_TIMEOUT));
      let maybeApplied = false;
      let waits429 = 0;
      let attempt = 0;
      let renewedToken = false;

      const attemptOnce = async (): Promise<ConcurResponse<T>> => {
        attempt += 1;
        if (attempt > 1) await call.pacing?.acquire();
        for (;;) {
          let res: ConcurResponse<T>;
          try {
            res = await exchange<T>(call, url, await authorize());
          } catch (error) {
            await call.pacing?.release();
            // Network errors and timeouts may or may not have reached Concur.
            if (retryable(error)) maybeApplied = true;
            throw error;
          }
          await call.pacing?.release();
          res.maybeApplied = maybeApplied;
          if (res.status === 429 && waits429 < policy.max429Waits) {
            waits429 += 1;
            let wait = retryAfterMs(res.headers["retry-after"], policy.maxRetryAfterMs);
            const backoff = policy.zeroRetryAfterBackoff;
            if (wait === 0 && backoff) wait = Math.min(backoff.firstMs * 2 ** (waits429 - 1), backoff.maxMs);
            logger.warn({ method: call.method, path: loggablePath(call.path), waitMs: wait }, "concur answered 429; waiting Retry-After");
            await sleep(wait);
            await call.pacing?.acquire();
            continue;
          }
          // A stored company token can be renewed once per call (managed mode); a caller's own token cannot.
          const refusal = call.authorization === undefined && tokens.renewAfterUnauthorized ? tokenRefusal(res.status, url) : undefined;
          if (refusal !== undefined && (await tokens.renewAfterUnauthorized!(call.caller, call.companyId, { status: refusal, renewed: renewedToken })) && !renewedToken) {
            renewedToken = true;
            await call.pacing?.acquire();
            continue;
          }
          if (res.status >= 500) {
            // A 5xx may have been applied before failing; a 412 on the next try then means "accepted".
            maybeApplied = true;
            if (returned(res.status)) return { ...res, maybeApplied };
            throw toError(call, res);
          }
          if ((res.status < 200 || res.status >= 300) && call.throwOnError !== false && !returned(res.status)) throw toError(call, res);
          return res;
        }
      };

      if (policy.retries <= 0) return attemptOnce();
      return pRetry(attemptOnce, {
        retries: policy.retries,
        minTimeout: policy.minTimeoutMs,
        maxTimeout: policy.maxTimeoutMs ?? 10_000,
        factor: 2,
        randomize: true,
        shouldRetry: retryable,
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0 && retryable(error)) {
            const coded = error as unknown as CodedError;
            logger.warn({ method: call.method, path: loggablePath(call.path), attempt: error.attemptNumber, code: coded.code, upstreamStatus: coded.extensions.upstreamStatus }, "retrying concur call");
          }
        },
      });
    },
  };
}

/**
 * A whole-exchange deadline (headers and body) for undici's `signal`, which takes an EventEmitter as well as an
 * AbortSignal: past `timeoutMs` it is aborted with a `TimeoutError` DOMException (what `AbortSignal.timeout` aborts
 * with); `clear()` once the body is read.
 *
 * Why: `AbortSignal.timeout` per upstream call is an EventTarget, a WeakRef and a timer that stays armed for the whole
 * timeout after the call is over; with undici's listener added and removed, ~20-60 us per call measured in one node
 * process on this machine, against ~1-3 us for an EventEmitter and a timer cleared at the end.
 */
class Deadline extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.reason = new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError");
      this.emit("abort");
    }, timeoutMs);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The body as text, as undici's `body.text()` gives it (UTF-8, a leading byte order mark dropped), its chunks decoded
 * one by one at the end instead of from one concatenated buffer.
 *
 * Why: a 434 KB page read as one buffer is a fresh malloc above the mmap threshold on every read, whose pages the
 * kernel faults in and takes back again (~3 ms per page read on the bench machine, a VM; the chunks, ~64 KiB each,
 * come from memory malloc reuses). The chunks stay buffers (outside the V8 heap) until the body has ended, so many
 * bodies arriving at once do not hold their text in the heap across garbage collections; the decoded pieces form one
 * string that JSON.parse reads.
 */
function bodyText(body: Dispatcher.ResponseData["body"]): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    body.on("data", (chunk: Buffer) => chunks.push(chunk));
    body.once("end", () => {
      ended = true;
      resolve(decodeChunks(chunks));
    });
    body.once("error", reject);
    body.once("close", () => {
      if (!ended) reject(new Error("the response body closed before its end"));
    });
  });
}

function decodeChunks(chunks: readonly Buffer[]): string {
  if (chunks.length === 0) return "";
  let text: string;
  if (chunks.length === 1) text = chunks[0].toString("utf8");
  else {
    // A multi-byte character split between chunks is held back by the decoder until its end arrives.
    const decoder = new StringDecoder("utf8");
    text = "";
    for (const chunk of chunks) text += decoder.write(chunk);
    text += decoder.end();
  }
  // The byte order mark (EF BB BF) decodes to U+FEFF; undici's body.text() skips it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function required(baseUrl: string | undefined): string {
  if (!baseUrl) throw new Error("createConcurClient needs `tokens` or `baseUrl`");
  return baseUrl;
}

/** `Bearer t` → `<scheme> t`; null (no credentials) stays null. */
function withScheme(authorization: string | null, scheme: string): string | null {
  return authorization === null ? null : authorization.replace(/^\S+(?=\s)/, scheme);
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

/**
 * What a log line may say of a call's path: an absolute URL (a link Concur handed out, such as a signed image URL,
 * which works as a short-lived credential) shows its origin only; a query string is dropped.
 */
export function loggablePath(path: string): string {
  if (/^https?:\/\//i.test(path)) {
    try {
      return `${new URL(path).origin}/…`;
    } catch {
      return "(unparsable URL)";
    }
  }
  const at = path.indexOf("?");
  return at < 0 ? path : `${path.slice(0, at)}?…`;
}
