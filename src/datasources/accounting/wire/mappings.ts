/** Mappings (spec §1.3): what the customer mapped in Concur. */
import type { OpenEnum, CompanyEdition, TransactionType, PostingDate, FormTypeCode } from "./enums.js";
import type { Account } from "./records.js";

export interface LedgerHierarchyLevel {
  formTypeCode?: OpenEnum<FormTypeCode> | null;
  alternateFieldId?: string | null;
  level?: number | null;
}

/** No schema table; shape from the example. */
export interface Ledger {
  name?: string | null;
  code?: string | null;
  expenseHierarchy?: LedgerHierarchyLevel[] | null;
  invoiceHierarchy?: LedgerHierarchyLevel[] | null;
}

/** Swagger types `value` as string; the example shows `{}`. */
export interface MappingFeature {
  id: string;
  value?: unknown;
  description?: string | null;
}

export interface PaymentType {
  patKey: string;
  transactionType?: OpenEnum<TransactionType> | null;
  liabilityAccountCode?: string | null;
  postingDate?: OpenEnum<PostingDate> | null;
  clearingAccountCode?: string | null;
  name?: string | null;
  creditCardVendorId?: string | null;
  currencyCode?: string | null;
  /** Added 2025-06. */
  countryCode?: string | null;
  /** Added 2025-06. */
  erpCreditCardAccount?: string | null;
}

/** A mapped form field. Swagger calls it `Field`. */
export interface MappingField {
  alternateFieldId?: string | null;
  level?: number | null;
}

export interface ConnectedList {
  fields?: MappingField[] | null;
}

export interface FieldMapping {
  formTypeCode?: OpenEnum<FormTypeCode> | null;
  fields?: MappingField[] | null;
  connectedLists?: ConnectedList[] | null;
}

export interface ListMapping {
  erpListId: string;
  concurListId: string;
  fieldMappings?: FieldMapping[] | null;
}

export interface BillableField {
  formTypeCode?: OpenEnum<FormTypeCode> | null;
  alternateFieldId?: string | null;
}

export interface InvoicePolicy {
  name?: string | null;
  externalId?: string | null;
  isPurchaseOrderPolicy?: boolean | null;
}

/** Swagger `FileMappings`. */
export interface FileMapping {
  fileId: string;
  paymentTypes?: PaymentType[] | null;
  listMappings?: ListMapping[] | null;
  invoiceLiabilityAccount?: Partial<Account> | null;
  billableField?: BillableField | null;
  /** 2023 schema only; the current schema has invoicePolicies at the top level. */
  invoicePolicies?: InvoicePolicy[] | null;
}

export interface MappingsResponse {
  erpId: string;
  /** The table says array, the example shows a single string (Q17). */
  companyEdition?: OpenEnum<CompanyEdition> | OpenEnum<CompanyEdition>[] | null;
  ledger?: Ledger | null;
  features?: MappingFeature[] | null;
  files?: FileMapping[] | null;
  invoicePolicies?: InvoicePolicy[] | null;
}
