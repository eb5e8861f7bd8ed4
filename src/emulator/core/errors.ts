import { STATUS_CODES } from "node:http";
import type { ErrorMessage, ValidationError } from "./types.js";

/**
 * Stable, non-localized error codes the shared edge puts in `ErrorMessage.errorCode` ([INFERRED accounting Q9] except
 * where noted). API-specific codes live in each API's folder (e.g. accounting/errors.ts).
 */
export const ErrorCode = {
  BadRequest: "request.invalid",
  PayloadTooLarge: "payload.tooLarge",
  Unauthenticated: "authentication.required",
  TokenInvalid: "token.invalid",
  ScopeMissing: "scope.insufficient",
  CompanyForbidden: "company.forbidden",
  CompanyNotFound: "company.notFound",
  RouteNotFound: "route.notFound",
  MethodNotAllowed: "method.notAllowed",
  /** Accounting spec Q5: the sibling List v4 API's code. */
  RateLimited: "security.rate.limit.reached",
  Internal: "internal.error",
  FaultInjected: "internal.faultInjected",
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Thrown by handlers; the server turns it into an ErrorMessage response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly validationErrors?: ValidationError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** "404 - Not Found" — the sibling v4 APIs' format [INFERRED 1.0]. */
export function httpStatusText(status: number): string {
  return `${status} - ${STATUS_CODES[status] ?? "Unknown"}`;
}

export function buildErrorMessage(err: HttpError, path: string, nowMs: number): ErrorMessage {
  const body: ErrorMessage = {
    timestamp: new Date(nowMs).toISOString(),
    httpStatus: httpStatusText(err.status),
    errorCode: err.errorCode,
    errorMessage: err.message,
    path,
  };
  if (err.validationErrors && err.validationErrors.length > 0) body.validationErrors = err.validationErrors;
  return body;
}

export const badRequest = (message: string, validationErrors?: ValidationError[], code: string = ErrorCode.BadRequest) =>
  new HttpError(400, code, message, validationErrors);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
