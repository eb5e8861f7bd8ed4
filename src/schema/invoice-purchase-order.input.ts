import { Field, InputType } from "type-graphql";
import { GoodsReceiptFields, PurchaseOrderAddressFields, PurchaseOrderAllocationFields, PurchaseOrderFields, PurchaseOrderLineFields } from "./invoice-purchase-order.fields.js";
import { ConcurInvoiceCustomFieldInput } from "./invoice-vendor.input.js";
import { ConcurPurchaseOrderStatus, ConcurReceiptType } from "./invoice-purchase-order.type.js";

@InputType({ description: "A bill-to or ship-to address (externalId, address1, city, postalCode, countryCode required)." })
export class ConcurPurchaseOrderAddressInput extends PurchaseOrderAddressFields {}

@InputType({ description: "A cost allocation of a line: amount required, not zero, same sign as the line, all together at most the line total." })
export class ConcurPurchaseOrderAllocationInput extends PurchaseOrderAllocationFields {
  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "Allocation form Custom1..Custom20." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A PO line: exactly one of expenseType / accountCode; externalId unique within the PO." })
export class ConcurPurchaseOrderLineInput extends PurchaseOrderLineFields {
  @Field(() => ConcurReceiptType, { nullable: true, description: "QUANTITY_RECEIPT when goods receipts will be entered for three-way matching. Default NONE." })
  receiptType?: ConcurReceiptType | null;

  @Field(() => [ConcurPurchaseOrderAllocationInput], { nullable: true })
  allocations?: ConcurPurchaseOrderAllocationInput[] | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "PO line form Custom1..Custom20." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A goods receipt of a PO line (Version 2.0): PO number, line externalId and receipt number name it; quantity lines need receivedQuantity." })
export class ConcurGoodsReceiptInput extends GoodsReceiptFields {
  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "Receipt form Custom1..Custom10." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;
}

@InputType({ description: "A full purchase order: Concur's update takes the whole PO every time. Lines already on the PO must all be sent (close the PO or zero a line's quantity instead of dropping it)." })
export class ConcurPurchaseOrderInput extends PurchaseOrderFields {
  @Field(() => ConcurPurchaseOrderAddressInput)
  billTo!: ConcurPurchaseOrderAddressInput;

  @Field(() => ConcurPurchaseOrderAddressInput)
  shipTo!: ConcurPurchaseOrderAddressInput;

  @Field(() => ConcurPurchaseOrderStatus, { nullable: true, description: "Default TRANSMITTED; closePurchaseOrder closes." })
  status?: ConcurPurchaseOrderStatus | null;

  @Field(() => [ConcurInvoiceCustomFieldInput], { nullable: true, description: "PO header form Custom1..Custom24." })
  customFields?: ConcurInvoiceCustomFieldInput[] | null;

  @Field(() => [ConcurPurchaseOrderLineInput])
  lines!: ConcurPurchaseOrderLineInput[];
}
