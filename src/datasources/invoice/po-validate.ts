// Purchase order and receipt checks before any call (PO spec §2, §4.1 and the error table): required fields, the
// ExpenseType-xor-AccountCode rule, unique line ids, sign and allocation rules, documented lengths.
import type { InvoiceProblem } from "./validate.js";
import { PO_CUSTOM_FIELDS, type GoodsReceiptRecord, type PoAddress, type PurchaseOrderRecord } from "./po-model.js";

/** Decimal as an integer count of 1e-8 (the docs' scale): exact comparisons without floats. */
const units = (value: string): bigint => {
  const negative = value.startsWith("-");
  const [int, frac = ""] = value.replace(/^-/, "").split(".");
  const n = BigInt(int + frac.padEnd(8, "0").slice(0, 8));
  return negative ? -n : n;
};
const abs = (n: bigint) => (n < 0n ? -n : n);

export function validatePurchaseOrder(po: PurchaseOrderRecord, path = "order"): InvoiceProblem[] {
  const problems: InvoiceProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${path}.${field}`, message: `${path}.${field}: ${message}` });
  const required: Array<[keyof PurchaseOrderRecord & string, string]> = [
    ["number", "the PO number (Concur error 1000)"], ["name", "the PO name"], ["orderDate", "YYYY-MM-DD"], ["policyExternalId", "the Invoice PO policy (Standard: PO; country packs USPO, GBPO, JPPO, CAPO, AUPO)"],
    ["vendorCode", "an Invoice vendor code (Concur error 2000 when unknown)"], ["vendorAddressCode", "the vendor's remit-to address code"],
  ];
  for (const [name, what] of required) if (!String(po[name] ?? "").trim()) add(name, `required: ${what}`);
  if (!/^[A-Z]{3}$/.test(po.currencyCode ?? "")) add("currencyCode", `required: an ISO 4217 alpha-3 code, got ${JSON.stringify(po.currencyCode ?? null)}`);
  for (const name of ["shippingMethodKey", "shippingTermsKey"] as const) if ((po[name]?.length ?? 0) > 10) add(name, `at most 10 characters, got ${po[name]!.length}`);
  address(po.billTo, "billTo", add);
  address(po.shipTo, "shipTo", add);
  custom(po.customFields, PO_CUSTOM_FIELDS.header, "customFields", add);
  if (po.lines.length === 0) add("lines", "at least one line item (Concur error 5000)");
  const ids = new Set<string>();
  po.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (!line.lineNumber?.trim()) add(`${at}.lineNumber`, "required");
    if (!line.externalId?.trim()) add(`${at}.externalId`, "required: the line's id, unique within the PO (receipts name it)");
    else if (ids.has(line.externalId.toUpperCase())) add(`${at}.externalId`, `${JSON.stringify(line.externalId)} is already used by another line of this PO (Concur error 5600)`);
    ids.add(line.externalId?.toUpperCase());
    if (Boolean(line.expenseType) === Boolean(line.accountCode)) add(`${at}.expenseType`, "give expenseType or accountCode, exactly one of them (Concur error 5001)");
    const price = units(line.unitPrice);
    if (line.tax !== undefined && units(line.tax) !== 0n && price !== 0n && units(line.tax) < 0n !== price < 0n) add(`${at}.tax`, "must have the sign of unitPrice (Concur error 5004)");
    if ((line.unitOfMeasureCode?.length ?? 0) >= 10) add(`${at}.unitOfMeasureCode`, "fewer than 10 characters");
    const total = (units(line.quantity) * price) / 100_000_000n;
    let sum = 0n;
    line.allocations.forEach((allocation, j) => {
      const amount = units(allocation.amount);
      if (amount === 0n) add(`${at}.allocations[${j}].amount`, "cannot be zero (Concur error 5503)");
      else if (total !== 0n && amount < 0n !== total < 0n) add(`${at}.allocations[${j}].amount`, "must have the sign of the line total (Concur error 5502)");
      sum += amount;
      custom(allocation.customFields, PO_CUSTOM_FIELDS.allocation, `${at}.allocations[${j}].customFields`, add);
    });
    if (line.allocations.length > 0 && abs(sum) > abs(total)) add(`${at}.allocations`, `add up to more than the line total quantity × unitPrice (Concur error 5501)`);
    custom(line.customFields, PO_CUSTOM_FIELDS.line, `${at}.customFields`, add);
  });
  return problems;
}

function address(a: PoAddress | undefined, at: string, add: (field: string, message: string) => void): void {
  if (!a) return add(at, `required (Concur error ${at === "billTo" ? 6001 : 6000})`);
  for (const name of ["externalId", "address1", "city", "postalCode"] as const) if (!a[name]?.trim()) add(`${at}.${name}`, "required");
  if (!/^[A-Z]{2}$/.test(a.countryCode ?? "")) add(`${at}.countryCode`, `required: ISO 3166-1 alpha-2, got ${JSON.stringify(a.countryCode ?? null)} (Concur error 8005)`);
}

function custom(values: Array<{ number: number }>, max: number, at: string, add: (field: string, message: string) => void): void {
  const seen = new Set<number>();
  values.forEach((c, i) => {
    if (!Number.isInteger(c.number) || c.number < 1 || c.number > max) add(`${at}[${i}].number`, `1 to ${max}, got ${c.number}`);
    else if (seen.has(c.number)) add(`${at}[${i}].number`, `Custom${c.number} is given twice`);
    seen.add(c.number);
  });
}

export function validateReceipt(receipt: GoodsReceiptRecord, path = "receipt"): InvoiceProblem[] {
  const problems: InvoiceProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${path}.${field}`, message: `${path}.${field}: ${message}` });
  if (!receipt.purchaseOrderNumber?.trim()) add("purchaseOrderNumber", "required");
  if (!receipt.lineItemExternalId?.trim()) add("lineItemExternalId", "required: the PO line's externalId");
  if (!receipt.goodsReceiptNumber?.trim()) add("goodsReceiptNumber", "required: the receipt's own number (Version 2.0 goods receipts)");
  if ((receipt.unitOfMeasureCode?.length ?? 0) >= 10) add("unitOfMeasureCode", "fewer than 10 characters (Concur error 1005)");
  custom(receipt.customFields, PO_CUSTOM_FIELDS.receipt, "customFields", add);
  return problems;
}
