// Invoice Vendor v3.1 + Purchase Order v3.0 + Purchase Order Receipt v3.0 (docs/invoice-vendors.md,
// docs/purchase-orders.md): paths and limits, the forms each value arrives in, the vendor reader over NextPage, the
// coalescing vendor writer, the purchase-order and receipt client, and the checks made before any call.
export { VENDOR_API, PURCHASE_ORDER_API, INVOICE_SCOPES, VENDOR_PAGE_MAX, MAX_VENDORS_PER_CALL, INVOICE_WRITE_INTERVAL_MS, invoicePaths, nextPagePath } from "./paths.js";
export { text as v3Text, yesNo, integer as v3Integer, decimal as v3Decimal, dateOnly, receiptType, itemsOf, legacyErrorMessage } from "./forms.js";
export {
  VENDOR_FIELDS,
  CLEARABLE_FIELDS,
  TAX_TYPES,
  PAYMENT_METHODS,
  BANK_ACCOUNT_TYPES,
  BANK_CURRENCIES,
  toWireVendor,
  fromWireVendor,
  toWireBank,
  fromWireBank,
  outcomeOf,
  vendorKey,
  type InvoiceVendorRecord,
  type InvoiceVendorBankRecord,
  type RecordStatus,
  type TaxType,
  type PaymentMethod,
} from "./vendor-model.js";
export { validateVendor as validateInvoiceVendor, validateBank as validateInvoiceBank, problemsToError as invoiceProblemsToError, STATE_REQUIRED_COUNTRIES, type InvoiceProblem } from "./validate.js";
export { createInvoiceVendorReader, vendorQuery, type InvoiceVendorReader, type VendorFilter, type VendorConnection, type VendorSearchType } from "./vendor-reader.js";
export { createInvoiceVendorWriter, type InvoiceVendorWriter, type VendorWrite, type VendorWriteOutcome } from "./vendor-writer.js";
export { invoiceErrorFromResponse } from "./errors.js";
export { toWirePurchaseOrder, fromWirePurchaseOrder, toWireReceipt, fromWireReceipt, fieldOfFieldCode, PO_CUSTOM_FIELDS, type PurchaseOrderRecord, type PoLine, type PoAllocation, type PoAddress, type PoStatus, type ReceiptType, type GoodsReceiptRecord, type CustomValue } from "./po-model.js";
export { validatePurchaseOrder, validateReceipt as validateGoodsReceipt } from "./po-validate.js";
export { createPurchaseOrderClient, RECEIPT_MATCHED_CODE, type PurchaseOrderClient, type PoWriteOutcome, type ReceiptKey } from "./purchase-orders.js";
