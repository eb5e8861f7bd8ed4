import { registerEnumType } from "type-graphql";

/*
 * GraphQL enums of the Accounting Integration v4 API (spec sections 1.1-1.5).
 *
 * Every TypeScript value equals its GraphQL name (UPPER_SNAKE). Where the REST value
 * differs ("CREDIT CARD", "expenseEntry") the mappers in src/datasources/mappers.ts
 * convert both ways; resolvers and tests only ever see the GraphQL spelling.
 */

/** General-ledger account type (REST `Account.type`, 18 values). */
export enum AccountType {
  ACCOUNTS_PAYABLE = "ACCOUNTS_PAYABLE",
  ACCOUNTS_RECEIVABLE = "ACCOUNTS_RECEIVABLE",
  BANK = "BANK",
  COST_OF_GOODS_SOLD = "COST_OF_GOODS_SOLD",
  CREDIT_CARD = "CREDIT_CARD",
  DEPRECIATION = "DEPRECIATION",
  EQUITY = "EQUITY",
  EXPENSE = "EXPENSE",
  FIXED_ASSETS = "FIXED_ASSETS",
  FUTURE_ASSETS = "FUTURE_ASSETS",
  INCOME = "INCOME",
  LOAN = "LOAN",
  LONG_TERM_LIABILITIES = "LONG_TERM_LIABILITIES",
  OTHER_ASSETS = "OTHER_ASSETS",
  OTHER_CURRENT_ASSETS = "OTHER_CURRENT_ASSETS",
  OTHER_CURRENT_LIABILITIES = "OTHER_CURRENT_LIABILITIES",
  OTHER_EXPENSE = "OTHER_EXPENSE",
  OTHER_INCOME = "OTHER_INCOME",
}

registerEnumType(AccountType, {
  name: "AccountType",
  description: "Type of a general-ledger account in the ERP's chart of accounts.",
  valuesConfig: {
    ACCOUNTS_PAYABLE: { description: "Accounts payable (liability owed to vendors)." },
    ACCOUNTS_RECEIVABLE: { description: "Accounts receivable (amounts owed by customers)." },
    BANK: { description: "Bank account." },
    COST_OF_GOODS_SOLD: { description: "Cost of goods sold." },
    CREDIT_CARD: { description: "Credit card account." },
    DEPRECIATION: { description: "Depreciation." },
    EQUITY: { description: "Equity." },
    EXPENSE: { description: "Expense." },
    FIXED_ASSETS: { description: "Fixed assets." },
    FUTURE_ASSETS: { description: "Future assets." },
    INCOME: { description: "Income." },
    LOAN: { description: "Loan." },
    LONG_TERM_LIABILITIES: { description: "Long-term liabilities." },
    OTHER_ASSETS: { description: "Other assets." },
    OTHER_CURRENT_ASSETS: { description: "Other current assets." },
    OTHER_CURRENT_LIABILITIES: { description: "Other current liabilities." },
    OTHER_EXPENSE: { description: "Other expense." },
    OTHER_INCOME: { description: "Other income." },
  },
});

/** Kind of ERP vendor (REST `Vendor.type`). */
export enum VendorType {
  ACCOUNTING = "ACCOUNTING",
  EMPLOYEE = "EMPLOYEE",
}

registerEnumType(VendorType, {
  name: "VendorType",
  description: "Kind of ERP vendor. The type of an existing vendor cannot be changed (upstream error `type.cannot.update`).",
  valuesConfig: {
    ACCOUNTING: { description: "Accounts-payable vendor used for invoices; requires currencyCode, name and companyName." },
    EMPLOYEE: {
      description:
        "Employee or ERP user paid as a vendor; requires firstName, lastName, email and employeeId. Cached for 150 days: re-send before expiry.",
    },
  },
});

/** Capability flags an ERP integration declares at registration (REST `ErpPackage.features`). */
export enum ErpFeatureFlag {
  SUPPORTS_RECEIPT_POSTING = "SUPPORTS_RECEIPT_POSTING",
  SUPPORTS_LIABILITY_ACCOUNT = "SUPPORTS_LIABILITY_ACCOUNT",
  DISABLE_INVOICE_INTEGRATION = "DISABLE_INVOICE_INTEGRATION",
  ENABLE_TAX_INTEGRATION = "ENABLE_TAX_INTEGRATION",
}

registerEnumType(ErpFeatureFlag, {
  name: "ErpFeatureFlag",
  description: "Capability of the ERP integration, declared at registration and replaced wholesale on update.",
  valuesConfig: {
    SUPPORTS_RECEIPT_POSTING: { description: "The ERP can receive posted receipt images." },
    SUPPORTS_LIABILITY_ACCOUNT: { description: "The ERP supports choosing a liability account." },
    DISABLE_INVOICE_INTEGRATION: { description: "Invoice integration is disabled for this ERP (added 2025-06)." },
    ENABLE_TAX_INTEGRATION: { description: "The ERP supports mapping tax codes and reclaim codes (added 2025-06)." },
  },
});

/** Kind of configuration field a posting option asks the customer admin for. */
export enum ConfigurationFieldType {
  ERP_LIABILITY_ACCOUNT = "ERP_LIABILITY_ACCOUNT",
  ERP_CREDIT_CARD_ACCOUNT = "ERP_CREDIT_CARD_ACCOUNT",
  ERP_CLEARING_ACCOUNT = "ERP_CLEARING_ACCOUNT",
  CREDIT_CARD_VENDOR_NAME = "CREDIT_CARD_VENDOR_NAME",
  POSTING_DATE = "POSTING_DATE",
}

registerEnumType(ConfigurationFieldType, {
  name: "ConfigurationFieldType",
  description: "Setting a posting option asks the customer admin to configure in the Concur UI.",
  valuesConfig: {
    ERP_LIABILITY_ACCOUNT: { description: "ERP liability account." },
    ERP_CREDIT_CARD_ACCOUNT: { description: "ERP credit card account." },
    ERP_CLEARING_ACCOUNT: { description: "ERP clearing account." },
    CREDIT_CARD_VENDOR_NAME: { description: "Credit card vendor name." },
    POSTING_DATE: { description: "Which date is used as posting date." },
  },
});

/** Processing state of an asynchronous upload request (REST `RequestStatus.status`). */
export enum ProcessingStatus {
  PROCESSING = "PROCESSING",
  SUCCESS = "SUCCESS",
  PARTIAL = "PARTIAL",
  ERROR = "ERROR",
}

registerEnumType(ProcessingStatus, {
  name: "ProcessingStatus",
  description: "State of an asynchronous upload request.",
  valuesConfig: {
    PROCESSING: { description: "Accepted, not processed yet." },
    SUCCESS: { description: "Completed; every record was processed." },
    PARTIAL: { description: "Completed with partial success: some records failed (see the request's errors)." },
    ERROR: { description: "Completed with error(s): no record, or the request itself, was processed (see the request's errors)." },
  },
});

/**
 * Kind of record a processing error refers to (REST `ProcessingError.objectType`).
 * GraphQL name `ObjectType`; the TypeScript name avoids clashing with type-graphql's `@ObjectType`.
 */
export enum AccountingObjectType {
  ACCOUNT = "ACCOUNT",
  VENDOR = "VENDOR",
  LIST = "LIST",
  TAX = "TAX",
}

registerEnumType(AccountingObjectType, {
  name: "ObjectType",
  description: "Kind of ERP record a processing error or a reset request refers to.",
  valuesConfig: {
    ACCOUNT: { description: "Account record." },
    VENDOR: { description: "Vendor record." },
    LIST: { description: "List name record." },
    TAX: { description: "Tax data record. Inferred: not in the documented enum; used for tax data upload errors." },
  },
});

/** Concur edition of the company (REST `MappingsResponse.companyEdition`). */
export enum CompanyEdition {
  STANDARD = "STANDARD",
  PROFESSIONAL = "PROFESSIONAL",
}

registerEnumType(CompanyEdition, {
  name: "CompanyEdition",
  description: "Concur edition the company runs; decides how ERP lists are mapped.",
  valuesConfig: {
    STANDARD: { description: "Standard edition: the admin maps Concur custom fields to ERP lists." },
    PROFESSIONAL: { description: "Professional edition: the admin imports ERP lists." },
  },
});

/** Transaction type of a payment type. REST spells the values "BILL", "CREDIT CARD", "GENERAL JOURNAL". */
export enum TransactionType {
  BILL = "BILL",
  CREDIT_CARD = "CREDIT_CARD",
  GENERAL_JOURNAL = "GENERAL_JOURNAL",
}

registerEnumType(TransactionType, {
  name: "TransactionType",
  description: "How expenses of a payment type are posted to the ERP.",
  valuesConfig: {
    BILL: { description: "Posted as a bill (REST `BILL`)." },
    CREDIT_CARD: { description: "Posted as a credit card transaction (REST `CREDIT CARD`)." },
    GENERAL_JOURNAL: { description: "Posted as a general journal entry (REST `GENERAL JOURNAL`)." },
  },
});

/** Which date becomes the ERP posting date (REST `PaymentType.postingDate`). */
export enum PostingDate {
  REPORTCREATE = "REPORTCREATE",
  REPORTSUBMIT = "REPORTSUBMIT",
  PROCESSORAPPROVAL = "PROCESSORAPPROVAL",
}

registerEnumType(PostingDate, {
  name: "PostingDate",
  description: "Date used as the posting date in the ERP.",
  valuesConfig: {
    REPORTCREATE: { description: "Date the report was created." },
    REPORTSUBMIT: { description: "Date the report was submitted." },
    PROCESSORAPPROVAL: { description: "Date the processor approved the report." },
  },
});

/**
 * Concur form a mapped field lives on. Union of the markdown and swagger lists;
 * REST uses camelCase (`expenseEntry`), GraphQL UPPER_SNAKE (`EXPENSE_ENTRY`).
 */
export enum FormTypeCode {
  ALLOCATION = "ALLOCATION",
  EXPENSE_ENTRY = "EXPENSE_ENTRY",
  INVOICE_ALLOCATION = "INVOICE_ALLOCATION",
  LINE_ITEM = "LINE_ITEM",
  REQUEST_HEADER = "REQUEST_HEADER",
  REPORT = "REPORT",
  PO_HEADER = "PO_HEADER",
  PO_LINE_ITEM = "PO_LINE_ITEM",
  PO_ALLOCATION = "PO_ALLOCATION",
  REQUEST_ALLOCATION = "REQUEST_ALLOCATION",
}

registerEnumType(FormTypeCode, {
  name: "FormTypeCode",
  description: "Concur form (Financial Information document section) a mapped field belongs to.",
  valuesConfig: {
    ALLOCATION: { description: "Expense allocation (REST `allocation`)." },
    EXPENSE_ENTRY: { description: "Expense entry (REST `expenseEntry`)." },
    INVOICE_ALLOCATION: { description: "Invoice allocation (REST `invoiceAllocation`)." },
    LINE_ITEM: { description: "Invoice line item (REST `lineItem`)." },
    REQUEST_HEADER: { description: "Request header (REST `requestHeader`)." },
    REPORT: { description: "Expense report header (REST `report`)." },
    PO_HEADER: { description: "Purchase order header (REST `poHeader`)." },
    PO_LINE_ITEM: { description: "Purchase order line item (REST `poLineItem`)." },
    PO_ALLOCATION: { description: "Purchase order allocation (REST `poAllocation`)." },
    REQUEST_ALLOCATION: { description: "Request allocation (REST `requestAllocation`; swagger list only)." },
  },
});

/** The ERP data sets a partner can write (and read back). */
export enum ErpDataType {
  ACCOUNTS = "ACCOUNTS",
  VENDORS = "VENDORS",
  LISTS = "LISTS",
  TAX_DATA = "TAX_DATA",
}

registerEnumType(ErpDataType, {
  name: "ErpDataType",
  description: "ERP data set a partner uploads to Concur's cache.",
  valuesConfig: {
    ACCOUNTS: { description: "Chart of accounts (REST `/accounts`)." },
    VENDORS: { description: "Vendors (REST `/vendors`)." },
    LISTS: { description: "List names (REST `/lists`)." },
    TAX_DATA: { description: "Tax data (REST `/taxData`)." },
  },
});
