// Purchase orders and goods receipts: the input in canonical form (dates, codes) -> checks before any call -> upsert
// (read, then update or create: Concur's PUT needs the full PO) -> the outcome; refusals are coded errors.
import {
  dateOnly,
  invoiceProblemsToError,
  validateGoodsReceipt,
  validatePurchaseOrder,
  type Caller,
  type GoodsReceiptRecord,
  type InvoiceProblem,
  type PurchaseOrderClient,
  type PurchaseOrderRecord,
  type ReceiptKey,
} from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";

export interface PoDeps {
  caller: Caller;
  client: PurchaseOrderClient;
}

const clean = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
};

/** Plain object of defined, trimmed values (nested objects and arrays left to the caller). */
function compact(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === "string" ? clean(v) : v;
    if (out[k] === undefined) delete out[k];
  }
  return out;
}

/** A date field in any form the docs show, as YYYY-MM-DD; a problem naming the field otherwise. */
function day(value: unknown, field: string, problems: InvoiceProblem[]): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const d = dateOnly(value);
  if (!d) problems.push({ field, message: `${field}: a date YYYY-MM-DD, got ${JSON.stringify(value)}` });
  return d;
}

const customs = (values: unknown) => ((values as Array<{ number: number; value: string }> | null | undefined) ?? []).map((c) => ({ number: c.number, value: String(c.value ?? "").trim() }));

/** The GraphQL input as the canonical record, and the date problems found on the way. */
export function purchaseOrderOf(input: Record<string, any>): { order: PurchaseOrderRecord; problems: InvoiceProblem[] } {
  const problems: InvoiceProblem[] = [];
  const address = (a: Record<string, unknown> | undefined) => (a ? { ...compact(a), countryCode: clean(a.countryCode)?.toUpperCase() } : undefined);
  const order = {
    ...compact(input),
    currencyCode: clean(input.currencyCode)?.toUpperCase(),
    orderDate: day(input.orderDate, "order.orderDate", problems),
    neededByDate: day(input.neededByDate, "order.neededByDate", problems),
    requestedDeliveryDate: day(input.requestedDeliveryDate, "order.requestedDeliveryDate", problems),
    status: input.status ?? "TRANSMITTED",
    billTo: address(input.billTo),
    shipTo: address(input.shipTo),
    customFields: customs(input.customFields),
    lines: ((input.lines as Array<Record<string, any>>) ?? []).map((line, i) => ({
      ...compact(line),
      receiptType: line.receiptType ?? "NONE",
      requestedDeliveryDate: day(line.requestedDeliveryDate, `order.lines[${i}].requestedDeliveryDate`, problems),
      createDate: day(line.createDate, `order.lines[${i}].createDate`, problems),
      customFields: customs(line.customFields),
      allocations: ((line.allocations as Array<Record<string, unknown>> | null) ?? []).map((a) => ({ ...compact(a), customFields: customs(a.customFields) })),
    })),
  } as unknown as PurchaseOrderRecord;
  for (const key of Object.keys(order) as Array<keyof PurchaseOrderRecord>) if (order[key] === undefined) delete order[key];
  for (const line of order.lines) for (const key of Object.keys(line) as Array<keyof typeof line>) if (line[key] === undefined) delete line[key];
  return { order, problems };
}

const refuse = (problems: InvoiceProblem[]) => {
  const error = invoiceProblemsToError(problems);
  if (error) throw error;
};

export interface PoWriteResult {
  companyId: string;
  purchaseOrderNumber: string;
  created: boolean;
  message: string | null;
}

/**
 * Create or update: reads the PO first (Concur's PUT replaces with the full PO, and lines it does not name are
 * undocumented, so dropping a line is refused here: close the PO or zero the line's quantity).
 */
export async function savePurchaseOrder(deps: PoDeps, companyId: string, input: Record<string, unknown>): Promise<PoWriteResult> {
  const { order, problems } = purchaseOrderOf(input);
  refuse([...problems, ...validatePurchaseOrder(order)]);
  const existing = await deps.client.get(deps.caller, companyId, order.number);
  if (existing) {
    const sent = new Set(order.lines.map((l) => l.externalId.toUpperCase()));
    const dropped = existing.lines.filter((l) => !sent.has(l.externalId.toUpperCase())).map((l) => l.externalId);
    if (dropped.length > 0) {
      throw new CodedError(ErrorCode.BAD_USER_INPUT, `order.lines: the PO already has line(s) ${dropped.join(", ")}; send every line (Concur's update takes the whole PO). To stop a line, set its quantity to 0 or close the PO.`, { field: "order.lines", missingLines: dropped });
    }
  }
  const outcome = await deps.client.save(deps.caller, companyId, order, existing ? "update" : "create");
  return { companyId, purchaseOrderNumber: order.number, created: !existing, message: outcome.message ?? null };
}

/** Closes a PO (Concur has no delete): the PO as Concur holds it, sent back with status Closed. */
export async function closePurchaseOrder(deps: PoDeps, companyId: string, number: string): Promise<PoWriteResult> {
  const existing = await deps.client.get(deps.caller, companyId, number);
  if (!existing) throw new CodedError(ErrorCode.NOT_FOUND, `Concur has no purchase order ${number}`, { field: "number" });
  if (existing.status === "CLOSED") return { companyId, purchaseOrderNumber: existing.number, created: false, message: "already closed" };
  const outcome = await deps.client.save(deps.caller, companyId, { ...existing, status: "CLOSED" }, "update");
  return { companyId, purchaseOrderNumber: existing.number, created: false, message: outcome.message ?? null };
}

export interface ReceiptWriteResult extends ReceiptKey {
  companyId: string;
  message: string | null;
  records: number;
}

export function receiptOf(input: Record<string, unknown>): { receipt: GoodsReceiptRecord; problems: InvoiceProblem[] } {
  const problems: InvoiceProblem[] = [];
  const receipt = { ...compact(input), receivedDate: day(input.receivedDate, "receipt.receivedDate", problems), customFields: customs(input.customFields) } as unknown as GoodsReceiptRecord;
  if (receipt.receivedDate === undefined) delete receipt.receivedDate;
  return { receipt, problems };
}

export async function saveReceipt(deps: PoDeps, companyId: string, input: Record<string, unknown>, mode: "create" | "replace"): Promise<ReceiptWriteResult> {
  const { receipt, problems } = receiptOf(input);
  refuse([...problems, ...validateGoodsReceipt(receipt)]);
  const outcome = await deps.client.saveReceipt(deps.caller, companyId, receipt, mode);
  return { companyId, purchaseOrderNumber: receipt.purchaseOrderNumber, lineItemExternalId: receipt.lineItemExternalId, goodsReceiptNumber: receipt.goodsReceiptNumber, message: outcome.message ?? null, records: 1 };
}

export async function deleteReceipt(deps: PoDeps, companyId: string, key: ReceiptKey): Promise<ReceiptWriteResult> {
  const problems: InvoiceProblem[] = [];
  for (const [name, value] of Object.entries(key)) if (!clean(value)) problems.push({ field: name, message: `${name}: required (a delete names exactly one receipt)` });
  refuse(problems);
  const outcome = await deps.client.deleteReceipt(deps.caller, companyId, key);
  return { companyId, ...key, message: outcome.message ?? null, records: 1 };
}
