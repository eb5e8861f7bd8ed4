import { Field, InputType, Int, registerEnumType } from "type-graphql";
import { Decimal } from "./fis-scalars.js";
import { ConcurInvoiceBankAccountType, ConcurInvoicePaymentMethod, ConcurInvoiceTaxType } from "./invoice-vendor.type.js";

@InputType({ description: "A custom field value: Custom<number> of the Vendor Address Form (≤48; list-driven fields take the list item code)." })
export class ConcurInvoiceCustomFieldInput {
  @Field(() => Int, { description: "1..20." })
  number!: number;

  @Field(() => String)
  value!: string;
}

export enum ConcurInvoiceVendorClearableField {
  buyerAccountNumber = "buyerAccountNumber",
  defaultEmployeeId = "defaultEmployeeId",
  defaultExpenseTypeName = "defaultExpenseTypeName",
  vendorFormName = "vendorFormName",
}
registerEnumType(ConcurInvoiceVendorClearableField, { name: "ConcurInvoiceVendorClearableField", description: "Fields Concur clears when sent the value N (the only documented way to clear)." });

@InputType({ description: "A vendor address record to create or update. Omitted fields are left as Concur has them (a PUT merges); use `clear` to erase the clearable ones." })
export class ConcurInvoiceVendorInput {
  @Field(() => String, { description: "Required, ≤32." })
  vendorCode!: string;

  @Field(() => String, { description: "Required, ≤32, unique within the vendor code (make one up, e.g. the postal code, when the ERP has none)." })
  addressCode!: string;

  @Field(() => String, { nullable: true, description: "≤255; one name per vendor code." })
  name?: string | null;

  @Field(() => String, { nullable: true })
  address1?: string | null;

  @Field(() => String, { nullable: true })
  address2?: string | null;

  @Field(() => String, { nullable: true })
  address3?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "Required for sanctioned countries (e.g. UA)." })
  state?: string | null;

  @Field(() => String, { nullable: true, description: "≤20." })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { description: "Required: ISO 3166-1 alpha-2 (upper-cased for you)." })
  countryCode!: string;

  @Field(() => String, { description: "Required: ISO 4217 alpha-3 (upper-cased for you)." })
  currencyCode!: string;

  @Field(() => String, { nullable: true })
  contactFirstName?: string | null;

  @Field(() => String, { nullable: true })
  contactLastName?: string | null;

  @Field(() => String, { nullable: true, description: "Required when paymentMethodType is VCHER." })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true, description: "≤25." })
  contactPhoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactFirstName?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactLastName?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactEmail?: string | null;

  @Field(() => String, { nullable: true, description: "≤25, free text." })
  purchaseOrderContactPhoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The buyer's account number at the vendor (≤50)." })
  buyerAccountNumber?: string | null;

  @Field(() => String, { nullable: true, description: "≤48." })
  taxId?: string | null;

  @Field(() => String, { nullable: true, description: "≤15, letters and digits." })
  provincialTaxId?: string | null;

  @Field(() => ConcurInvoiceTaxType, { nullable: true })
  taxType?: ConcurInvoiceTaxType | null;

  @Field(() => ConcurInvoicePaymentMethod, { nullable: true })
  paymentMethodType?: ConcurInvoicePaymentMethod | null;

  @Field(() => Int, { nullable: true, description: "1..999 days." })
  paymentTerms?: number | null;

  @Field(() => Decimal, { nullable: true, description: "number(11,8)." })
  discountPercentage?: string | null;

  @Field(() => Int, { nullable: true, description: "1..998." })
  discountTermsDays?: number | null;

  @Field(() => Boolean, { nullable: true })
  lineItemVatIncluded?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  visibleForContentExtraction?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  approved?: boolean | null;

  @Field(() => String, { nullable: true, description: "≤48." })
  defaultEmployeeId?: string | null;

  @Field(() => String, { nullable: true, description: "≤64." })
  defaultExpenseTypeName?: string | null;

  @Field(() => String, { nullable: true, description: "≤64." })
  vendorFormName?: string | null;

  @Field(() => String, { nullable: true, description: "≤10." })
  shippingMethod?: string | null;

  @Field(() => String, { nullable: true, description: "≤10." })
  shippingTerms?: string | null;

  @Field(() => String, { nullable: true, description: "≤250." })
  voucherNotes?: string | null;

  @Field(() => String, { nullable: true, description: "≤20." })
  addressImportSyncId?: string | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;

  @Field(() => [ConcurInvoiceVendorClearableField], { nullable: true, description: "Fields to erase (sent as N)." })
  clear?: ConcurInvoiceVendorClearableField[] | null;
}

@InputType({ description: "A vendor bank account to add or update (Concur's PUT /vendor/banks is create-or-update). To remove one, set active: false." })
export class ConcurInvoiceVendorBankInput {
  @Field(() => String)
  vendorCode!: string;

  @Field(() => String, { nullable: true, description: "Omit to share the account across every address of the vendor." })
  addressCode?: string | null;

  @Field(() => String, { description: "US/AU: account number; Euro and UK: IBAN." })
  accountNumber!: string;

  @Field(() => String, { nullable: true, description: "US: routing number; Euro: BIC/SWIFT; AU: BSB; UK: not used." })
  routingNumber?: string | null;

  @Field(() => ConcurInvoiceBankAccountType)
  accountType!: ConcurInvoiceBankAccountType;

  @Field(() => String, { description: "≤100." })
  nameOnAccount!: string;

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => String, { nullable: true })
  bankName?: string | null;

  @Field(() => String, { nullable: true })
  branchLocation?: string | null;

  @Field(() => String, { nullable: true })
  bankCode?: string | null;

  @Field(() => String, { nullable: true })
  branchCode?: string | null;

  @Field(() => String, { nullable: true, description: "Default US." })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: "USD, EUR, AUD or GBP; default USD." })
  currencyCode?: string | null;

  @Field(() => String, { nullable: true, description: "ACH when given." })
  transactionType?: string | null;
}

export enum ConcurInvoiceSearchType {
  EXACT = "exact",
  BEGINS = "begins",
  CONTAINS = "contains",
  ENDS = "ends",
}
registerEnumType(ConcurInvoiceSearchType, { name: "ConcurInvoiceSearchType", description: "How Concur matches every text filter of one search (default EXACT)." });

export enum ConcurInvoiceSortDirection {
  ASC = "asc",
  DESC = "desc",
}
registerEnumType(ConcurInvoiceSortDirection, { name: "ConcurInvoiceSortDirection" });

@InputType({ description: "The filters Concur's vendor search offers; `match` applies to all text filters of the call." })
export class ConcurInvoiceVendorFilter {
  @Field(() => ConcurInvoiceSearchType, { nullable: true, description: "Default EXACT." })
  match?: ConcurInvoiceSearchType | null;

  @Field(() => String, { nullable: true })
  vendorCode?: string | null;

  @Field(() => String, { nullable: true })
  vendorName?: string | null;

  @Field(() => String, { nullable: true })
  taxId?: string | null;

  @Field(() => String, { nullable: true })
  buyerAccountNumber?: string | null;

  @Field(() => String, { nullable: true })
  addressCode?: string | null;

  @Field(() => String, { nullable: true })
  address1?: string | null;

  @Field(() => String, { nullable: true })
  address2?: string | null;

  @Field(() => String, { nullable: true })
  address3?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  state?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => ConcurInvoicePaymentMethod, { nullable: true })
  paymentMethodType?: ConcurInvoicePaymentMethod | null;

  @Field(() => Boolean, { nullable: true })
  approved?: boolean | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A vendor address record's identity." })
export class ConcurInvoiceVendorKeyInput {
  @Field(() => String)
  vendorCode!: string;

  @Field(() => String)
  addressCode!: string;
}
