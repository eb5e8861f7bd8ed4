/*
 * Pure conversions between the REST wire formats (./wire.ts) and the GraphQL shapes
 * (src/schema). No I/O, no errors for data the schema can represent.
 *
 * Unknown enum values from upstream never throw: Concur has added enum values before
 * (ErpFeatureFlag, 2025-06), so
 *   - a single enum-typed field (every one of them is nullable in the schema) becomes null;
 *   - a list of enum values (ErpIntegration.features) drops the unknown members.
 * Path parameters (companyId, erpId, requestId) passed by the caller win over values in
 * the body: they are what the caller asked for and what the federation keys are built from.
 */
import {
  AccountingObjectType,
  AccountType,
  CompanyEdition,
  ConfigurationFieldType,
  ErpDataType,
  ErpFeatureFlag,
  FormTypeCode,
  PostingDate,
  ProcessingStatus,
  TransactionType,
  VendorType,
} from "../../schema/enums.js";
import type { Account } from "../../schema/account.type.js";
import type { AccountInput } from "../../schema/account.input.js";
import type { ConfigurationField, ErpIntegration, PostingOption } from "../../schema/erp.type.js";
import type { ErpRegistrationInput, ErpUpdateInput, PostingOptionInput } from "../../schema/erp.input.js";
import type { ListName } from "../../schema/list-name.type.js";
import type { ListNameInput } from "../../schema/list-name.input.js";
import type {
  BillableField,
  FieldMapping,
  FileMapping,
  InvoicePolicy,
  Ledger,
  LedgerHierarchyLevel,
  ListMapping,
  MappedAccount,
  MappingField,
  Mappings,
  PaymentType,
} from "../../schema/mappings.type.js";
import type { ProcessingError, Request, ValidationError } from "../../schema/request.type.js";
import type { TaxData, TaxStateEntry } from "../../schema/tax-data.type.js";
import type { TaxDataInput } from "../../schema/tax-data.input.js";
import type { Address, Vendor } from "../../schema/vendor.type.js";
import type { AddressInput, VendorInput } from "../../schema/vendor.input.js";
import type * as wire from "./wire/index.js";

// ---------------------------------------------------------------- enum helpers

/** The member of a string enum whose value is `value`, or null when `value` is not one (unknown upstream value). */
// Per-enum value sets, built once: enumValue runs once per record on connection reads (100 per query).
const enumMembers = new WeakMap<object, ReadonlySet<string>>();

function enumValue<E extends Record<string, string>>(enumObject: E, value: unknown): E[keyof E] | null {
  if (typeof value !== "string") return null;
  let members = enumMembers.get(enumObject);
  if (!members) {
    members = new Set(Object.values(enumObject));
    enumMembers.set(enumObject, members);
  }
  return members.has(value) ? (value as E[keyof E]) : null;
}

/** Known members of a list of enum values, unknown ones left out (order kept, duplicates removed). */
function enumValues<E extends Record<string, string>>(enumObject: E, values: readonly unknown[] | null | undefined): E[keyof E][] {
  const known = (values ?? []).map((v) => enumValue(enumObject, v)).filter((v): v is E[keyof E] => v !== null);
  return [...new Set(known)];
}

/** Inverts a total mapping table. */
function invert<K extends string, V extends string>(table: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<V, K>;
}

const TRANSACTION_TYPE_TO_WIRE: Record<TransactionType, wire.TransactionType> = {
  [TransactionType.BILL]: "BILL",
  [TransactionType.CREDIT_CARD]: "CREDIT CARD",
  [TransactionType.GENERAL_JOURNAL]: "GENERAL JOURNAL",
};
const TRANSACTION_TYPE_FROM_WIRE = invert(TRANSACTION_TYPE_TO_WIRE);

const FORM_TYPE_CODE_TO_WIRE: Record<FormTypeCode, wire.FormTypeCode> = {
  [FormTypeCode.ALLOCATION]: "allocation",
  [FormTypeCode.EXPENSE_ENTRY]: "expenseEntry",
  [FormTypeCode.INVOICE_ALLOCATION]: "invoiceAllocation",
  [FormTypeCode.LINE_ITEM]: "lineItem",
  [FormTypeCode.REQUEST_HEADER]: "requestHeader",
  [FormTypeCode.REPORT]: "report",
  [FormTypeCode.PO_HEADER]: "poHeader",
  [FormTypeCode.PO_LINE_ITEM]: "poLineItem",
  [FormTypeCode.PO_ALLOCATION]: "poAllocation",
  [FormTypeCode.REQUEST_ALLOCATION]: "requestAllocation",
};
const FORM_TYPE_CODE_FROM_WIRE = invert(FORM_TYPE_CODE_TO_WIRE);

/** REST "CREDIT CARD" -> CREDIT_CARD; null when absent or unknown. */
export function transactionTypeFromWire(value: unknown): TransactionType | null {
  return typeof value === "string" && Object.hasOwn(TRANSACTION_TYPE_FROM_WIRE, value)
    ? TRANSACTION_TYPE_FROM_WIRE[value as wire.TransactionType]
    : null;
}

/** CREDIT_CARD -> REST "CREDIT CARD". */
export function transactionTypeToWire(value: TransactionType): wire.TransactionType {
  return TRANSACTION_TYPE_TO_WIRE[value];
}

/** REST "expenseEntry" -> EXPENSE_ENTRY; null when absent or unknown. */
export function formTypeCodeFromWire(value: unknown): FormTypeCode | null {
  return typeof value === "string" && Object.hasOwn(FORM_TYPE_CODE_FROM_WIRE, value)
    ? FORM_TYPE_CODE_FROM_WIRE[value as wire.FormTypeCode]
    : null;
}

/** EXPENSE_ENTRY -> REST "expenseEntry". */
export function formTypeCodeToWire(value: FormTypeCode): wire.FormTypeCode {
  return FORM_TYPE_CODE_TO_WIRE[value];
}

/** Drops `undefined` members so request bodies carry only what the caller set. */
function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/** `value ?? null`, for optional wire members that are nullable GraphQL fields. */
function orNull<T>(value: T | null | undefined): T | null {
  return value ?? null;
}

// ---------------------------------------------------------------- registration

function toConfigurationField(field: wire.ConfigurationField): ConfigurationField {
  return {
    configurationFieldType: enumValue(ConfigurationFieldType, field.configurationFieldType),
    // Examples say `isRequired`, the schema table says `required` (Q16).
    isRequired: Boolean(field.isRequired ?? field.required ?? false),
  };
}

function toPostingOption(option: wire.PostingOption): PostingOption {
  return {
    postingCode: option.postingCode,
    postingName: option.postingName,
    availableForOutOfPocketExpenses: option.availableForOutOfPocketExpenses ?? false,
    configurationFields: (option.configurationFields ?? []).map(toConfigurationField),
  };
}

/**
 * ErpPackage -> ErpIntegration. `erpId` defaults to the package's own `erpId`; pass it when
 * the caller knows it from the path. Unknown feature flags are left out.
 */
export function toErpIntegration(companyId: string, pkg: wire.ErpPackage, erpId: string | undefined = pkg.erpId): ErpIntegration {
  if (!erpId) throw new TypeError("ErpPackage has no erpId and none was given");
  return {
    companyId,
    erpId,
    partnerAppName: pkg.partnerAppName,
    erpName: pkg.erpName,
    externalErpId: pkg.externalErpId,
    features: enumValues(ErpFeatureFlag, pkg.features),
    postingOptions: (pkg.postingOptions ?? []).map(toPostingOption),
  };
}

function fromPostingOptionInput(option: PostingOptionInput): wire.PostingOption {
  return compact({
    postingCode: option.postingCode,
    postingName: option.postingName,
    availableForOutOfPocketExpenses: option.availableForOutOfPocketExpenses ?? false,
    // Emit `isRequired`, the spelling of every documented example (Q16).
    configurationFields: option.configurationFields?.map((field) => ({
      configurationFieldType: field.configurationFieldType,
      isRequired: field.isRequired ?? false,
    })),
  });
}

/** ErpRegistrationInput -> body of `POST /erps`. Duplicate feature flags are sent once (the API wants unique items). */
export function fromErpRegistrationInput(input: ErpRegistrationInput): wire.ErpRegistrationBody {
  return compact({
    partnerAppName: input.partnerAppName,
    erpName: input.erpName,
    externalErpId: input.externalErpId,
    features: [...new Set(input.features ?? [])],
    postingOptions: input.postingOptions?.map(fromPostingOptionInput),
  });
}

/** ErpUpdateInput -> body of `PATCH /erps/{erpId}`: the full sets, which Concur replaces wholesale. */
export function fromErpUpdateInput(input: ErpUpdateInput): wire.ErpUpdateBody {
  return {
    features: [...new Set(input.features)],
    postingOptions: input.postingOptions.map(fromPostingOptionInput),
  };
}

// ---------------------------------------------------------------- accounts, vendors, list names

/** Account -> Account node. */
export function toAccount(companyId: string, erpId: string, account: wire.Account): Account {
  return {
    companyId,
    erpId,
    id: account.id,
    name: account.name,
    number: orNull(account.number),
    type: enumValue(AccountType, account.type),
  };
}

/** AccountInput -> PATCH record. `number` is left out when not given. */
export function fromAccountInput(input: AccountInput): wire.Account {
  return compact({ id: input.id, name: input.name, number: input.number ?? undefined, type: input.type });
}

function toAddress(address: wire.Address | null | undefined): Address | null {
  if (!address) return null;
  return {
    addr1: orNull(address.addr1),
    addr2: orNull(address.addr2),
    addr3: orNull(address.addr3),
    city: orNull(address.city),
    state: orNull(address.state),
    country: orNull(address.country),
    postalCode: orNull(address.postalCode),
    note: orNull(address.note),
  };
}

/** Vendor -> Vendor node; absent members become null. */
export function toVendor(companyId: string, erpId: string, vendor: wire.Vendor): Vendor {
  return {
    companyId,
    erpId,
    id: vendor.id,
    type: enumValue(VendorType, vendor.type),
    currencyCode: orNull(vendor.currencyCode),
    name: orNull(vendor.name),
    companyName: orNull(vendor.companyName),
    lastName: orNull(vendor.lastName),
    firstName: orNull(vendor.firstName),
    email: orNull(vendor.email),
    employeeId: orNull(vendor.employeeId),
    taxId: orNull(vendor.taxId),
    phone: orNull(vendor.phone),
    accountNumber: orNull(vendor.accountNumber),
    address: toAddress(vendor.address),
  };
}

function fromAddressInput(address: AddressInput): wire.Address {
  return compact({
    addr1: address.addr1 ?? undefined,
    addr2: address.addr2 ?? undefined,
    addr3: address.addr3 ?? undefined,
    city: address.city ?? undefined,
    state: address.state ?? undefined,
    country: address.country ?? undefined,
    postalCode: address.postalCode ?? undefined,
    note: address.note ?? undefined,
  });
}

/**
 * VendorInput -> PATCH record. Members not given (or given as null) are left out; the
 * per-type required fields are checked by the mutation, not here.
 */
export function fromVendorInput(input: VendorInput): wire.Vendor {
  return compact({
    id: input.id,
    type: input.type,
    currencyCode: input.currencyCode ?? undefined,
    name: input.name ?? undefined,
    companyName: input.companyName ?? undefined,
    lastName: input.lastName ?? undefined,
    firstName: input.firstName ?? undefined,
    email: input.email ?? undefined,
    employeeId: input.employeeId ?? undefined,
    taxId: input.taxId ?? undefined,
    phone: input.phone ?? undefined,
    accountNumber: input.accountNumber ?? undefined,
    address: input.address ? fromAddressInput(input.address) : undefined,
  });
}

/** List -> ListName node. */
export function toListName(companyId: string, erpId: string, list: wire.ListName): ListName {
  return { companyId, erpId, id: list.id, name: list.name };
}

/** ListNameInput -> PATCH record. */
export function fromListNameInput(input: ListNameInput): wire.ListName {
  return { id: input.id, name: input.name };
}

/** A PATCH record that deletes the record with `id` (accounts, vendors, list names). */
export function toDeletionRecord(id: string): wire.DeletionRecord {
  return { id, isDeleted: true };
}

// ---------------------------------------------------------------- tax data

function toTaxStateEntry(entry: wire.TaxStateEntry): TaxStateEntry {
  return {
    stateCode: orNull(entry.stateCode),
    stateDesc: orNull(entry.stateDesc),
    reclaimEntries: (entry.reclaimEntries ?? []).map((reclaim) => ({
      reclaimCode: reclaim.reclaimCode,
      reclaimDesc: orNull(reclaim.reclaimDesc),
      reclaimDetails: (reclaim.reclaimDetails ?? []).map((detail) => ({
        taxCode: detail.taxCode,
        taxRateDesc: orNull(detail.taxRateDesc),
        percentage: orNull(detail.percentage),
        validFrom: detail.validFrom,
        validTo: orNull(detail.validTo),
      })),
    })),
  };
}

/** TaxData -> TaxData node. Reads the country name from `countryName` (schema) or `countryDesc` (examples). */
export function toTaxData(companyId: string, erpId: string, tax: wire.TaxData): TaxData {
  return {
    companyId,
    erpId,
    countryCode: tax.countryCode,
    countryName: tax.countryName ?? tax.countryDesc ?? null,
    stateEntries: (tax.stateEntries ?? []).map(toTaxStateEntry),
  };
}

/** TaxDataInput -> POST/PUT record. The country name is sent as `countryDesc`, the spelling of the examples (Q17). */
export function fromTaxDataInput(input: TaxDataInput): wire.TaxData {
  return compact({
    countryCode: input.countryCode,
    countryDesc: input.countryName ?? undefined,
    stateEntries: input.stateEntries.map((entry) =>
      compact({
        stateCode: entry.stateCode ?? undefined,
        stateDesc: entry.stateDesc ?? undefined,
        reclaimEntries: entry.reclaimEntries.map((reclaim) =>
          compact({
            reclaimCode: reclaim.reclaimCode,
            reclaimDesc: reclaim.reclaimDesc ?? undefined,
            reclaimDetails: reclaim.reclaimDetails.map((detail) =>
              compact({
                taxCode: detail.taxCode,
                taxRateDesc: detail.taxRateDesc ?? undefined,
                percentage: detail.percentage ?? undefined,
                validFrom: detail.validFrom,
                validTo: detail.validTo ?? undefined,
              }),
            ),
          }),
        ),
      }),
    ),
  });
}

// ---------------------------------------------------------------- mappings

function toMappingField(field: wire.MappingField): MappingField {
  return { alternateFieldId: orNull(field.alternateFieldId), level: orNull(field.level) };
}

function toHierarchyLevel(level: wire.LedgerHierarchyLevel): LedgerHierarchyLevel {
  return {
    formTypeCode: formTypeCodeFromWire(level.formTypeCode),
    alternateFieldId: orNull(level.alternateFieldId),
    level: orNull(level.level),
  };
}

function toLedger(ledger: wire.Ledger | null | undefined): Ledger | null {
  if (!ledger) return null;
  return {
    name: orNull(ledger.name),
    code: orNull(ledger.code),
    expenseHierarchy: (ledger.expenseHierarchy ?? []).map(toHierarchyLevel),
    invoiceHierarchy: (ledger.invoiceHierarchy ?? []).map(toHierarchyLevel),
  };
}

function toPaymentType(payment: wire.PaymentType): PaymentType {
  return {
    patKey: payment.patKey,
    name: orNull(payment.name),
    transactionType: transactionTypeFromWire(payment.transactionType),
    liabilityAccountCode: orNull(payment.liabilityAccountCode),
    postingDate: enumValue(PostingDate, payment.postingDate),
    clearingAccountCode: orNull(payment.clearingAccountCode),
    creditCardVendorId: orNull(payment.creditCardVendorId),
    currencyCode: orNull(payment.currencyCode),
    countryCode: orNull(payment.countryCode),
    erpCreditCardAccount: orNull(payment.erpCreditCardAccount),
  };
}

function toFieldMapping(mapping: wire.FieldMapping): FieldMapping {
  return {
    formTypeCode: formTypeCodeFromWire(mapping.formTypeCode),
    fields: (mapping.fields ?? []).map(toMappingField),
    connectedLists: (mapping.connectedLists ?? []).map((list) => ({ fields: (list.fields ?? []).map(toMappingField) })),
  };
}

/** ListMapping (mappings response or `listMapping.created` event) -> ListMapping. */
export function toListMapping(mapping: wire.ListMapping): ListMapping {
  return {
    erpListId: mapping.erpListId,
    concurListId: mapping.concurListId,
    fieldMappings: (mapping.fieldMappings ?? []).map(toFieldMapping),
  };
}

function toMappedAccount(account: Partial<wire.Account> | null | undefined): MappedAccount | null {
  if (!account) return null;
  return {
    id: orNull(account.id),
    name: orNull(account.name),
    number: orNull(account.number),
    type: enumValue(AccountType, account.type),
  };
}

function toBillableField(field: wire.BillableField | null | undefined): BillableField | null {
  if (!field) return null;
  return { formTypeCode: formTypeCodeFromWire(field.formTypeCode), alternateFieldId: orNull(field.alternateFieldId) };
}

function toFileMapping(file: wire.FileMapping): FileMapping {
  return {
    fileId: file.fileId,
    paymentTypes: (file.paymentTypes ?? []).map(toPaymentType),
    listMappings: (file.listMappings ?? []).map(toListMapping),
    invoiceLiabilityAccount: toMappedAccount(file.invoiceLiabilityAccount),
    billableField: toBillableField(file.billableField),
  };
}

function toInvoicePolicy(policy: wire.InvoicePolicy): InvoicePolicy {
  return {
    name: orNull(policy.name),
    externalId: orNull(policy.externalId),
    isPurchaseOrderPolicy: orNull(policy.isPurchaseOrderPolicy),
  };
}

/** `companyEdition` is a string in the example and an array in the table (Q17): take the first known value. */
function toCompanyEdition(value: wire.MappingsResponse["companyEdition"]): CompanyEdition | null {
  const candidates = Array.isArray(value) ? value : [value];
  return enumValues(CompanyEdition, candidates)[0] ?? null;
}

/**
 * MappingsResponse -> Mappings. `erpId` comes from the path. Invoice policies are read from the
 * top level (current schema) or, when that is absent, collected from the files (2023 schema).
 */
export function toMappings(companyId: string, erpId: string, response: wire.MappingsResponse): Mappings {
  const files = response.files ?? [];
  const policies = response.invoicePolicies ?? files.flatMap((file) => file.invoicePolicies ?? []);
  return {
    companyId,
    erpId,
    companyEdition: toCompanyEdition(response.companyEdition),
    ledger: toLedger(response.ledger),
    features: (response.features ?? []).map((feature) => ({
      id: feature.id,
      value: feature.value ?? null,
      description: orNull(feature.description),
    })),
    files: files.map(toFileMapping),
    invoicePolicies: policies.map(toInvoicePolicy),
  };
}

// ---------------------------------------------------------------- requests and errors

/** The members of a RequestStatus the mapper reads; links (`links` or `_links`, any shape) are ignored. */
export type RequestStatusLike = Pick<wire.RequestStatus, "requestId" | "status" | "companyId" | "erpId">;

/** RequestStatus (202 answer, GET, or `data.statusUpdated` facts) -> Request. Unknown status -> null. */
export function toRequest(companyId: string, erpId: string, status: RequestStatusLike): Request {
  return {
    requestId: status.requestId,
    companyId,
    erpId,
    status: enumValue(ProcessingStatus, status.status),
  };
}

function toValidationError(error: wire.ValidationError): ValidationError {
  return { source: orNull(error.source), errorMessage: orNull(error.errorMessage), errorCode: orNull(error.errorCode) };
}

/**
 * `values` arrives as a JSON string; `record` is its parsed form (null when it is not valid JSON).
 * If a server sends the record as an object instead, it is kept as `record` and re-serialized as `values`.
 */
function parseValues(values: unknown): { values: string | null; record: unknown } {
  if (values === null || values === undefined) return { values: null, record: null };
  if (typeof values !== "string") return { values: JSON.stringify(values), record: values };
  try {
    return { values, record: JSON.parse(values) as unknown };
  } catch {
    return { values, record: null };
  }
}

/** ProcessingError -> ProcessingError node; ids come from the path. Unknown objectType -> null. */
export function toProcessingError(
  companyId: string,
  erpId: string,
  requestId: string,
  error: wire.ProcessingError,
): ProcessingError {
  return {
    companyId,
    erpId,
    requestId,
    errorCode: orNull(error.errorCode),
    errorMessage: orNull(error.errorMessage),
    objectType: enumValue(AccountingObjectType, error.objectType),
    ...parseValues(error.values),
    validationErrors: (error.validationErrors ?? []).map(toValidationError),
  };
}

// ---------------------------------------------------------------- events and data types

const DATA_TYPE_BY_OBJECT_TYPE: Record<AccountingObjectType, ErpDataType> = {
  [AccountingObjectType.ACCOUNT]: ErpDataType.ACCOUNTS,
  [AccountingObjectType.VENDOR]: ErpDataType.VENDORS,
  [AccountingObjectType.LIST]: ErpDataType.LISTS,
  [AccountingObjectType.TAX]: ErpDataType.TAX_DATA,
};

/** ObjectType (errors, reset requests) -> the ERP data set it names. */
export function erpDataTypeOf(objectType: AccountingObjectType): ErpDataType {
  return DATA_TYPE_BY_OBJECT_TYPE[objectType];
}

/**
 * `facts.data` of a `data.resetRequested` event -> the object types to reset. Accepts the
 * documented array, the JSON-string form of the example (`{"accountingObjects":[...]}`), a JSON
 * array string, or the already-parsed object (Q14). Unknown values and unparsable input yield nothing.
 */
export function toResetObjectTypes(data: unknown): AccountingObjectType[] {
  let parsed = data;
  if (typeof parsed === "string") {
    try {
      parsed = JSON.parse(parsed) as unknown;
    } catch {
      return [];
    }
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    parsed = (parsed as { accountingObjects?: unknown }).accountingObjects;
  }
  return Array.isArray(parsed) ? enumValues(AccountingObjectType, parsed) : [];
}
