import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import type { GoodsReceiptRecord, PurchaseOrderRecord } from "../datasources/index.js";
import {
  ConcurGoodsReceipt,
  ConcurGoodsReceiptInput,
  ConcurGoodsReceiptWriteResult,
  ConcurPurchaseOrder,
  ConcurPurchaseOrderInput,
  ConcurPurchaseOrderWriteResult,
} from "../schema/index.js";
import { closePurchaseOrder, deleteReceipt, saveReceipt, savePurchaseOrder, type PoDeps, type PoWriteResult, type ReceiptWriteResult } from "../services/invoice-purchase-orders.js";

const toPurchaseOrder = (companyId: string, record: PurchaseOrderRecord) => ({ ...record, companyId }) as unknown as ConcurPurchaseOrder;
const toReceipt = (record: GoodsReceiptRecord) => record as unknown as ConcurGoodsReceipt;
const deps = (ctx: GatewayContext, companyId: string, role: "read" | "write" = "write"): PoDeps => ({ caller: ctx.requireCaller(companyId, role), client: ctx.services.invoice.purchaseOrders });

@Resolver(() => ConcurPurchaseOrder)
export class ConcurPurchaseOrderResolver {
  @Query(() => ConcurPurchaseOrder, { nullable: true, description: "A Concur Invoice purchase order by number, or null." })
  async invoicePurchaseOrder(@Arg("companyId", () => ID) companyId: string, @Arg("number", () => String) number: string, @Ctx() ctx: GatewayContext): Promise<ConcurPurchaseOrder | null> {
    const found = await ctx.services.invoice.purchaseOrders.get(ctx.requireCaller(companyId), companyId, number);
    return found ? toPurchaseOrder(companyId, found) : null;
  }

  @FieldResolver(() => [ConcurGoodsReceipt], { description: "The PO's goods receipts (Concur returns at most 2,000)." })
  async receipts(@Root() order: ConcurPurchaseOrder, @Arg("lineItemExternalId", () => String, { nullable: true }) lineItemExternalId: string | null, @Ctx() ctx: GatewayContext): Promise<ConcurGoodsReceipt[]> {
    const found = await ctx.services.invoice.purchaseOrders.receipts(ctx.requireCaller(order.companyId), order.companyId, { purchaseOrderNumber: order.number, lineItemExternalId: lineItemExternalId ?? undefined });
    return found.receipts.map(toReceipt);
  }
}

const PO_NOTE = " One PO per Concur call (no batch form), paced with the company's other Invoice writes. Concur's refusals (200 + FAILURE) are errors with extensions upstreamErrorCode, field and lineItemExternalId.";

@Resolver(() => ConcurPurchaseOrderWriteResult)
export class ConcurPurchaseOrderWriteResolver {
  @Mutation(() => ConcurPurchaseOrderWriteResult, { description: "Creates or updates a purchase order with its full content (read first: update when Concur has it, else create). Every existing line must be sent." + PO_NOTE })
  async saveInvoicePurchaseOrder(@Arg("companyId", () => ID) companyId: string, @Arg("order", () => ConcurPurchaseOrderInput) order: ConcurPurchaseOrderInput, @Ctx() ctx: GatewayContext): Promise<PoWriteResult> {
    return savePurchaseOrder(deps(ctx, companyId), companyId, { ...order });
  }

  @Mutation(() => ConcurPurchaseOrderWriteResult, { description: "Closes a purchase order (Concur has no PO delete): its current content sent back with status Closed." + PO_NOTE })
  async closeInvoicePurchaseOrder(@Arg("companyId", () => ID) companyId: string, @Arg("number", () => String) number: string, @Ctx() ctx: GatewayContext): Promise<PoWriteResult> {
    return closePurchaseOrder(deps(ctx, companyId), companyId, number);
  }

  @FieldResolver(() => ConcurPurchaseOrder, { nullable: true, description: "The PO as Concur has it now (read back)." })
  async purchaseOrder(@Root() result: PoWriteResult, @Ctx() ctx: GatewayContext): Promise<ConcurPurchaseOrder | null> {
    const found = await ctx.services.invoice.purchaseOrders.get(ctx.requireCaller(result.companyId), result.companyId, result.purchaseOrderNumber);
    return found ? toPurchaseOrder(result.companyId, found) : null;
  }
}

@Resolver(() => ConcurGoodsReceiptWriteResult)
export class ConcurGoodsReceiptWriteResolver {
  @Mutation(() => ConcurGoodsReceiptWriteResult, { description: "Creates a goods receipt on a PO line (three-way matching); a quantity line needs receivedQuantity." + PO_NOTE })
  async createInvoiceGoodsReceipt(@Arg("companyId", () => ID) companyId: string, @Arg("receipt", () => ConcurGoodsReceiptInput) receipt: ConcurGoodsReceiptInput, @Ctx() ctx: GatewayContext): Promise<ReceiptWriteResult> {
    return saveReceipt(deps(ctx, companyId), companyId, { ...receipt }, "create");
  }

  @Mutation(() => ConcurGoodsReceiptWriteResult, { description: "Replaces a goods receipt (same PO number, line and receipt number) with the values given; also the way to correct a receipt already matched to an invoice." + PO_NOTE })
  async replaceInvoiceGoodsReceipt(@Arg("companyId", () => ID) companyId: string, @Arg("receipt", () => ConcurGoodsReceiptInput) receipt: ConcurGoodsReceiptInput, @Ctx() ctx: GatewayContext): Promise<ReceiptWriteResult> {
    return saveReceipt(deps(ctx, companyId), companyId, { ...receipt }, "replace");
  }

  @Mutation(() => ConcurGoodsReceiptWriteResult, { description: "Deletes exactly one goods receipt. A receipt matched to an invoice is refused by Concur: error CONFLICT with extensions.reason RECEIPT_MATCHED." + PO_NOTE })
  async deleteInvoiceGoodsReceipt(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("purchaseOrderNumber", () => String) purchaseOrderNumber: string,
    @Arg("lineItemExternalId", () => String) lineItemExternalId: string,
    @Arg("goodsReceiptNumber", () => String) goodsReceiptNumber: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ReceiptWriteResult> {
    return deleteReceipt(deps(ctx, companyId), companyId, { purchaseOrderNumber, lineItemExternalId, goodsReceiptNumber });
  }
}
