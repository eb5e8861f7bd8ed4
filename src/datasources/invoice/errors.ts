import { CodedError, ErrorCode, type SafeExtensions } from "../../errors.js";
import { errorFromResponse } from "../client/errors.js";
import type { ConcurResponse } from "../client/pipeline.js";
import { legacyErrorMessage } from "./forms.js";

/** What a v3 call was doing, for messages that say what to fix. */
export interface InvoiceCallInfo {
  method: string;
  /** e.g. "vendors", "purchase order PO-1". */
  what: string;
  scope: string;
}

/**
 * A non-2xx v3 answer as a coded error. v3 bodies are legacy (vendor spec Q10, PO spec Q2): `{Message}`,
 * `{Error: {Message, Server-Time, Id}}` with or without a `StatusCode` wrapper, or empty (`Void` 400s of the PO API).
 * 400 messages pass (they describe the caller's input); a 403 names the scope and the licence it implies.
 */
export function invoiceErrorFromResponse(res: ConcurResponse<unknown>, info: InvoiceCallInfo): CodedError {
  const message = legacyErrorMessage(res.body);
  const ext: SafeExtensions = { upstreamStatus: res.status };
  if (res.correlationId) ext.correlationId = res.correlationId;
  const ref = res.correlationId ? ` (concur-correlationid ${res.correlationId})` : "";
  switch (res.status) {
    case 400:
      return new CodedError(ErrorCode.BAD_USER_INPUT, `Concur refused the ${info.what} request${message ? `: ${message}` : " with an empty body (the v3 APIs give no reason: check required fields and formats)"}${ref}`, ext);
    case 403:
      return new CodedError(ErrorCode.FORBIDDEN, `Concur refused access to ${info.what}: scope ${info.scope} missing or Concur Invoice not licensed for this company${ref}`, ext);
    case 404:
      return new CodedError(ErrorCode.NOT_FOUND, `Concur found no ${info.what}${ref}`, ext);
    default:
      return errorFromResponse({ method: info.method, status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId, scopeHint: info.scope });
  }
}
