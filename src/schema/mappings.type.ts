import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { AccountType, CompanyEdition, FormTypeCode, PostingDate, TransactionType } from "./enums.js";
import type { Relation } from "./relation.js";

/*
 * The customer's configuration read from GET /mappings (spec 1.3). Read-only: the customer
 * admin edits it in the Concur UI. Every enum-typed field is nullable so that a value Concur
 * adds later reads as null instead of failing the query.
 */

/** One level of a ledger's field hierarchy. */
@ObjectType({ description: "One level of a ledger's field hierarchy." })
export class LedgerHierarchyLevel {
  @Field(() => FormTypeCode, { nullable: true, description: "Form the field lives on; null for a form this gateway does not know." })
  formTypeCode!: FormTypeCode | null;

  @Field(() => String, { nullable: true, description: "Field ID in the Financial Information document." })
  alternateFieldId!: string | null;

  @Field(() => Int, { nullable: true, description: "Level in the hierarchy (1 = top)." })
  level!: number | null;
}

/** The ledger the ERP integration posts to. */
@ObjectType({ description: "The Concur ledger connected to the ERP integration and its field hierarchies." })
export class Ledger {
  @Field(() => String, { nullable: true, description: "Ledger name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "Ledger code." })
  code!: string | null;

  @Field(() => [LedgerHierarchyLevel], { description: "Field hierarchy used for expenses." })
  expenseHierarchy!: LedgerHierarchyLevel[];

  @Field(() => [LedgerHierarchyLevel], { description: "Field hierarchy used for invoices." })
  invoiceHierarchy!: LedgerHierarchyLevel[];
}

/** The customer's setting for one ERP feature. */
@ObjectType({ description: "The customer's setting for one ERP feature." })
export class MappingFeature {
  @Field(() => String, { description: "Feature ID." })
  id!: string;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Feature value as Concur sends it (a string or an object; the example shows `{}`).",
  })
  value!: unknown;

  @Field(() => String, { nullable: true, description: "Feature description." })
  description!: string | null;
}

/** Account members as they appear inside mappings (the invoice liability account). */
@ObjectType({ description: "An ERP account referenced by the mappings; any member may be null." })
export class MappedAccount {
  @Field(() => String, { nullable: true, description: "Account key in the ERP." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "Account name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "GL account code; null when the ERP has none." })
  number!: string | null;

  @Field(() => AccountType, { nullable: true, description: "Account type; null when absent or unknown to this gateway." })
  type!: AccountType | null;
}

/** Payment type configuration (REST `PaymentType`). */
@ObjectType({ description: "How expenses paid with one Concur payment type are posted to the ERP." })
export class PaymentType {
  @Field(() => String, { description: "Concur payment type key." })
  patKey!: string;

  @Field(() => String, { nullable: true, description: "Payment type name." })
  name!: string | null;

  @Field(() => TransactionType, { nullable: true, description: "How the expenses are posted; null when absent or unknown." })
  transactionType!: TransactionType | null;

  @Field(() => String, { nullable: true, description: "Liability account code in the ERP." })
  liabilityAccountCode!: string | null;

  @Field(() => PostingDate, { nullable: true, description: "Date used as posting date; null when absent or unknown." })
  postingDate!: PostingDate | null;

  @Field(() => String, { nullable: true, description: "Clearing account code in the ERP." })
  clearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Credit card vendor ID in the ERP." })
  creditCardVendorId!: string | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency code." })
  currencyCode!: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter country code (added 2025-06)." })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: "ERP credit card account (added 2025-06)." })
  erpCreditCardAccount!: string | null;
}

/** A field of a Concur form that an ERP list is connected to. */
@ObjectType({ description: "A field of the Financial Information document." })
export class MappingField {
  @Field(() => String, { nullable: true, description: "Field ID in the Financial Information document." })
  alternateFieldId!: string | null;

  @Field(() => Int, { nullable: true, description: "List level for multi-level lists." })
  level!: number | null;
}

/** Fields of a list connected to a mapped list. */
@ObjectType({ description: "A list connected to the mapped list, given by its fields." })
export class ConnectedList {
  @Field(() => [MappingField], { description: "Fields of the connected list." })
  fields!: MappingField[];
}

/** Where on a Concur form an ERP list is used. */
@ObjectType({ description: "A Concur form and the fields on it where the ERP list is used." })
export class FieldMapping {
  @Field(() => FormTypeCode, { nullable: true, description: "The form; null for a form this gateway does not know." })
  formTypeCode!: FormTypeCode | null;

  @Field(() => [MappingField], { description: "Fields on the form that use the list." })
  fields!: MappingField[];

  @Field(() => [ConnectedList], { description: "Connected lists; empty when none." })
  connectedLists!: ConnectedList[];
}

/** An ERP list mapped to a Concur list. */
@ObjectType({ description: "An ERP list mapped to a Concur list. Send the list's items through List Item v4." })
export class ListMapping {
  @Field(() => String, { description: "ID of the ERP list (ListName.id)." })
  erpListId!: string;

  @Field(() => String, { description: "ID of the Concur list." })
  concurListId!: string;

  @Field(() => [FieldMapping], { description: "Concur forms and fields where the list is used." })
  fieldMappings!: FieldMapping[];
}

/** The Concur field that marks an expense billable. */
@ObjectType({ description: "The Concur field that marks an expense as billable." })
export class BillableField {
  @Field(() => FormTypeCode, { nullable: true, description: "Form the field lives on; null when absent or unknown." })
  formTypeCode!: FormTypeCode | null;

  @Field(() => String, { nullable: true, description: "Field ID in the Financial Information document." })
  alternateFieldId!: string | null;
}

/** Settings and mappings of one ERP file. */
@ObjectType({ description: "Settings and mappings for one ERP file; a single entry with fileId DEFAULT when the ERP has no files." })
export class FileMapping {
  @Field(() => String, { description: "File ID in the ERP; DEFAULT when the ERP has no files." })
  fileId!: string;

  @Field(() => [PaymentType], { description: "Payment type configurations." })
  paymentTypes!: PaymentType[];

  @Field(() => [ListMapping], { description: "ERP lists mapped to Concur lists." })
  listMappings!: ListMapping[];

  @Field(() => MappedAccount, { nullable: true, description: "Account invoices are posted against as liability; null when not set." })
  invoiceLiabilityAccount!: Relation<MappedAccount> | null;

  @Field(() => BillableField, { nullable: true, description: "Field that marks expenses billable; null when not set." })
  billableField!: Relation<BillableField> | null;
}

/** An invoice policy of the company. */
@ObjectType({ description: "A Concur invoice policy. Changes to policies do not fire a mapping.updated event." })
export class InvoicePolicy {
  @Field(() => String, { nullable: true, description: "Policy name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "External ID of the policy." })
  externalId!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the policy is for purchase-order invoices." })
  isPurchaseOrderPolicy!: boolean | null;
}

/** The customer's mappings for an ERP integration (REST `MappingsResponse`). */
@ObjectType({
  description:
    "How the customer admin configured the ERP integration in Concur: ledger, features, files (payment types, list mappings) and invoice policies. Read-only.",
})
export class Mappings {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => CompanyEdition, { nullable: true, description: "Concur edition of the company; null when absent or unknown." })
  companyEdition!: CompanyEdition | null;

  @Field(() => Ledger, { nullable: true, description: "Ledger connected to the integration; null when none." })
  ledger!: Relation<Ledger> | null;

  @Field(() => [MappingFeature], { description: "The customer's choices per ERP feature." })
  features!: MappingFeature[];

  @Field(() => [FileMapping], { description: "Settings and mappings per ERP file." })
  files!: FileMapping[];

  @Field(() => [InvoicePolicy], { description: "Invoice policies of the company." })
  invoicePolicies!: InvoicePolicy[];
}
