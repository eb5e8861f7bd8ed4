/*
 * REST wire formats of SAP Concur Accounting Integration v4 and its ESS events, exactly as
 * the spec (/work/shared/concur/accounting-v4.md, sections 1-2) and the swagger show them.
 *
 * Responses are typed defensively: members the docs show as sometimes absent or null are
 * optional/nullable, and enum-valued members are `OpenEnum` so that a value Concur adds
 * later type-checks as a string (the mappers turn unknown values into null).
 * Request bodies use the closed unions.
 */

/** A closed set of documented string values, open to values Concur may add later. */
export type OpenEnum<T extends string> = T | (string & Record<never, never>);

// ---------------------------------------------------------------- links (1.5)

/** HAL-style link object, as every JSON example shows it. */
export interface HrefLink {
  href: string;
}

/** Spring-HATEOAS link, as the schema text and swagger `Link` describe it. */
export interface RelLink {
  rel: string;
  href: string;
  hreflang?: string;
  media?: string;
  title?: string;
  type?: string;
  deprecation?: string;
  profile?: string;
  name?: string;
}

/** Both documented link shapes: `{next: {href}}` (examples) or `[{rel, href}]` (schema). */
export type LinksShape = Record<string, HrefLink> | RelLink[];

/** Link relations the docs use. */
export type LinkRel = "self" | "errors" | "next";

/** Anything carrying links: under `links` (PATCH 202, GET data pages) or `_links` (request status, errors, events). */
export interface Linked {
  links?: LinksShape | null;
  _links?: LinksShape | null;
}

/** A page of a GET list endpoint; follow the `next` link for more (pages are cut at 1 MB). */
export interface Page<T> extends Linked {
  data: T[];
}

// ---------------------------------------------------------------- enums

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

// ---------------------------------------------------------------- registration (1.1)

/** One configuration field of a posting option. The flag is `isRequired` in examples, `required` in the schema table (Q16). */
export interface ConfigurationField {
  configurationFieldType: OpenEnum<ConfigurationFieldType>;
  isRequired?: boolean;
  required?: boolean;
}

export interface PostingOption {
  postingCode: string;
  postingName: string;
  /** Default false. */
  availableForOutOfPocketExpenses?: boolean;
  configurationFields?: ConfigurationField[] | null;
}

/** Request and response body of the /erps endpoints. `erpId` is response-only. */
export interface ErpPackage {
  erpId?: string;
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features?: OpenEnum<ErpFeatureFlag>[] | null;
  postingOptions?: PostingOption[] | null;
}

/** Body of `POST /erps` (the registrar sends `features` and `postingOptions` as empty lists when absent). */
export interface ErpRegistrationBody {
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features?: ErpFeatureFlag[];
  postingOptions?: PostingOption[];
}

/** Body of `PATCH /erps/{erpId}`: both members are replaced wholesale, so both are always sent. */
export interface ErpUpdateBody {
  features: ErpFeatureFlag[];
  postingOptions: PostingOption[];
  partnerAppName?: string;
  erpName?: string;
  externalErpId?: string;
}

// ---------------------------------------------------------------- ERP data (1.2)

/** Marks a record of a PATCH body for deletion (only `id` is needed). */
export interface Deletable {
  isDeleted?: boolean;
}

/** A record that deletes the record with this id. */
export interface DeletionRecord {
  id: string;
  isDeleted: true;
}

/**
 * Body of the data PATCH endpoints and the taxData POST/PUT. `deleteAll: true` deletes all cached
 * data of that type first; `{deleteAll: true, data: []}` just clears it.
 */
export interface PatchBody<T> {
  deleteAll?: boolean;
  data: T[];
}

export interface Account extends Deletable {
  id: string;
  name: string;
  /** GL code; GET returns null when absent. */
  number?: string | null;
  type: OpenEnum<AccountType>;
}

export interface Address {
  addr1?: string | null;
  addr2?: string | null;
  addr3?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  postalCode?: string | null;
  note?: string | null;
}

/** GET returns every member, with null for absent ones (including `address`). */
export interface Vendor extends Deletable {
  id: string;
  type: OpenEnum<VendorType>;
  currencyCode?: string | null;
  name?: string | null;
  companyName?: string | null;
  lastName?: string | null;
  firstName?: string | null;
  email?: string | null;
  employeeId?: string | null;
  taxId?: string | null;
  phone?: string | null;
  accountNumber?: string | null;
  address?: Address | null;
}

/** REST calls this `List`. */
export interface ListName extends Deletable {
  id: string;
  name: string;
}

export interface TaxReclaimDetail {
  taxCode: string;
  taxRateDesc?: string | null;
  percentage?: number | null;
  /** `YYYY-MM-dd`. */
  validFrom: string;
  validTo?: string | null;
}

export interface TaxReclaimEntry {
  reclaimCode: string;
  reclaimDesc?: string | null;
  reclaimDetails: TaxReclaimDetail[];
}

export interface TaxStateEntry {
  stateCode?: string | null;
  /** Null when not state-specific. */
  stateDesc?: string | null;
  reclaimEntries: TaxReclaimEntry[];
}

/** The country name is `countryName` in the schema and `countryDesc` in the examples (Q17). */
export interface TaxData extends Deletable {
  countryCode: string;
  countryName?: string | null;
  countryDesc?: string | null;
  stateEntries: TaxStateEntry[];
}

// ---------------------------------------------------------------- mappings (1.3)

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

// ---------------------------------------------------------------- requests and errors (1.4, 1.0)

/**
 * Response of the upload endpoints (202) and of GET /requests/{requestId}.
 * PATCH 202 examples use `links`, GET and events use `_links`; swagger adds companyId and erpId.
 */
export interface RequestStatus extends Linked {
  requestId: string;
  status: OpenEnum<ProcessingStatus>;
  companyId?: string;
  erpId?: string;
}

export interface ValidationError {
  source?: string | null;
  errorMessage?: string | null;
  errorCode?: string | null;
}

export interface ProcessingError {
  companyId?: string;
  erpId?: string;
  requestId: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  objectType?: OpenEnum<ObjectType> | null;
  /** The failing record as received, serialized as a JSON string. */
  values?: string | null;
  validationErrors?: ValidationError[] | null;
}

/** Error body of every 4xx/5xx response. Swagger requires timestamp, httpStatus, errorMessage and path. */
export interface ErrorMessage {
  /** date-time. */
  timestamp: string;
  /** Code and phrase, e.g. "400 - Bad Request" (format inferred). */
  httpStatus: string;
  errorCode?: string;
  errorMessage: string;
  /** URI of the attempted request. */
  path: string;
  validationErrors?: ValidationError[];
}

// ---------------------------------------------------------------- ESS events (2.1)

/** ESS topic of the Accounting Integration events. */
export const ACCOUNTING_INTEGRATION_TOPIC = "public.concur.spend.accountingintegration";

export type AccountingEventType =
  | "data.statusUpdated"
  | "mapping.updated"
  | "listMapping.created"
  | "listMapping.deleted"
  | "data.resetRequested";

/** `facts` of an Accounting Integration event. `partnerId` is opaque (Q15). */
export interface AccountingFacts<TData> {
  companyId: string;
  erpId: string;
  partnerId: string;
  data?: TData;
}

/** ESS event envelope as the examples show it. */
export interface EssEvent<TType extends string = string, TFacts = unknown> {
  id: string;
  /** Not always UUID-shaped. */
  correlationId: string;
  eventType: TType;
  topic: string;
  subtopic: string | null;
  /** RFC 3339 UTC with milliseconds and `Z`. */
  timeStamp: string;
  data?: null;
  facts: TFacts;
}

/** Processing of one upload finished. The example errors href lacks the `erps/{e}` segment. */
export type DataStatusUpdatedEvent = EssEvent<"data.statusUpdated", AccountingFacts<RequestStatus>>;
/** The admin changed mappings (not invoice policies); no data: re-read mappings. */
export type MappingUpdatedEvent = EssEvent<"mapping.updated", AccountingFacts<never>>;
export type ListMappingCreatedEvent = EssEvent<"listMapping.created", AccountingFacts<ListMapping[]>>;
export type ListMappingDeletedEvent = EssEvent<
  "listMapping.deleted",
  AccountingFacts<Array<Pick<ListMapping, "erpListId" | "concurListId">>>
>;
/**
 * The admin asked to reset cached data. The schema says an array of ObjectType; the example sends a
 * JSON-encoded string `{"accountingObjects":["ACCOUNT",...]}` (Q14): accept both.
 */
export type DataResetRequestedEvent = EssEvent<
  "data.resetRequested",
  AccountingFacts<OpenEnum<ObjectType>[] | string | { accountingObjects: OpenEnum<ObjectType>[] }>
>;

/** Any Accounting Integration event, discriminated by `eventType`. */
export type AccountingIntegrationEvent =
  | DataStatusUpdatedEvent
  | MappingUpdatedEvent
  | ListMappingCreatedEvent
  | ListMappingDeletedEvent
  | DataResetRequestedEvent;
