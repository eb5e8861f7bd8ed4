/** Wire and domain types of the emulated Accounting Integration v4 API (see docs/emulator/accounting-v4.md). */
import type { JsonValue, ValidationError } from "../core/types.js";

export type ObjectType = "ACCOUNT" | "VENDOR" | "LIST" | "TAX";
export type RequestState = "PROCESSING" | "SUCCESS" | "PARTIAL" | "ERROR";

export interface ConfigurationField {
  configurationFieldType: string;
  isRequired: boolean;
}

export interface PostingOption {
  postingCode: string;
  postingName: string;
  availableForOutOfPocketExpenses: boolean;
  configurationFields?: ConfigurationField[];
}

export interface ErpPackage {
  erpId: string;
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features: string[];
  postingOptions: PostingOption[];
}

export interface Address {
  addr1: string | null;
  addr2: string | null;
  addr3: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
  note: string | null;
}

export interface Account {
  id: string;
  name: string;
  number: string | null;
  type: string;
}

export interface Vendor {
  id: string;
  type: "ACCOUNTING" | "EMPLOYEE";
  currencyCode: string | null;
  name: string | null;
  companyName: string | null;
  lastName: string | null;
  firstName: string | null;
  email: string | null;
  employeeId: string | null;
  taxId: string | null;
  phone: string | null;
  accountNumber: string | null;
  address: Address | null;
}

export interface ListName {
  id: string;
  name: string;
}

export interface TaxReclaimDetail {
  taxCode: string;
  taxRateDesc: string | null;
  percentage: number | null;
  validFrom: string;
  validTo: string | null;
}

export interface TaxReclaimEntry {
  reclaimCode: string;
  reclaimDesc: string | null;
  reclaimDetails: TaxReclaimDetail[];
}

export interface TaxStateEntry {
  stateCode: string | null;
  stateDesc: string | null;
  reclaimEntries: TaxReclaimEntry[];
}

export interface TaxData {
  countryCode: string;
  countryDesc: string | null;
  stateEntries: TaxStateEntry[];
}

export type StoredRecord = Account | Vendor | ListName | TaxData;

export interface ProcessingError {
  companyId: string;
  erpId: string;
  requestId: string;
  errorCode: string;
  errorMessage: string;
  objectType: ObjectType;
  values: string;
  validationErrors: ValidationError[];
}

export interface HrefLink {
  href: string;
}

export interface Field {
  alternateFieldId: string;
  level: number;
}

export interface FieldMapping {
  formTypeCode: string;
  fields: Field[];
  connectedLists: { fields: Field[] }[];
}

export interface ListMapping {
  erpListId: string;
  concurListId: string;
  fieldMappings: FieldMapping[];
}

export interface PaymentType {
  patKey: string;
  transactionType: "BILL" | "CREDIT CARD" | "GENERAL JOURNAL";
  liabilityAccountCode: string | null;
  postingDate: "REPORTCREATE" | "REPORTSUBMIT" | "PROCESSORAPPROVAL";
  clearingAccountCode: string | null;
  name: string;
  creditCardVendorId: string | null;
  currencyCode: string;
  countryCode: string;
  erpCreditCardAccount: string | null;
}

export interface HierarchyLevel {
  formTypeCode: string;
  alternateFieldId: string;
  level: number;
}

export interface FileMapping {
  fileId: string;
  paymentTypes: PaymentType[];
  listMappings: ListMapping[];
  invoiceLiabilityAccount: Account;
  billableField: { formTypeCode: string; alternateFieldId: string };
}

export interface MappingsResponse {
  erpId: string;
  companyEdition: "STANDARD" | "PROFESSIONAL";
  ledger: { name: string; code: string; expenseHierarchy: HierarchyLevel[]; invoiceHierarchy: HierarchyLevel[] };
  features: { id: string; value: JsonValue; description: string }[];
  files: FileMapping[];
  invoicePolicies: { name: string; externalId: string; isPurchaseOrderPolicy: boolean }[];
}

