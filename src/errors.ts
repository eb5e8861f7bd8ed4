import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "./logger.js";

/** Stable error codes in `extensions.code`; clients switch on these, never on messages. */
export enum ErrorCode {
  /** The HTTP request itself is not a GraphQL request (unreadable body, wrong content type). */
  BAD_REQUEST = "BAD_REQUEST",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  CONFLICT = "CONFLICT",
  /** Managed mode: the company is not connected, or Concur stopped accepting its refresh token (reconnect it). */
  NEEDS_RECONNECT = "NEEDS_RECONNECT",
  RATE_LIMITED = "RATE_LIMITED",
  PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE",
  /** An operation over one of the limits (tokens, aliases, depth, directives, cost); `extensions.operationLimit` names it. */
  OPERATION_LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED",
  UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT",
  UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE",
  UPSTREAM_ERROR = "UPSTREAM_ERROR",
  /**
   * Managed mode: the gateway's own durable store (DATABASE_URL: connections, API keys) cannot be read or written
   * right now. Retryable: `extensions.retryAfterSeconds`; HTTP 503 with `Retry-After` when the whole request needed it.
   */
  STORE_UNAVAILABLE = "STORE_UNAVAILABLE",
  SHUTTING_DOWN = "SHUTTING_DOWN",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

/** Extensions a coded error may carry; all of it is safe to show to the caller. */
export interface SafeExtensions {
  /** Upstream `concur-correlationid`, for support tickets with SAP Concur. */
  correlationId?: string;
  /** Upstream HTTP status, when the error came from Concur. */
  upstreamStatus?: number;
  /** Upstream `errorCode` (stable, not localized). */
  upstreamErrorCode?: string;
  /** Input path of the offending value, e.g. `accounts[3].type`. */
  field?: string;
  /** Seconds after which a retry may succeed. */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/** An error whose message and extensions are written for the caller and safe to return as is. */
export class CodedError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: SafeExtensions = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = "CodedError";
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const badInput = (message: string, extensions: SafeExtensions = {}) =>
  new CodedError(ErrorCode.BAD_USER_INPUT, message, extensions);

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_IN_LIST", "OPERATION_RESOLUTION_FAILURE"]);

/**
 * One formatter for HTTP and WebSocket: coded errors pass with their safe message and extensions;
 * anything else becomes "Internal server error" and is logged with a correlation id the caller can quote.
 * Never throws, never returns a stack trace or an upstream body.
 */
export function createErrorFormatter(logger: Logger) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    // Apollo re-codes parse and validation errors (GRAPHQL_PARSE_FAILED / _VALIDATION_FAILED); a limit keeps its own.
    if (typeof formatted.extensions?.operationLimit === "string") formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.OPERATION_LIMIT_EXCEEDED } };
    const code = formatted.extensions?.code;
    // A coded INTERNAL_SERVER_ERROR is still unexpected: it gets an id and a log line like any other.
    if ((original instanceof CodedError && original.code !== ErrorCode.INTERNAL_SERVER_ERROR) || (typeof code === "string" && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR)) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const errorId = logUnexpected(logger, original, { path: formatted.path });
    return {
      message: `Internal server error (error id ${errorId})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
    };
  };
}

/**
 * Logs an unexpected error at error level with a fresh `errorId` and returns the id, which the caller's answer must
 * carry (`extensions.errorId`, or "error id …" in a message) so a support ticket finds the log line.
 */
export function logUnexpected(logger: Logger, error: unknown, fields: Record<string, unknown> = {}, message = "unexpected error"): string {
  const errorId = crypto.randomUUID();
  logger.error({ ...fields, err: error, errorId }, message);
  return errorId;
}

/** A GraphQL-shaped JSON error body for answers given outside execution (the HTTP edge). */
export function errorBody(code: ErrorCode, message: string, extensions: SafeExtensions = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] });
}

/** Every error of the answer is STORE_UNAVAILABLE and it has no data: the whole request needed the store. */
export function wholeRequestNeededStore(errors: readonly { extensions?: Record<string, unknown> }[] | undefined, data: unknown): boolean {
  if (!errors || errors.length === 0) return false;
  if (!errors.every((error) => error.extensions?.code === ErrorCode.STORE_UNAVAILABLE)) return false;
  if (data === null || data === undefined) return true;
  return typeof data === "object" && Object.values(data as Record<string, unknown>).every((value) => value === null);
}

/** Seconds to put in `Retry-After` for store errors (the largest `retryAfterSeconds` among them, at least 1). */
export function storeRetryAfterSeconds(errors: readonly { extensions?: Record<string, unknown> }[]): number {
  let seconds = 1;
  for (const error of errors) {
    const value = error.extensions?.retryAfterSeconds;
    if (typeof value === "number" && value > seconds) seconds = Math.ceil(value);
  }
  return seconds;
}
