// Purchase Order v3.0 and Purchase Order Receipt v3.0 calls: one PO / one receipt per call (no batch form), each write
// in the company's Invoice pacing slot. Business failures arrive as 200 + Status FAILURE (PO spec §1): they become
// coded errors naming Concur's code, the input field and the line; a receipt matched to an invoice is a CONFLICT.
import { CodedError, ErrorCode, type SafeExtensions } from "../../errors.js";
import { observedSend, type WriteBatchObserver } from "../client/batch-observer.js";
import type { Caller } from "../client/caller.js";
import { heldSlot, type Pacer } from "../client/pacing.js";
import { IDEMPOTENT_WRITE_POLICY, SEND_ONCE_POLICY, type ConcurClient, type RetryPolicy } from "../client/pipeline.js";
import { invoiceErrorFromResponse } from "./errors.js";
import { integer, many, text } from "./forms.js";
import { INVOICE_SCOPES, invoicePaths, withQuery } from "./paths.js";
import { fieldOfFieldCode, fromWirePurchaseOrder, fromWireReceipt, toWirePurchaseOrder, toWireReceipt, type GoodsReceiptRecord, type PurchaseOrderRecord } from "./po-model.js";
import type { WirePurchaseOrder, WireReceipt, WireReceiptCollection, WireResult } from "./wire.js";

/** What a successful write answered. */
export interface PoWriteOutcome {
  purchaseOrderNumber: string;
  lineItemExternalId?: string;
  message?: string;
}

export interface ReceiptKey {
  purchaseOrderNumber: string;
  lineItemExternalId: string;
  goodsReceiptNumber: string;
}

export interface PurchaseOrderClient {
  /** P3; null when Concur has no such PO. */
  get(caller: Caller, companyId: string, number: string): Promise<PurchaseOrderRecord | null>;
  /** P1 (`create`: "create or update") or P2 (update), the full PO. */
  save(caller: Caller, companyId: string, order: PurchaseOrderRecord, mode: "create" | "update"): Promise<PoWriteOutcome>;
  /** R3: receipts of a PO (and line / receipt number); `truncated` when Concur holds more than it returned (2000 cap). */
  receipts(caller: Caller, companyId: string, filter: Partial<ReceiptKey>): Promise<{ receipts: GoodsReceiptRecord[]; totalCount: number; truncated: boolean }>;
  /** R1 / R2. */
  saveReceipt(caller: Caller, companyId: string, receipt: GoodsReceiptRecord, mode: "create" | "replace"): Promise<PoWriteOutcome>;
  /** R4: exactly one receipt by PO number, line and receipt number. */
  deleteReceipt(caller: Caller, companyId: string, key: ReceiptKey): Promise<PoWriteOutcome>;
}

/**
 * [INFERRED] code of "matched to an invoice, cannot be deleted" (RN-2304 gives the rule, not the code; the emulator's
 * choice). The message is checked too, so the refusal is recognised whatever code Concur uses.
 */
export const RECEIPT_MATCHED_CODE = "1010";
const MATCHED = /matched|payment request|associated with .*invoice/i;

export interface PurchaseOrderClientOptions {
  client: ConcurClient;
  /** The company's Invoice write pacer (shared with the vendor writes). */
  pacer: Pacer;
  /** Each write as a write batch of one record (writer `invoice`): time waiting for its slot, pacing, the call (metrics, traces). */
  observer?: WriteBatchObserver;
}

export function createPurchaseOrderClient(options: PurchaseOrderClientOptions): PurchaseOrderClient {
  const { client, pacer, observer } = options;
  const scope = INVOICE_SCOPES.purchaseOrders;

  async function write(caller: Caller, companyId: string, method: "POST" | "PUT" | "DELETE", path: string, body: unknown, retry: RetryPolicy, what: string, root: "order" | "receipt", target: string): Promise<PoWriteOutcome> {
    const origin = observer?.queued?.();
    const queuedAt = performance.now();
    const slot = await heldSlot(pacer, companyId, observer?.pacerWaited);
    let res;
    try {
      const leaving = { writer: "invoice" as const, target, records: 1, bytes: 0, queuedSeconds: [(performance.now() - queuedAt) / 1000], origins: [origin] };
      res = await observedSend(observer, leaving, () => client.request<WireResult>({ method, path, body, caller, companyId, pacing: slot, retry, throwOnError: false, scopeHint: scope, parse: "lossless" }));
    } catch (error) {
      throw maybeApplied(error, method, what, root);
    } finally {
      await slot.dispose();
    }
    if (res.status < 200 || res.status >= 300) throw invoiceErrorFromResponse(res, { method, what, scope });
    const result = (res.body && typeof res.body === "object" ? res.body : {}) as WireResult;
    const status = text(result.Status)?.toUpperCase();
    const outcome = { purchaseOrderNumber: text(result.PurchaseOrderNumber) ?? "", lineItemExternalId: text(result.LineItemExternalID), message: text(result.Message) };
    if (status === "SUCCESS") return outcome;
    if (status !== "FAILURE") {
      // A DELETE answered `Void` (swagger) has no Status: the 2xx is the answer.
      if (method === "DELETE" && (res.body === undefined || status === undefined)) return outcome;
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered the ${what} with Status ${JSON.stringify(status ?? null)} (neither SUCCESS nor FAILURE)`, { correlationId: res.correlationId || undefined });
    }
    throw failureError(result, what, root, res.correlationId);
  }

  return {
    async get(caller, companyId, number) {
      const res = await client.request<WirePurchaseOrder>({ method: "GET", path: invoicePaths.purchaseOrder(number), caller, companyId, throwOnError: false, scopeHint: scope, parse: "lossless" });
      if (res.status === 404) return null;
      if (res.status < 200 || res.status >= 300) throw invoiceErrorFromResponse(res, { method: "GET", what: `purchase order ${number}`, scope });
      if (!res.body || typeof res.body !== "object") return null;
      return fromWirePurchaseOrder(res.body);
    },

    save(caller, companyId, order, mode) {
      // A full PO applied twice is the same PO: retried like an idempotent write.
      return write(caller, companyId, mode === "create" ? "POST" : "PUT", invoicePaths.purchaseOrders(), toWirePurchaseOrder(order), IDEMPOTENT_WRITE_POLICY, `purchase order ${order.number}`, "order", `purchase_orders.${mode}`);
    },

    async receipts(caller, companyId, filter) {
      const path = withQuery(invoicePaths.receipts(), { purchaseOrderNumber: filter.purchaseOrderNumber, lineItemExternalID: filter.lineItemExternalId, goodsReceiptNumber: filter.goodsReceiptNumber });
      const res = await client.request<WireReceiptCollection>({ method: "GET", path, caller, companyId, throwOnError: false, scopeHint: scope, parse: "lossless" });
      if (res.status < 200 || res.status >= 300) throw invoiceErrorFromResponse(res, { method: "GET", what: "purchase order receipts", scope });
      const body = res.body ?? {};
      // `Items` (swagger) or `purchaseOrderReceipt` (markdown).
      const items = many((body.Items ?? body.purchaseOrderReceipt ?? body.PurchaseOrderReceipt) as WireReceipt[] | WireReceipt | undefined).map(fromWireReceipt);
      const totalCount = integer(body.TotalCount) ?? items.length;
      return { receipts: items, totalCount, truncated: totalCount > items.length };
    },

    saveReceipt(caller, companyId, receipt, mode) {
      // POST is sent once (a repeat answers "already exists" for what did succeed); PUT replaces with the same values.
      return write(caller, companyId, mode === "create" ? "POST" : "PUT", invoicePaths.receipts(), toWireReceipt(receipt), mode === "create" ? SEND_ONCE_POLICY : IDEMPOTENT_WRITE_POLICY, `receipt ${receipt.goodsReceiptNumber}`, "receipt", `po_receipts.${mode}`);
    },

    deleteReceipt(caller, companyId, key) {
      const path = withQuery(invoicePaths.receipts(), { purchaseOrderNumber: key.purchaseOrderNumber, lineItemExternalID: key.lineItemExternalId, goodsReceiptNumber: key.goodsReceiptNumber });
      return write(caller, companyId, "DELETE", path, undefined, SEND_ONCE_POLICY, `receipt ${key.goodsReceiptNumber}`, "receipt", "po_receipts.delete");
    },
  };
}

/**
 * A write that failed in a way Concur may have applied (a 5xx, no answer in time, a lost connection; for the retried
 * writes, on the last attempt) says so, and what to do: read before sending again. Never "failed, try again": a
 * receipt POST sent again is refused as existing, and Concur cannot tell whose it was.
 */
function maybeApplied(error: unknown, method: string, what: string, root: "order" | "receipt"): unknown {
  if (!(error instanceof CodedError) || (error.code !== ErrorCode.UPSTREAM_UNAVAILABLE && error.code !== ErrorCode.UPSTREAM_TIMEOUT)) return error;
  const next =
    root === "order"
      ? "read it (invoicePurchaseOrder) before relying on it; saving the same full PO again is harmless"
      : method === "POST"
        ? "read the PO's receipts (invoicePurchaseOrder { receipts }) before sending it again: a second create is refused as existing"
        : "read the PO's receipts (invoicePurchaseOrder { receipts }) before relying on it";
  return new CodedError(error.code, `${error.message}. The ${what} ${method === "DELETE" ? "delete" : "write"} may have been applied: ${next}`, { ...error.extensions, maybeApplied: true });
}

/** A FAILURE result as what it is: a matched receipt is a CONFLICT; everything else names the code, field and line. */
function failureError(result: WireResult, what: string, root: "order" | "receipt", correlationId: string): CodedError {
  const code = text(result.ErrorCode) ?? "";
  const message = text(result.ErrorMessage) ?? text(result.Message) ?? "no reason given";
  const lineItemExternalId = text(result.LineItemExternalID);
  const fieldCode = text(result.FieldCode);
  const ext: SafeExtensions = { upstreamErrorCode: code || undefined, upstreamStatus: 200 };
  if (correlationId) ext.correlationId = correlationId;
  if (fieldCode) ext.fieldCode = fieldCode;
  if (lineItemExternalId) ext.lineItemExternalId = lineItemExternalId;
  const field = fieldOfFieldCode(fieldCode, lineItemExternalId, root);
  if (field) ext.field = field;
  if (root === "receipt" && (code === RECEIPT_MATCHED_CODE || MATCHED.test(message))) {
    ext.reason = "RECEIPT_MATCHED";
    return new CodedError(ErrorCode.CONFLICT, `Concur refused: ${what} is matched to an invoice and can no longer be deleted (since April 2023): ${message}. Correct it with replaceInvoiceGoodsReceipt instead.`, ext);
  }
  return new CodedError(ErrorCode.BAD_USER_INPUT, `Concur refused the ${what}: ${code ? `error ${code}: ` : ""}${message}${field ? ` (${field})` : ""}`, ext);
}
