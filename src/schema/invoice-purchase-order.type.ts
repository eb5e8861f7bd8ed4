import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GoodsReceiptFields, PurchaseOrderAddressFields, PurchaseOrderAllocationFields, PurchaseOrderFields, PurchaseOrderLineFields } from "./invoice-purchase-order.fields.js";
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
export class ConcurPurchaseOrderAddress extends PurchaseOrderAddressFields {}

@ObjectType({ description: "A cost allocation of a PO line." })
export class ConcurPurchaseOrderAllocation extends PurchaseOrderAllocationFields {
  @Field(() => [ConcurInvoiceCustomField], { description: "Allocation form Custom1..Custom20." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A purchase order line." })
export class ConcurPurchaseOrderLine extends PurchaseOrderLineFields {
  @Field(() => ConcurReceiptType, { description: "What drives matching of this line." })
  receiptType!: ConcurReceiptType;

  @Field(() => [ConcurPurchaseOrderAllocation])
  allocations!: ConcurPurchaseOrderAllocation[];

  @Field(() => [ConcurInvoiceCustomField], { description: "PO line form Custom1..Custom20." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A goods receipt (PO receipt, Version 2.0) of a PO line: the third leg of three-way matching." })
export class ConcurGoodsReceipt extends GoodsReceiptFields {
  @Field(() => [ConcurInvoiceCustomField], { description: "Receipt form Custom1..Custom10." })
  customFields!: ConcurInvoiceCustomField[];
}

@ObjectType({ description: "A Concur Invoice purchase order." })
export class ConcurPurchaseOrder extends PurchaseOrderFields {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ConcurPurchaseOrderAddress)
  billTo!: ConcurPurchaseOrderAddress;

  @Field(() => ConcurPurchaseOrderAddress)
  shipTo!: ConcurPurchaseOrderAddress;

  @Field(() => ConcurPurchaseOrderStatus)
  status!: ConcurPurchaseOrderStatus;

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
