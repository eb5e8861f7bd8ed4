// Purchase orders and goods receipts in one canonical form (camelCase; exact decimals as strings; dates YYYY-MM-DD;
// booleans; QUANTITY_RECEIPT | NONE) and their wire forms, both ways. Reading accepts every form the docs show
// (PO spec §7 Q5-Q8, §8); writing sends one: Y/N for IsTest/IsChangeOrder, "true"/"false" for IsReceiptRequired,
// YYYY-MM-DD dates, QUANTITY_RECEIPT/NONE.
import { dateOnly, decimal, many, receiptType, text, yesNo } from "./forms.js";
import type { WireAddress, WireAllocation, WireLineItem, WirePurchaseOrder, WireReceipt } from "./wire.js";

export interface CustomValue {
  number: number;
  value: string;
}

export interface PoAddress {
  externalId: string;
  name?: string;
  address1: string;
  address2?: string;
  address3?: string;
  city: string;
  stateProvince?: string;
  postalCode: string;
  countryCode: string;
}

export interface PoAllocation {
  amount: string;
  percentage?: string;
  grossAmount?: string;
  customFields: CustomValue[];
}

export type ReceiptType = "QUANTITY_RECEIPT" | "NONE";

export interface PoLine {
  lineNumber: string;
  externalId: string;
  description?: string;
  quantity: string;
  unitPrice: string;
  expenseType?: string;
  accountCode?: string;
  tax?: string;
  amountWithoutVat?: string;
  unitOfMeasureCode?: string;
  receiptType: ReceiptType;
  receiptRequired?: boolean;
  supplierPartId?: string;
  requestedBy?: string;
  requestedDeliveryDate?: string;
  createDate?: string;
  allocations: PoAllocation[];
  customFields: CustomValue[];
}

export type PoStatus = "TRANSMITTED" | "CLOSED";

export interface PurchaseOrderRecord {
  number: string;
  name: string;
  description?: string;
  currencyCode: string;
  orderDate: string;
  neededByDate?: string;
  requestedDeliveryDate?: string;
  policyExternalId: string;
  vendorCode: string;
  vendorAddressCode: string;
  vendorAccountNumber?: string;
  vendorTaxId?: string;
  provincialTaxId?: string;
  billTo: PoAddress;
  shipTo: PoAddress;
  ledgerCode?: string;
  status: PoStatus;
  isTest?: boolean;
  isChangeOrder?: boolean;
  purchaseRequestNumber?: string;
  requestedBy?: string;
  paymentTerms?: string;
  discountTerms?: string;
  discountPercentage?: string;
  shipping?: string;
  tax?: string;
  amountWithoutVat?: string;
  shippingDescription?: string;
  shippingMethodKey?: string;
  shippingTermsKey?: string;
  customFields: CustomValue[];
  lines: PoLine[];
  /** Read only. */
  concurId?: string;
  uri?: string;
}

export interface GoodsReceiptRecord {
  purchaseOrderNumber: string;
  lineItemExternalId: string;
  goodsReceiptNumber: string;
  receivedQuantity?: string;
  receivedDate?: string;
  unitOfMeasureCode?: string;
  deliverySlipNumber?: string;
  deleted?: boolean;
  customFields: CustomValue[];
}

type Kind = "text" | "decimal" | "date" | "flagYN" | "flagTF";
/** [graph name, wire name, kind] of the plain fields of each level (§2, §4.1). */
const HEADER: ReadonlyArray<[keyof PurchaseOrderRecord & string, string, Kind]> = [
  ["number", "PurchaseOrderNumber", "text"], ["name", "Name", "text"], ["description", "Description", "text"], ["currencyCode", "CurrencyCode", "text"],
  ["orderDate", "OrderDate", "date"], ["neededByDate", "NeededByDate", "date"], ["requestedDeliveryDate", "RequestedDeliveryDate", "date"],
  ["policyExternalId", "PolicyExternalID", "text"], ["vendorCode", "VendorCode", "text"], ["vendorAddressCode", "VendorAddressCode", "text"],
  ["vendorAccountNumber", "VendorAccountNumber", "text"], ["vendorTaxId", "PoVendorTaxId", "text"], ["provincialTaxId", "ProvincialTaxId", "text"],
  ["ledgerCode", "LedgerCode", "text"], ["isTest", "IsTest", "flagYN"], ["isChangeOrder", "IsChangeOrder", "flagYN"],
  ["purchaseRequestNumber", "PurchaseRequestNumber", "text"], ["requestedBy", "RequestedBy", "text"], ["paymentTerms", "PaymentTerms", "text"],
  ["discountTerms", "DiscountTerms", "text"], ["discountPercentage", "DiscountPercentage", "decimal"], ["shipping", "Shipping", "decimal"],
  ["tax", "Tax", "decimal"], ["amountWithoutVat", "AmountWithoutVat", "decimal"], ["shippingDescription", "ShippingDescription", "text"],
  ["shippingMethodKey", "ShippingMethodKey", "text"], ["shippingTermsKey", "ShippingTermsKey", "text"],
];
const ADDRESS: ReadonlyArray<[keyof PoAddress & string, string, Kind]> = [
  ["externalId", "ExternalID", "text"], ["name", "Name", "text"], ["address1", "Address1", "text"], ["address2", "Address2", "text"], ["address3", "Address3", "text"],
  ["city", "City", "text"], ["stateProvince", "StateProvince", "text"], ["postalCode", "PostalCode", "text"], ["countryCode", "CountryCode", "text"],
];
const LINE: ReadonlyArray<[keyof PoLine & string, string, Kind]> = [
  ["lineNumber", "LineNumber", "text"], ["externalId", "ExternalID", "text"], ["description", "Description", "text"], ["quantity", "Quantity", "decimal"],
  ["unitPrice", "UnitPrice", "decimal"], ["expenseType", "ExpenseType", "text"], ["accountCode", "AccountCode", "text"], ["tax", "Tax", "decimal"],
  ["amountWithoutVat", "AmountWithoutVat", "decimal"], ["unitOfMeasureCode", "UnitOfMeasureCode", "text"], ["receiptRequired", "IsReceiptRequired", "flagTF"],
  ["supplierPartId", "SupplierPartID", "text"], ["requestedBy", "RequestedBy", "text"], ["requestedDeliveryDate", "RequestedDeliveryDate", "date"], ["createDate", "CreateDate", "date"],
];
const ALLOCATION: ReadonlyArray<[keyof PoAllocation & string, string, Kind]> = [["amount", "Amount", "decimal"], ["percentage", "Percentage", "decimal"], ["grossAmount", "GrossAmount", "decimal"]];
const RECEIPT: ReadonlyArray<[keyof GoodsReceiptRecord & string, string, Kind]> = [
  ["purchaseOrderNumber", "PurchaseOrderNumber", "text"], ["lineItemExternalId", "LineItemExternalID", "text"], ["goodsReceiptNumber", "GoodsReceiptNumber", "text"],
  ["receivedQuantity", "ReceivedQuantity", "decimal"], ["receivedDate", "ReceivedDate", "date"], ["unitOfMeasureCode", "UnitOfMeasureCode", "text"],
  ["deliverySlipNumber", "DeliverySlipNumber", "text"], ["deleted", "Deleted", "flagTF"],
];

/** Custom field counts per level (§2, §4.1). */
export const PO_CUSTOM_FIELDS = { header: 24, line: 20, allocation: 20, receipt: 10 } as const;

function toWire<T extends object>(record: T, fields: ReadonlyArray<[string, string, Kind]>, custom?: CustomValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, wire, kind] of fields) {
    const value = (record as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    out[wire] = kind === "flagYN" ? (value ? "Y" : "N") : kind === "flagTF" ? (value ? "true" : "false") : String(value);
  }
  for (const c of custom ?? []) out[`Custom${c.number}`] = c.value;
  return out;
}

function fromWire(wire: unknown, fields: ReadonlyArray<[string, string, Kind]>, customCount: number): Record<string, unknown> & { customFields: CustomValue[] } {
  const lower = new Map(Object.entries(wire && typeof wire === "object" ? wire : {}).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Record<string, unknown> = {};
  for (const [name, wireName, kind] of fields) {
    const raw = lower.get(wireName.toLowerCase());
    const value = kind === "decimal" ? decimal(raw) : kind === "date" ? dateOnly(raw) : kind === "flagYN" || kind === "flagTF" ? yesNo(raw) : text(raw);
    if (value !== undefined) out[name] = value;
  }
  const customFields: CustomValue[] = [];
  for (let n = 1; n <= customCount; n++) {
    const value = text(lower.get(`custom${n}`));
    if (value !== undefined) customFields.push({ number: n, value });
  }
  return Object.assign(out, { customFields });
}

/** The full PO as PUT/POST sends it (the full PO every time, Q4). */
export function toWirePurchaseOrder(po: PurchaseOrderRecord): WirePurchaseOrder {
  const out = toWire(po, HEADER, po.customFields) as WirePurchaseOrder;
  out.Status = po.status === "CLOSED" ? "Closed" : "Transmitted";
  out.BillToAddress = toWire(po.billTo, ADDRESS);
  out.ShipToAddress = toWire(po.shipTo, ADDRESS);
  out.LineItem = po.lines.map((line) => {
    const l = toWire(line, LINE, line.customFields) as WireLineItem;
    l.PurchaseOrderReceiptType = line.receiptType;
    l.Allocation = line.allocations.map((a) => toWire(a, ALLOCATION, a.customFields) as WireAllocation);
    return l;
  });
  return out;
}

/** A PO as Concur answered it, whatever forms it used. */
export function fromWirePurchaseOrder(wire: WirePurchaseOrder): PurchaseOrderRecord {
  const po = fromWire(wire, HEADER, PO_CUSTOM_FIELDS.header) as unknown as PurchaseOrderRecord;
  const lower = new Map(Object.entries(wire).map(([k, v]) => [k.toLowerCase(), v]));
  po.status = /^closed$/i.test(text(lower.get("status")) ?? "") ? "CLOSED" : "TRANSMITTED";
  const address = (raw: unknown): PoAddress => {
    const a = fromWire(raw, ADDRESS, 0) as unknown as PoAddress & { customFields?: unknown };
    delete a.customFields;
    // The swagger's `State` is an alias of StateProvince (§2, §8).
    if (a.stateProvince === undefined) {
      const state = text(new Map(Object.entries(raw && typeof raw === "object" ? raw : {}).map(([k, v]) => [k.toLowerCase(), v])).get("state"));
      if (state !== undefined) a.stateProvince = state;
    }
    return a;
  };
  po.billTo = address(lower.get("billtoaddress") as WireAddress);
  po.shipTo = address(lower.get("shiptoaddress") as WireAddress);
  po.lines = many(lower.get("lineitem") as WireLineItem[] | WireLineItem | undefined).map((raw) => {
    const line = fromWire(raw, LINE, PO_CUSTOM_FIELDS.line) as unknown as PoLine;
    const l = new Map(Object.entries(raw ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    line.receiptType = receiptType(l.get("purchaseorderreceipttype")) ?? "NONE";
    line.allocations = many(l.get("allocation") as WireAllocation[] | WireAllocation | undefined).map((a) => fromWire(a, ALLOCATION, PO_CUSTOM_FIELDS.allocation) as unknown as PoAllocation);
    return line;
  });
  po.number ??= text(lower.get("id")) ?? "";
  po.concurId = text(lower.get("id"));
  po.uri = text(lower.get("uri"));
  return po;
}

export function toWireReceipt(receipt: GoodsReceiptRecord): WireReceipt {
  // Version 2.0: a goods receipt with its own number (§4.1: "Use Version 2.0 unless doing receipt confirmation only").
  return { ...toWire(receipt, RECEIPT, receipt.customFields), Version: "2.0" };
}

export function fromWireReceipt(wire: WireReceipt): GoodsReceiptRecord {
  return fromWire(wire, RECEIPT, PO_CUSTOM_FIELDS.receipt) as unknown as GoodsReceiptRecord;
}

const FIELD_OF_WIRE = new Map<string, string>(
  [...HEADER, ...LINE, ...ADDRESS, ...ALLOCATION, ...RECEIPT].map(([name, wire]) => [wire.toLowerCase(), name] as [string, string]).reverse(),
);

/**
 * The GraphQL input path of Concur's `FieldCode` (`LEVEL|CODE`, or `LEVEL CODE` in the markdown) and
 * `LineItemExternalID`: e.g. `order.lines[L2].quantity`, `order.billTo.city`, `receipt.receivedQuantity`.
 */
export function fieldOfFieldCode(fieldCode: string | undefined, lineItemExternalId: string | undefined, root: "order" | "receipt"): string | undefined {
  if (!fieldCode) return undefined;
  const [level, code] = fieldCode.split(/[|\s]+/, 2);
  if (!code) return undefined;
  const name = /^custom\d+$/i.test(code) ? `customFields.${code.slice(6)}` : FIELD_OF_WIRE.get(code.toLowerCase()) ?? code.charAt(0).toLowerCase() + code.slice(1);
  const line = lineItemExternalId ? `lines[${lineItemExternalId}]` : "lines";
  switch (level.toLowerCase()) {
    case "billto":
      return `${root}.billTo.${name}`;
    case "shipto":
      return `${root}.shipTo.${name}`;
    case "lineitem":
      return root === "receipt" ? `${root}.${name}` : `${root}.${line}.${name}`;
    case "allocation":
      return `${root}.${line}.allocations.${name}`;
    default:
      return `${root}.${name}`;
  }
}
