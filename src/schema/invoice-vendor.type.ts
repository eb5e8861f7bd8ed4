import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./connection.js";
import { Decimal } from "./fis-scalars.js";

/*
 * Concur Invoice vendor master (Invoice Vendor v3.1): one record per vendor (remit-to) ADDRESS, identified by
 * vendorCode + addressCode; bank accounts and vendor groups hang off it. Canonical forms here (booleans, integers,
 * exact decimals, enums); Concur's wire forms (PascalCase strings, Y/N) stay in the client layer.
 */

export enum ConcurInvoiceTaxType {
  DITX = "DITX",
  DNTX = "DNTX",
  INTX = "INTX",
}
registerEnumType(ConcurInvoiceTaxType, {
  name: "ConcurInvoiceTaxType",
  description: "Vendor tax type.",
  valuesConfig: { DITX: { description: "Domestic taxable." }, DNTX: { description: "Domestic non-taxable." }, INTX: { description: "International non-taxable." } },
});

export enum ConcurInvoicePaymentMethod {
  ACH = "ACH",
  CHECK = "CHECK",
  CLIENT = "CLIENT",
  WIRE = "WIRE",
  PAYPVD = "PAYPVD",
  CARD = "CARD",
  VCHER = "VCHER",
}
registerEnumType(ConcurInvoicePaymentMethod, {
  name: "ConcurInvoicePaymentMethod",
  description: "How Concur pays the vendor. CLIENT (Concur's default when empty): the client pays, not Invoice Pay.",
  valuesConfig: {
    ACH: { description: "Invoice Pay by ACH." },
    CHECK: { description: "Invoice Pay check (address1/address2 at most 50 characters)." },
    CLIENT: { description: "Paid by the client outside Invoice Pay." },
    WIRE: { description: "Wire transfer." },
    PAYPVD: { description: "Payment provider." },
    CARD: { description: "Card." },
    VCHER: { description: "Card voucher, e-mailed to contactEmail (required then)." },
  },
});

export enum ConcurInvoiceBankAccountType {
  CHECKING = "CHCK",
  SAVINGS = "SAVE",
}
registerEnumType(ConcurInvoiceBankAccountType, { name: "ConcurInvoiceBankAccountType", description: "Bank account type: SAVINGS only for US accounts." });

@ObjectType({ description: "A vendor custom field (Custom1..Custom20 of the Vendor Address Form); list-driven fields hold the list item code." })
export class ConcurInvoiceCustomField {
  @Field(() => Int, { description: "1..20 (Custom1..Custom20)." })
  number!: number;

  @Field(() => String)
  value!: string;
}

@ObjectType({ description: "A vendor bank account (VendorBank). Account and routing numbers are stored encrypted by Concur and come back masked." })
export class ConcurInvoiceVendorBank {
  @Field(() => String)
  vendorCode!: string;

  @Field(() => String, { nullable: true, description: "The address the account belongs to; null: shared by every address of the vendor." })
  addressCode?: string | null;

  @Field(() => String, { description: "US/AU: account number; Euro and UK: IBAN (masked on read)." })
  accountNumber!: string;

  @Field(() => String, { nullable: true, description: "US: routing number; Euro: BIC/SWIFT; AU: BSB; UK: unused." })
  routingNumber?: string | null;

  @Field(() => ConcurInvoiceBankAccountType, { nullable: true })
  accountType?: ConcurInvoiceBankAccountType | null;

  @Field(() => String, { nullable: true })
  nameOnAccount?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only active accounts are listed on a vendor." })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  bankName?: string | null;

  @Field(() => String, { nullable: true })
  branchLocation?: string | null;

  @Field(() => String, { nullable: true, description: "Bank code or institution number." })
  bankCode?: string | null;

  @Field(() => String, { nullable: true })
  branchCode?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2; Concur's default US." })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: "USD, EUR, AUD or GBP; Concur's default USD." })
  currencyCode?: string | null;

  @Field(() => String, { nullable: true, description: "ACH when given." })
  transactionType?: string | null;
}

@ObjectType({ description: "A Concur Invoice vendor address record (vendorCode + addressCode): what invoices and purchase orders are addressed to." })
export class ConcurInvoiceVendor {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => String, { description: "Vendor id in the ERP vendor master (≤32, case insensitive). One vendor code has one name." })
  vendorCode!: string;

  @Field(() => String, { description: "Remit-to address id, unique within the vendor code (≤32)." })
  addressCode!: string;

  @Field(() => String, { nullable: true, description: "Concur's resource id." })
  concurId?: string | null;

  @Field(() => String, { nullable: true, description: "Vendor name (≤255), one per vendor code." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "≤255 (≤50 with Invoice Pay checks); needed for check payments." })
  address1?: string | null;

  @Field(() => String, { nullable: true })
  address2?: string | null;

  @Field(() => String, { nullable: true, description: "Not printed on checks." })
  address3?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "State or region; required for sanctioned countries (checked against embargoed regions); 2-letter US state for checks." })
  state?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: "Country name (free text)." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, upper case (required since v3.1)." })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 reimbursement currency (required since v3.1)." })
  currencyCode?: string | null;

  @Field(() => String, { nullable: true })
  contactFirstName?: string | null;

  @Field(() => String, { nullable: true })
  contactLastName?: string | null;

  @Field(() => String, { nullable: true, description: "Required for paymentMethodType VCHER." })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true })
  contactPhoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactFirstName?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactLastName?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactEmail?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderContactPhoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The BUYER's account number at this vendor (Concur's AccountNumber; not a bank account)." })
  buyerAccountNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Stored unencrypted by Concur." })
  taxId?: string | null;

  @Field(() => String, { nullable: true })
  provincialTaxId?: string | null;

  @Field(() => ConcurInvoiceTaxType, { nullable: true })
  taxType?: ConcurInvoiceTaxType | null;

  @Field(() => ConcurInvoicePaymentMethod, { nullable: true })
  paymentMethodType?: ConcurInvoicePaymentMethod | null;

  @Field(() => Int, { nullable: true, description: "Days until payment is due (1..999)." })
  paymentTerms?: number | null;

  @Field(() => Decimal, { nullable: true, description: "Information only; number(11,8)." })
  discountPercentage?: string | null;

  @Field(() => Int, { nullable: true, description: "Information only (1..998)." })
  discountTermsDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Unit prices include VAT (Concur's IsLineItemVatIncld, default false)." })
  lineItemVatIncluded?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Capture (OCR) may pick this vendor (default true)." })
  visibleForContentExtraction?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  approved?: boolean | null;

  @Field(() => String, { nullable: true })
  defaultEmployeeId?: string | null;

  @Field(() => String, { nullable: true, description: "English name of the default expense type." })
  defaultExpenseTypeName?: string | null;

  @Field(() => String, { nullable: true, description: "English name of the vendor form." })
  vendorFormName?: string | null;

  @Field(() => String, { nullable: true })
  shippingMethod?: string | null;

  @Field(() => String, { nullable: true })
  shippingTerms?: string | null;

  @Field(() => String, { nullable: true, description: "Text of the card-voucher e-mail (VCHER)." })
  voucherNotes?: string | null;

  @Field(() => String, { nullable: true, description: "Set by Invoice when an employee requested the vendor; send it back with the approved vendor." })
  addressImportSyncId?: string | null;

  @Field(() => [ConcurInvoiceCustomField], { description: "Custom1..Custom20 that hold a value." })
  customFields!: ConcurInvoiceCustomField[];

  @Field(() => [ConcurInvoiceVendorBank], { description: "Active bank accounts (this address's and the vendor's shared ones)." })
  banks!: ConcurInvoiceVendorBank[];

  @Field(() => [String], { description: "Vendor group names." })
  groups!: string[];
}

@ObjectType({ description: "A page of Invoice vendors (Relay connection over Concur's limit/offset/NextPage paging)." })
export class ConcurInvoiceVendorConnection extends Connection(ConcurInvoiceVendor, "ConcurInvoiceVendor") {
  @Field(() => Int, { description: "Matches of the filter (Concur's TotalCount)." })
  totalCount!: number;
}

@ObjectType({ description: "One entry of a record's StatusList as Concur answered it." })
export class ConcurInvoiceRecordStatus {
  @Field(() => String, { description: "Concur's Type (e.g. SUCCESS, ERROR; UNKNOWN when Concur said nothing about the record)." })
  type!: string;

  @Field(() => String, { description: "Concur's Code." })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true, description: "The input field Concur named (e.g. state, customFields.3), when it named one." })
  field?: string | null;
}

@ObjectType({ description: "The outcome of one vendor write: Concur answers per record inside HTTP 200, so each write gets its own record's status." })
export class ConcurInvoiceVendorWriteResult {
  @Field(() => ID)
  companyId!: string;

  @Field(() => String)
  vendorCode!: string;

  @Field(() => String)
  addressCode!: string;

  @Field(() => Boolean, { description: "Concur applied this record." })
  succeeded!: boolean;

  @Field(() => [ConcurInvoiceRecordStatus], { description: "This record's StatusList (the refusal and the field it names, when refused)." })
  statuses!: ConcurInvoiceRecordStatus[];

  @Field(() => Int, { description: "Records in the Concur call this write shared (concurrent writes are coalesced)." })
  batchSize!: number;
}
