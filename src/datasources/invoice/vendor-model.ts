// The vendor record in one canonical form (camelCase, typed) and its wire form (PascalCase strings), both ways, from one
// field table; the per-record status rule (vendor spec Q2). Sources: invoice-vendors-v3.md §2-§4.
import { decimal, integer, many, text, yesNo } from "./forms.js";
import type { WireStatus, WireVendor, WireVendorBank } from "./wire.js";

export const TAX_TYPES = ["DITX", "DNTX", "INTX"] as const;
export const PAYMENT_METHODS = ["ACH", "CHECK", "CLIENT", "WIRE", "PAYPVD", "CARD", "VCHER"] as const;
export type TaxType = (typeof TAX_TYPES)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A vendor (remit-to) address record; absent = not set. */
export interface InvoiceVendorRecord {
  vendorCode: string;
  addressCode: string;
  name?: string;
  address1?: string;
  address2?: string;
  address3?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  countryCode?: string;
  currencyCode?: string;
  contactFirstName?: string;
  contactLastName?: string;
  contactEmail?: string;
  contactPhoneNumber?: string;
  purchaseOrderContactFirstName?: string;
  purchaseOrderContactLastName?: string;
  purchaseOrderContactEmail?: string;
  purchaseOrderContactPhoneNumber?: string;
  buyerAccountNumber?: string;
  taxId?: string;
  provincialTaxId?: string;
  taxType?: TaxType;
  paymentMethodType?: PaymentMethod;
  paymentTerms?: number;
  discountPercentage?: string;
  discountTermsDays?: number;
  lineItemVatIncluded?: boolean;
  visibleForContentExtraction?: boolean;
  approved?: boolean;
  defaultEmployeeId?: string;
  defaultExpenseTypeName?: string;
  vendorFormName?: string;
  shippingMethod?: string;
  shippingTerms?: string;
  voucherNotes?: string;
  addressImportSyncId?: string;
  /** Custom1..Custom20 by number. */
  customFields?: Array<{ number: number; value: string }>;
  /** Read only. */
  concurId?: string;
  uri?: string;
  banks?: InvoiceVendorBankRecord[];
  groups?: string[];
}

export type VendorFieldKind = "text" | "yesNo" | "integer" | "decimal" | "enum";

export interface VendorField {
  name: keyof InvoiceVendorRecord & string;
  wire: string;
  kind: VendorFieldKind;
  /** Longest value [V31-SW]. */
  max?: number;
  values?: readonly string[];
  /** "Send `N` to clear" fields (§2). */
  clearable?: boolean;
}

/** Every writable vendor field: GraphQL name, wire name, kind, limit (§2, [V31-SW]). */
export const VENDOR_FIELDS: readonly VendorField[] = [
  { name: "vendorCode", wire: "VendorCode", kind: "text", max: 32 },
  { name: "addressCode", wire: "AddressCode", kind: "text", max: 32 },
  { name: "name", wire: "VendorName", kind: "text", max: 255 },
  { name: "address1", wire: "Address1", kind: "text", max: 255 },
  { name: "address2", wire: "Address2", kind: "text", max: 255 },
  { name: "address3", wire: "Address3", kind: "text", max: 255 },
  { name: "city", wire: "City", kind: "text", max: 255 },
  { name: "state", wire: "State", kind: "text", max: 255 },
  { name: "postalCode", wire: "PostalCode", kind: "text", max: 20 },
  { name: "country", wire: "Country", kind: "text", max: 255 },
  { name: "countryCode", wire: "CountryCode", kind: "text", max: 2 },
  { name: "currencyCode", wire: "CurrencyCode", kind: "text", max: 3 },
  { name: "contactFirstName", wire: "ContactFirstName", kind: "text", max: 255 },
  { name: "contactLastName", wire: "ContactLastName", kind: "text", max: 255 },
  { name: "contactEmail", wire: "ContactEmail", kind: "text", max: 255 },
  { name: "contactPhoneNumber", wire: "ContactPhoneNumber", kind: "text", max: 25 },
  { name: "purchaseOrderContactFirstName", wire: "PurchaseOrderContactFirstName", kind: "text", max: 255 },
  { name: "purchaseOrderContactLastName", wire: "PurchaseOrderContactLastName", kind: "text", max: 255 },
  { name: "purchaseOrderContactEmail", wire: "PurchaseOrderContactEmail", kind: "text", max: 255 },
  { name: "purchaseOrderContactPhoneNumber", wire: "PurchaseOrderContactPhoneNumber", kind: "text", max: 25 },
  { name: "buyerAccountNumber", wire: "AccountNumber", kind: "text", max: 50, clearable: true },
  { name: "taxId", wire: "TaxID", kind: "text", max: 48 },
  { name: "provincialTaxId", wire: "ProvincialTaxID", kind: "text", max: 15 },
  { name: "taxType", wire: "TaxType", kind: "enum", values: TAX_TYPES },
  { name: "paymentMethodType", wire: "PaymentMethodType", kind: "enum", values: PAYMENT_METHODS },
  { name: "paymentTerms", wire: "PaymentTerms", kind: "integer" },
  { name: "discountPercentage", wire: "DiscountPercentage", kind: "decimal" },
  { name: "discountTermsDays", wire: "DiscountTermsDays", kind: "integer" },
  { name: "lineItemVatIncluded", wire: "IsLineItemVatIncld", kind: "yesNo" },
  { name: "visibleForContentExtraction", wire: "IsVisibleForContentExtraction", kind: "yesNo" },
  { name: "approved", wire: "Approved", kind: "yesNo" },
  { name: "defaultEmployeeId", wire: "DefaultEmployeeID", kind: "text", max: 48, clearable: true },
  { name: "defaultExpenseTypeName", wire: "DefaultExpenseTypeName", kind: "text", max: 64, clearable: true },
  { name: "vendorFormName", wire: "VendorFormName", kind: "text", max: 64, clearable: true },
  { name: "shippingMethod", wire: "ShippingMethod", kind: "text", max: 10 },
  { name: "shippingTerms", wire: "ShippingTerms", kind: "text", max: 10 },
  { name: "voucherNotes", wire: "VoucherNotes", kind: "text", max: 250 },
  { name: "addressImportSyncId", wire: "AddressImportSyncID", kind: "text", max: 20 },
];

export const CUSTOM_FIELD_COUNT = 20;
export const CUSTOM_FIELD_MAX = 48;
/** Fields a caller may clear with Concur's `N` convention. */
export const CLEARABLE_FIELDS = VENDOR_FIELDS.filter((f) => f.clearable).map((f) => f.name);

const BY_WIRE = new Map(VENDOR_FIELDS.map((f) => [f.wire.toLowerCase(), f]));

/** The GraphQL field a wire field name (as Concur spells it in a message) stands for. */
export function vendorFieldOfWire(wire: string): string | undefined {
  const lower = wire.trim().toLowerCase();
  if (/^custom\d+$/.test(lower)) return `customFields.${lower.slice(6)}`;
  return BY_WIRE.get(lower)?.name ?? BANK_BY_WIRE.get(lower)?.name;
}

/** Wire record of a vendor write: only the fields given (a PUT merges, Q4), `N` for each cleared field. */
export function toWireVendor(record: InvoiceVendorRecord, clear: readonly string[] = []): WireVendor {
  const out: WireVendor = {};
  for (const field of VENDOR_FIELDS) {
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    out[field.wire] = field.kind === "yesNo" ? (value ? "Y" : "N") : String(value);
  }
  for (const name of clear) {
    const field = VENDOR_FIELDS.find((f) => f.name === name && f.clearable);
    if (field) out[field.wire] = "N";
  }
  for (const custom of record.customFields ?? []) out[`Custom${custom.number}`] = custom.value;
  return out;
}

/** A vendor as Concur answered it, in the canonical form; values Concur sent in a form we cannot read are dropped. */
export function fromWireVendor(wire: WireVendor): InvoiceVendorRecord {
  const out: Record<string, unknown> = {};
  const lower = new Map(Object.entries(wire).map(([k, v]) => [k.toLowerCase(), v]));
  for (const field of VENDOR_FIELDS) {
    const raw = lower.get(field.wire.toLowerCase());
    const value = readField(field, raw);
    if (value !== undefined) out[field.name] = value;
  }
  const customFields: Array<{ number: number; value: string }> = [];
  for (let n = 1; n <= CUSTOM_FIELD_COUNT; n++) {
    const value = text(lower.get(`custom${n}`));
    if (value !== undefined) customFields.push({ number: n, value });
  }
  const record = out as unknown as InvoiceVendorRecord;
  record.vendorCode ??= "";
  record.addressCode ??= "";
  record.customFields = customFields;
  record.concurId = text(lower.get("id"));
  record.uri = text(lower.get("uri"));
  record.banks = many(lower.get("vendorbanklist") as WireVendorBank[] | WireVendorBank | undefined).map(fromWireBank);
  const groups = lower.get("vendorgrouplist");
  record.groups = (typeof groups === "string" ? groups.split(",") : many(groups as Array<string | { Name?: string }>))
    .map((g) => (typeof g === "string" ? g.trim() : text(g?.Name) ?? ""))
    .filter((g) => g !== "");
  return record;
}

function readField(field: VendorField, raw: unknown): unknown {
  switch (field.kind) {
    case "yesNo":
      return yesNo(raw);
    case "integer":
      return integer(raw);
    case "decimal":
      return decimal(raw);
    case "enum": {
      const value = text(raw)?.toUpperCase();
      return value && field.values?.includes(value) ? value : undefined;
    }
    default:
      return text(raw);
  }
}

// ---- Banks (§3)

export const BANK_ACCOUNT_TYPES = ["CHCK", "SAVE"] as const;
export const BANK_CURRENCIES = ["USD", "EUR", "AUD", "GBP"] as const;

export interface InvoiceVendorBankRecord {
  vendorCode: string;
  /** Absent: shared by every address of the vendor (§8). */
  addressCode?: string;
  accountNumber: string;
  routingNumber?: string;
  accountType?: (typeof BANK_ACCOUNT_TYPES)[number];
  nameOnAccount?: string;
  active?: boolean;
  bankName?: string;
  branchLocation?: string;
  bankCode?: string;
  branchCode?: string;
  countryCode?: string;
  currencyCode?: string;
  transactionType?: string;
}

const BANK_FIELDS: ReadonlyArray<{ name: keyof InvoiceVendorBankRecord & string; wire: string; kind: "text" | "yesNo"; max?: number }> = [
  { name: "vendorCode", wire: "VendorCode", kind: "text", max: 32 },
  { name: "addressCode", wire: "AddressCode", kind: "text", max: 32 },
  { name: "accountNumber", wire: "AccountNumber", kind: "text" },
  { name: "routingNumber", wire: "RoutingNumber", kind: "text" },
  { name: "accountType", wire: "AccountType", kind: "text", max: 4 },
  { name: "nameOnAccount", wire: "NameOnAccount", kind: "text", max: 100 },
  { name: "active", wire: "IsActive", kind: "yesNo" },
  { name: "bankName", wire: "BankName", kind: "text" },
  { name: "branchLocation", wire: "BranchLocation", kind: "text" },
  { name: "bankCode", wire: "BankCode", kind: "text" },
  { name: "branchCode", wire: "BranchCode", kind: "text" },
  { name: "countryCode", wire: "CountryCode", kind: "text", max: 2 },
  { name: "currencyCode", wire: "CurrencyAlphaCode", kind: "text", max: 3 },
  { name: "transactionType", wire: "TransType", kind: "text", max: 3 },
];
const BANK_BY_WIRE = new Map(BANK_FIELDS.map((f) => [f.wire.toLowerCase(), f]));

export function toWireBank(bank: InvoiceVendorBankRecord): WireVendorBank {
  const out: WireVendorBank = {};
  for (const field of BANK_FIELDS) {
    const value = bank[field.name];
    if (value === undefined || value === null) continue;
    out[field.wire] = field.kind === "yesNo" ? (value ? "Y" : "N") : String(value);
  }
  return out;
}

export function fromWireBank(wire: WireVendorBank): InvoiceVendorBankRecord {
  const lower = new Map(Object.entries(wire ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Record<string, unknown> = {};
  for (const field of BANK_FIELDS) {
    const raw = lower.get(field.wire.toLowerCase());
    const value = field.kind === "yesNo" ? yesNo(raw) : text(raw);
    if (value !== undefined) out[field.name] = value;
  }
  out.vendorCode ??= "";
  out.accountNumber ??= "";
  return out as unknown as InvoiceVendorBankRecord;
}

// ---- Per-record status (Q2)

/** One entry of a record's StatusList, with the field Concur named (from `<Field>: reason`) in GraphQL terms. */
export interface RecordStatus {
  type: string;
  code: string;
  message: string;
  /** GraphQL field (e.g. `state`, `customFields.3`) when the message names a known field. */
  field?: string;
}

export interface RecordOutcome {
  ok: boolean;
  statuses: RecordStatus[];
}

/**
 * Success iff no status is an error/failure and there is a success entry or none at all (vendor spec Q2: the real
 * Type/Code values are undocumented).
 */
export function outcomeOf(statusList: WireStatus[] | WireStatus | undefined): RecordOutcome {
  const statuses = many(statusList).map((s): RecordStatus => {
    const message = text(s?.Message) ?? "";
    const named = /^([A-Za-z][A-Za-z0-9]*)\s*:/.exec(message)?.[1];
    const status: RecordStatus = { type: text(s?.Type) ?? "", code: text(s?.Code) ?? "", message };
    const field = named ? vendorFieldOfWire(named) : undefined;
    if (field) status.field = field;
    return status;
  });
  const failed = statuses.some((s) => /error|fail/i.test(s.type));
  const succeeded = statuses.length === 0 || statuses.some((s) => /success/i.test(s.type));
  return { ok: !failed && succeeded, statuses };
}

/** The `RecordNumber` (1-based index into the request) of a status list, if Concur gave one. */
export function recordNumberOf(statusList: WireStatus[] | WireStatus | undefined): number | undefined {
  for (const s of many(statusList)) {
    const n = integer(s?.RecordNumber);
    if (n !== undefined && n >= 1) return n;
  }
  return undefined;
}

/** Identity of a vendor address record: codes are case insensitive (§2). */
export const vendorKey = (vendorCode: string, addressCode: string) => `${vendorCode.trim().toUpperCase()}\u0000${addressCode.trim().toUpperCase()}`;
