/** Accounting Integration v4 error codes (`ErrorMessage.errorCode`). [INFERRED Q9] except where noted. */
export const AccountingErrorCode = {
  IfNoneMatchInvalid: "ifNoneMatch.invalid",
  NextInvalid: "next.invalid",
  ErpNotFound: "erp.notFound",
  RequestNotFound: "request.notFound",
  /** Spec Q11 default. */
  ErpAlreadyRegistered: "erp.already.registered",
  /** Spec Q4 default: reused If-None-Match request id. */
  RequestExists: "request.alreadyExists",
} as const;
