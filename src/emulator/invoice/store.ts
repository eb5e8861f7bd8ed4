import { randomUUID } from "node:crypto";

/** A vendor address record as stored: wire field -> string value (every v3 value is a string). */
export type StoredVendor = Record<string, string> & { VendorCode: string; AddressCode: string; ID: string };
export interface StoredBank extends Record<string, string> {
  VendorCode: string;
  AccountNumber: string;
  ID: string;
}

/** A stored PO: header values as sent (strings), lines by ExternalID in order. */
export interface StoredPurchaseOrder {
  header: Record<string, unknown>;
  lines: Map<string, Record<string, unknown>>;
}

export interface StoredReceipt {
  fields: Record<string, string>;
  /** Invoices (payment requests) matched to it (admin route): it can no longer be deleted [RN-2304]. */
  matchedInvoices: string[];
}

/** One company's Invoice data. Codes are case insensitive (vendor spec §2): keys are upper case. */
export class CompanyInvoice {
  readonly vendors = new Map<string, StoredVendor>();
  /** Banks per vendor code (upper), keyed by address code (upper, "" = shared) + account number. */
  readonly banks = new Map<string, StoredBank>();
  /** Group names per vendor record key. */
  readonly memberships = new Map<string, Set<string>>();
  /** The company's vendor groups (group master data is configured in the UI, not through the API). */
  readonly groups = new Set<string>(["Default", "Facilities", "IT Hardware"]);
  readonly purchaseOrders = new Map<string, StoredPurchaseOrder>();
  readonly receipts = new Map<string, StoredReceipt>();
  /** Send times of recent write calls (rate limit). */
  writes: number[] = [];
  /** False: the company has not granted the app Invoice access; every v3 call with a valid token answers 403 (admin route). */
  granted = true;

  static key(vendorCode: string, addressCode: string): string {
    return `${vendorCode.toUpperCase()}\u0000${addressCode.toUpperCase()}`;
  }

  static receiptKey(po: string, line: string, grn: string): string {
    return `${po.toUpperCase()}\u0000${line.toUpperCase()}\u0000${grn.toUpperCase()}`;
  }

  putVendor(fields: Record<string, string>): StoredVendor {
    const key = CompanyInvoice.key(fields.VendorCode, fields.AddressCode);
    const existing = this.vendors.get(key);
    const stored = { ...(existing ?? {}), ...fields, ID: existing?.ID ?? randomUUID() } as StoredVendor;
    this.vendors.set(key, stored);
    return stored;
  }

  banksOf(vendor: StoredVendor): StoredBank[] {
    return [...this.banks.values()].filter(
      (b) => b.VendorCode.toUpperCase() === vendor.VendorCode.toUpperCase() && (!b.AddressCode || b.AddressCode.toUpperCase() === vendor.AddressCode.toUpperCase()) && b.IsActive !== "N",
    );
  }

  /** POs that name this vendor address (a delete is refused while one does: vendor spec Q13). */
  purchaseOrdersOf(vendorCode: string, addressCode: string): string[] {
    return [...this.purchaseOrders.values()]
      .filter((po) => String(po.header.VendorCode ?? "").toUpperCase() === vendorCode.toUpperCase() && String(po.header.VendorAddressCode ?? "").toUpperCase() === addressCode.toUpperCase())
      .map((po) => String(po.header.PurchaseOrderNumber));
  }
}

export class InvoiceStore {
  private readonly companies = new Map<string, CompanyInvoice>();

  company(companyId: string): CompanyInvoice {
    const key = companyId.toLowerCase();
    let found = this.companies.get(key);
    if (!found) {
      found = new CompanyInvoice();
      this.companies.set(key, found);
    }
    return found;
  }

  clear(): void {
    this.companies.clear();
  }
}
