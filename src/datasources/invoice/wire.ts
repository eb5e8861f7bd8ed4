// Concur's v3 shapes (PascalCase; every value a string in the schema, though the docs contradict themselves on a few:
// see forms.ts). Sources: /work/shared/concur/invoice-vendors-v3.md §2-§5, purchase-orders.md §2-§4.

/** One per-record result of a vendor/bank/group write (vendor spec §1 "Per-record results"). */
export interface WireStatus {
  Code?: number | string;
  Message?: string;
  RecordNumber?: number | string;
  Type?: string;
}

/** A vendor (remit-to) address record: `Custom1`..`Custom20` and the fields of {@link VENDOR_TEXT_FIELDS}. */
export type WireVendor = Record<string, unknown> & {
  VendorCode?: string;
  AddressCode?: string;
  StatusList?: WireStatus[] | WireStatus;
  VendorBankList?: WireVendorBank[] | WireVendorBank;
  VendorGroupList?: Array<string | { Name?: string }> | string;
};

export type WireVendorBank = Record<string, unknown> & { VendorCode?: string; AddressCode?: string; AccountNumber?: string; StatusList?: WireStatus[] | WireStatus };

export interface WireVendorGroup {
  Name?: string;
  StatusList?: WireStatus[] | WireStatus;
}

/** Vendor / bank / group collection: `Items` (GET) or the input key echoed in write answers (§5.6; Q9). */
export interface WireCollection<T> {
  Items?: T[] | T | null;
  Vendor?: T[] | T | null;
  VendorBank?: T[] | T | null;
  VendorGroup?: T[] | T | null;
  NextPage?: string | null;
  TotalCount?: number | string | null;
  RequestRunSummary?: string | null;
}

/** PO and receipt write result (PO spec §3, §4.2). */
export interface WireResult {
  Status?: string;
  PurchaseOrderNumber?: string;
  LineItemExternalID?: string;
  ErrorCode?: string | number;
  ErrorMessage?: string;
  FieldCode?: string;
  Message?: string;
}

export type WireAddress = Record<string, unknown>;
export type WireAllocation = Record<string, unknown>;
export type WireLineItem = Record<string, unknown> & { Allocation?: WireAllocation[] | WireAllocation };
export type WirePurchaseOrder = Record<string, unknown> & {
  PurchaseOrderNumber?: string;
  LineItem?: WireLineItem[] | WireLineItem;
  BillToAddress?: WireAddress;
  ShipToAddress?: WireAddress;
};
export type WireReceipt = Record<string, unknown>;

/** R3 answer: `Items` (swagger) or `purchaseOrderReceipt` (markdown). */
export interface WireReceiptCollection {
  Items?: WireReceipt[] | WireReceipt | null;
  purchaseOrderReceipt?: WireReceipt[] | WireReceipt | null;
  PurchaseOrderReceipt?: WireReceipt[] | WireReceipt | null;
  NextPage?: string | null;
  TotalCount?: number | string | null;
  Info?: string | null;
}
