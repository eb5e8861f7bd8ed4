import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { PaymentBatch, PaymentBatchCloseResult, PaymentBatchStatus } from "../schema/index.js";
import { closePaymentBatch, paymentBatchFile } from "../services/extract-batches.js";
import { toCloseResult, toPaymentBatch } from "./extract-mappers.js";

@ArgsType()
class BatchArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "PaymentBatch.id: the encrypted id of Batch-URL (not batchGuid)." })
  batchId!: string;
}

/** Payment batches (Standard Edition): list by status, close, file. */
@Resolver(() => PaymentBatch)
export class ExtractBatchResolver {
  @Query(() => [PaymentBatch], { description: "Payment Manager batches (Payment Batches v1.1), all or those OPEN / CLOSED." })
  async paymentBatches(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("status", () => PaymentBatchStatus, { nullable: true }) status: PaymentBatchStatus | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<PaymentBatch[]> {
    const batches = await ctx.services.posting.files.listBatches(ctx.requireCaller(companyId), companyId, status ?? undefined);
    return batches.map((b) => toPaymentBatch(companyId, b, status ?? null));
  }

  @Mutation(() => PaymentBatchCloseResult, {
    description:
      "Closes a batch the recommended way (role write): the asynchronous close, then the synchronous call for its file. A batch without reports answers outcome EMPTY_BATCH (retry after 30 minutes), not an error.",
  })
  async closePaymentBatch(@Args(() => BatchArgs) { companyId, batchId }: BatchArgs, @Ctx() ctx: GatewayContext): Promise<PaymentBatchCloseResult> {
    const caller = ctx.requireCaller(companyId, "write");
    return toCloseResult(ctx.services.posting.links, caller, await closePaymentBatch(ctx.services.posting.files, caller, companyId, batchId));
  }

  @Mutation(() => PaymentBatchCloseResult, { description: "The file of a closed batch (role write: Concur regenerates it on every call)." })
  async paymentBatchFile(@Args(() => BatchArgs) { companyId, batchId }: BatchArgs, @Ctx() ctx: GatewayContext): Promise<PaymentBatchCloseResult> {
    const caller = ctx.requireCaller(companyId, "write");
    return toCloseResult(ctx.services.posting.links, caller, await paymentBatchFile(ctx.services.posting.files, caller, companyId, batchId));
  }
}
