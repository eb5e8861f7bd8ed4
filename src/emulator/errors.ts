import { STATUS_CODES } from "node:http";
import type { ErrorMessage, ValidationError } from "./types.js";

/** Stable, non-localized error codes the emulator puts in `ErrorMessage.errorCode`. [INFERRED Q9] except where noted. */
export const ErrorCode = {
  BadRequest: "request.invalid",
  PayloadTooLarge: "payload.tooLarge",
  IfNoneMatchInvalid: "ifNoneMatch.invalid",
  NextInvalid: "next.invalid",
  Unauthenticated: "authentication.required",
  TokenInvalid: "token.invalid",
  ScopeMissing: "scope.insufficient",
  CompanyForbidden: "company.forbidden",
  CompanyNotFound: "company.notFound",
  ErpNotFound: "erp.notFound",
  RequestNotFound: "request.notFound",
  RouteNotFound: "route.notFound",
  MethodNotAllowed: "method.notAllowed",
  /** Spec Q11 default. */
  ErpAlreadyRegistered: "erp.already.registered",
  /** Spec Q4 default: reused If-None-Match request id. */
  RequestExists: "request.alreadyExists",
  /** Spec Q5: the sibling List v4 API's code. */
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
