import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Decimal } from "./fis-scalars.js";
import { ConcurInvoiceCustomField } from "./invoice-vendor.type.js";

/*
 * Concur Invoice purchase orders (Purchase Order v3.0) and goods receipts (Purchase Order Receipt v3.0), for two- and
 * three-way matching. Canonical forms: exact decimals, YYYY-MM-DD dates, booleans, one receipt-type enum.
 */

export enum ConcurPurchaseOrderStatus {
  TRANSMITTED = "TRANSMITTED",
  CLOSED = "CLOSED",
}
registerEnumType(ConcurPurchaseOrderStatus, { name: "ConcurPurchaseOrderStatus", description: "TRANSMITTED (open) or CLOSED: Concur has no PO delete, a PO is closed by status." });

export enum ConcurReceiptType {
  NONE = "NONE",
  QUANTITY_RECEIPT = "QUANTITY_RECEIPT",
}
registerEnumType(ConcurReceiptType, {
  name: "ConcurReceiptType",
  description: "How a PO line is matched: NONE = two-way (PO ↔ invoice); QUANTITY_RECEIPT = three-way, goods receipts with quantities are expected (Concur also writes it WQTY).",
});

@ObjectType({ description: "A bill-to or ship-to address of a purchase order." })
export class ConcurPurchaseOrderAddress {
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

@ObjectType({ description: "A cost allocation of a PO line." })
export class ConcurPurchaseOrderAllocation {
  @Field(() => Decimal)
  amount!: string;

  @Field(() => Decimal, { nullable: true })
  percentage?: string | null;

  @Field(() => Decimal, { nullable: true })
  grossAmount?: string | null;

  @Field(() => [ConcurInvoiceCustomField], { description: "Allocation form Custom1..Custom20." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A purchase order line." })
export class ConcurPurchaseOrderLine {
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

  @Field(() => ConcurReceiptType, { description: "What drives matching of this line." })
  receiptType!: ConcurReceiptType;

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

  @Field(() => [ConcurPurchaseOrderAllocation])
  allocations!: ConcurPurchaseOrderAllocation[];

  @Field(() => [ConcurInvoiceCustomField], { description: "PO line form Custom1..Custom20." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A goods receipt (PO receipt, Version 2.0) of a PO line: the third leg of three-way matching." })
export class ConcurGoodsReceipt {
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

  @Field(() => [ConcurInvoiceCustomField], { description: "Receipt form Custom1..Custom10." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A Concur Invoice purchase order." })
export class ConcurPurchaseOrder {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

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

  @Field(() => ConcurPurchaseOrderAddress)
  billTo!: ConcurPurchaseOrderAddress;

  @Field(() => ConcurPurchaseOrderAddress)
  shipTo!: ConcurPurchaseOrderAddress;

  @Field(() => String, { nullable: true })
  ledgerCode?: string | null;

  @Field(() => ConcurPurchaseOrderStatus)
  status!: ConcurPurchaseOrderStatus;

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

  @Field(() => [ConcurInvoiceCustomField], { description: "PO header form Custom1..Custom24." })
  customFields!: ConcurInvoiceCustomField[];

  @Field(() => [ConcurPurchaseOrderLine])
  lines!: ConcurPurchaseOrderLine[];
}

@ObjectType({ description: "A purchase order or goods receipt write Concur accepted (refusals are errors naming Concur's code, the field and the line)." })
export class ConcurPurchaseOrderWriteResult {
  @Field(() => ID)
  companyId!: string;

  @Field(() => String)
  purchaseOrderNumber!: string;

  @Field(() => Boolean, { description: "A new PO (false: an existing one was updated)." })
  created!: boolean;

  @Field(() => String, { nullable: true, description: "Concur's Message." })
  message?: string | null;
}

@ObjectType({ description: "A goods receipt write Concur accepted." })
export class ConcurGoodsReceiptWriteResult {
  @Field(() => ID)
  companyId!: string;

  @Field(() => String)
  purchaseOrderNumber!: string;

  @Field(() => String)
  lineItemExternalId!: string;

  @Field(() => String)
  goodsReceiptNumber!: string;

  @Field(() => String, { nullable: true })
  message?: string | null;

  @Field(() => Int, { description: "Always 1: one receipt per Concur call." })
  records!: number;
}
