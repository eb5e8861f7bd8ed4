/** Limits of the Invoice v3 emulation; sources and choices in docs/emulator/invoice-vendors.md and invoice-purchase-orders.md. */
export const INVOICE_LIMITS = {
  /** [V31] GET vendors `limit`: default 25, at most 1000. */
  vendorPageDefault: 25,
  vendorPageMax: 1000,
  /**
   * [INFERRED vendor Q3] records per vendor / bank POST or PUT; more → 400 "number of requests received exceed the
   * request limit" (the legacy 400 wording [HTTP]). Settable as `invoiceVendorsPerCall`.
   */
  invoiceVendorsPerCall: 1000,
  /** [INFERRED vendor Q11, PO Q12] write calls per company per rolling second before a 429 (Retry-After 1). 0 = unlimited. */
  invoiceWritesPerSecond: 5,
  /** [INFERRED PO Q11] longest PO codes / ids, and free text. */
  poCodeMax: 50,
  poTextMax: 255,
  /** [POR-SW] at most 2000 receipts per GET. */
  receiptsPerGet: 2000,
} as const;
