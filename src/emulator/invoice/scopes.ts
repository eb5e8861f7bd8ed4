/** Scopes of the v3 Invoice APIs ([SCOPES]: INVVEN for vendors, banks, groups; INVPO for POs, and [INFERRED PO Q1] receipts). */
export const INVOICE_SCOPES = { vendors: "INVVEN", purchaseOrders: "INVPO" } as const;
export const INVOICE_API_SCOPES: readonly string[] = Object.values(INVOICE_SCOPES);
