import { Field, InputType, ObjectType } from "type-graphql";
import { Decimal } from "./fis-scalars.js";

/*
 * The fields a purchase order, its lines, allocations, addresses and goods receipts have alike as Concur answers them
 * (the object types) and as a partner sends them (the input types): each field is declared once, the types add what
 * differs (nested types, required-ness, defaults). type-graphql 2 inherits fields only from a decorated class; nothing
 * refers to these bases, so the schema, built from the resolvers, leaves them out.
 */

/** The fields of a bill-to or ship-to address. */
@ObjectType("PurchaseOrderAddressFields", { description: "Not in the schema: the shared fields of its subtypes." })
@InputType("PurchaseOrderAddressFieldsInput")
export class PurchaseOrderAddressFields {
  @Field(() => String, { description: "Your unique id of this address." })
  externalId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String)
  address1!: string;

  @Field(() => String, { nullable: true })
  address2?: string | null;

  @Field(() => String, { nullable: true })
  address3?: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  stateProvince?: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String, { description: "ISO 3166-1 alpha-2." })
  countryCode!: string;
}

/** The plain fields of a line's cost allocation. */
@ObjectType("PurchaseOrderAllocationFields", { description: "Not in the schema: the shared fields of its subtypes." })
@InputType("PurchaseOrderAllocationFieldsInput")
export class PurchaseOrderAllocationFields {
  @Field(() => Decimal)
  amount!: string;

  @Field(() => Decimal, { nullable: true })
  percentage?: string | null;

  @Field(() => Decimal, { nullable: true })
  grossAmount?: string | null;
}

/** The plain fields of a PO line. */
@ObjectType("PurchaseOrderLineFields", { description: "Not in the schema: the shared fields of its subtypes." })
@InputType("PurchaseOrderLineFieldsInput")
export class PurchaseOrderLineFields {
  @Field(() => String)
  lineNumber!: string;

  @Field(() => String, { description: "Unique within the PO; receipts name the line by it." })
  externalId!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Decimal)
  quantity!: string;

  @Field(() => Decimal)
  unitPrice!: string;

  @Field(() => String, { nullable: true, description: "Expense type name (xor accountCode)." })
  expenseType?: string | null;

  @Field(() => String, { nullable: true, description: "Account code (xor expenseType)." })
  accountCode?: string | null;

  @Field(() => Decimal, { nullable: true })
  tax?: string | null;

  @Field(() => Decimal, { nullable: true })
  amountWithoutVat?: string | null;

  @Field(() => String, { nullable: true })
  unitOfMeasureCode?: string | null;

  @Field(() => Boolean, { nullable: true })
  receiptRequired?: boolean | null;

  @Field(() => String, { nullable: true })
  supplierPartId?: string | null;

  @Field(() => String, { nullable: true })
  requestedBy?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  requestedDeliveryDate?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  createDate?: string | null;
}

/** The plain fields of a goods receipt. */
@ObjectType("GoodsReceiptFields", { description: "Not in the schema: the shared fields of its subtypes." })
@InputType("GoodsReceiptFieldsInput")
export class GoodsReceiptFields {
  @Field(() => String)
  purchaseOrderNumber!: string;

  @Field(() => String)
  lineItemExternalId!: string;

  @Field(() => String, { description: "The receipt's own number (GRN)." })
  goodsReceiptNumber!: string;

  @Field(() => Decimal, { nullable: true })
  receivedQuantity?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  receivedDate?: string | null;

  @Field(() => String, { nullable: true })
  unitOfMeasureCode?: string | null;

  @Field(() => String, { nullable: true })
  deliverySlipNumber?: string | null;

  @Field(() => Boolean, { nullable: true })
  deleted?: boolean | null;
}

/** The plain fields of a purchase order. */
@ObjectType("PurchaseOrderFields", { description: "Not in the schema: the shared fields of its subtypes." })
@InputType("PurchaseOrderFieldsInput")
export class PurchaseOrderFields {
  @Field(() => String, { description: "The PO number (business key)." })
  number!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String)
  currencyCode!: string;

  @Field(() => String, { description: "YYYY-MM-DD (Concur may answer a date-time; the day is kept)." })
  orderDate!: string;

  @Field(() => String, { nullable: true })
  neededByDate?: string | null;

  @Field(() => String, { nullable: true })
  requestedDeliveryDate?: string | null;

  @Field(() => String, { description: "External id of the Invoice PO policy (cannot change after create)." })
  policyExternalId!: string;

  @Field(() => String)
  vendorCode!: string;

  @Field(() => String, { description: "The vendor's remit-to address code." })
  vendorAddressCode!: string;

  @Field(() => String, { nullable: true })
  vendorAccountNumber?: string | null;

  @Field(() => String, { nullable: true })
  vendorTaxId?: string | null;

  @Field(() => String, { nullable: true })
  provincialTaxId?: string | null;

  @Field(() => String, { nullable: true })
  ledgerCode?: string | null;

  @Field(() => Boolean, { nullable: true })
  isTest?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isChangeOrder?: boolean | null;

  @Field(() => String, { nullable: true })
  purchaseRequestNumber?: string | null;

  @Field(() => String, { nullable: true })
  requestedBy?: string | null;

  @Field(() => String, { nullable: true })
  paymentTerms?: string | null;

  @Field(() => String, { nullable: true })
  discountTerms?: string | null;

  @Field(() => Decimal, { nullable: true })
  discountPercentage?: string | null;

  @Field(() => Decimal, { nullable: true })
  shipping?: string | null;

  @Field(() => Decimal, { nullable: true })
  tax?: string | null;

  @Field(() => Decimal, { nullable: true })
  amountWithoutVat?: string | null;

  @Field(() => String, { nullable: true })
  shippingDescription?: string | null;

  @Field(() => String, { nullable: true })
  shippingMethodKey?: string | null;

  @Field(() => String, { nullable: true })
  shippingTermsKey?: string | null;
}
