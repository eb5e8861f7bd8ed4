import { Field, InputType } from "type-graphql";
import { Decimal } from "./fis-scalars.js";
import { ConcurInvoiceCustomFieldInput } from "./invoice-vendor.input.js";
import { ConcurPurchaseOrderStatus, ConcurReceiptType } from "./invoice-purchase-order.type.js";

@InputType({ description: "A bill-to or ship-to address (externalId, address1, city, postalCode, countryCode required)." })
export class ConcurPurchaseOrderAddressInput {
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

@InputType({ description: "A cost allocation of a line: amount required, not zero, same sign as the line, all together at most the line total." })
export class ConcurPurchaseOrderAllocationInput {
  @Field(() => Decimal)
  amount!: string;

  @Field(() => Decimal, { nullable: true })
  percentage?: string | null;

  @Field(() => Decimal, { nullable: true })
  grossAmount?: string | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "Allocation form Custom1..Custom20." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A PO line: exactly one of expenseType / accountCode; externalId unique within the PO." })
export class ConcurPurchaseOrderLineInput {
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

  @Field(() => ConcurReceiptType, { nullable: true, description: "QUANTITY_RECEIPT when goods receipts will be entered for three-way matching. Default NONE." })
  receiptType?: ConcurReceiptType | null;

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

  @Field(() => [ConcurPurchaseOrderAllocationInput], { nullable: true })
  allocations?: ConcurPurchaseOrderAllocationInput[] | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "PO line form Custom1..Custom20." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A goods receipt of a PO line (Version 2.0): PO number, line externalId and receipt number name it; quantity lines need receivedQuantity." })
export class ConcurGoodsReceiptInput {
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

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "Receipt form Custom1..Custom10." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A full purchase order: Concur's update takes the whole PO every time. Lines already on the PO must all be sent (close the PO or zero a line's quantity instead of dropping it)." })
export class ConcurPurchaseOrderInput {
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

  @Field(() => ConcurPurchaseOrderAddressInput)
  billTo!: ConcurPurchaseOrderAddressInput;

  @Field(() => ConcurPurchaseOrderAddressInput)
  shipTo!: ConcurPurchaseOrderAddressInput;

  @Field(() => String, { nullable: true })
  ledgerCode?: string | null;

  @Field(() => ConcurPurchaseOrderStatus, { nullable: true, description: "Default TRANSMITTED; closePurchaseOrder closes." })
  status?: ConcurPurchaseOrderStatus | null;

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

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "PO header form Custom1..Custom24." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;

  @Field(() => [ConcurPurchaseOrderLineInput])
  lines!: ConcurPurchaseOrderLineInput[];
}
