/** Enumerations of Accounting Integration v4 (spec §1.1-1.4), open to values Concur may add later. */

/** A closed set of documented string values, open to values Concur may add later. */
export type OpenEnum<T extends string> = T | (string & Record<never, never>);

export type ErpFeatureFlag =
  | "SUPPORTS_RECEIPT_POSTING"
  | "SUPPORTS_LIABILITY_ACCOUNT"
  | "DISABLE_INVOICE_INTEGRATION"
  | "ENABLE_TAX_INTEGRATION";

export type ConfigurationFieldType =
  | "ERP_LIABILITY_ACCOUNT"
  | "ERP_CREDIT_CARD_ACCOUNT"
  | "ERP_CLEARING_ACCOUNT"
  | "CREDIT_CARD_VENDOR_NAME"
  | "POSTING_DATE";

export type AccountType =
  | "ACCOUNTS_PAYABLE"
  | "ACCOUNTS_RECEIVABLE"
  | "BANK"
  | "COST_OF_GOODS_SOLD"
  | "CREDIT_CARD"
  | "DEPRECIATION"
  | "EQUITY"
  | "EXPENSE"
  | "FIXED_ASSETS"
  | "FUTURE_ASSETS"
  | "INCOME"
  | "LOAN"
  | "LONG_TERM_LIABILITIES"
  | "OTHER_ASSETS"
  | "OTHER_CURRENT_ASSETS"
  | "OTHER_CURRENT_LIABILITIES"
  | "OTHER_EXPENSE"
  | "OTHER_INCOME";

export type VendorType = "ACCOUNTING" | "EMPLOYEE";

export type ProcessingStatus = "PROCESSING" | "SUCCESS" | "PARTIAL" | "ERROR";

/** Documented: ACCOUNT, VENDOR, LIST. `TAX` is inferred (spec Q21), used only for tax data errors. */
export type ObjectType = "ACCOUNT" | "VENDOR" | "LIST" | "TAX";

export type CompanyEdition = "STANDARD" | "PROFESSIONAL";

/** Note the spaces: REST spells these with blanks. */
export type TransactionType = "BILL" | "CREDIT CARD" | "GENERAL JOURNAL";

export type PostingDate = "REPORTCREATE" | "REPORTSUBMIT" | "PROCESSORAPPROVAL";

/** Union of the markdown list and the swagger enum (the two differ). */
export type FormTypeCode =
  | "allocation"
  | "expenseEntry"
  | "invoiceAllocation"
  | "lineItem"
  | "requestHeader"
  | "report"
  | "poHeader"
  | "poLineItem"
  | "poAllocation"
  | "requestAllocation";
