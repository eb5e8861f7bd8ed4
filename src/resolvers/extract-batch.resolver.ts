import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { PaymentBatch, PaymentBatchCloseResult, PaymentBatchStatus } from "../schema/index.js";
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
      "Closes a batch the documented way (role write): the asynchronous close, a wait until Concur lists the batch CLOSED, then the synchronous call for its file. " +
      "Concurrent and repeated calls for the batch join the close in progress and a closed batch is never closed again. Answers within PAYMENT_BATCH_CLOSE_ANSWER_MS: " +
      "outcome CLOSING or CLOSED_FILE_PENDING then, and the gateway carries on (ask paymentBatchClose). A batch without reports answers outcome EMPTY_BATCH (retry after 30 minutes), not an error.",
  })
  async closePaymentBatch(@Args(() => BatchArgs) { companyId, batchId }: BatchArgs, @Ctx() ctx: GatewayContext): Promise<PaymentBatchCloseResult> {
    const caller = ctx.requireCaller(companyId, "write");
    return toCloseResult(ctx.services.posting.links, caller, await ctx.services.posting.batches.close(caller, companyId, batchId));
  }

  @Mutation(() => PaymentBatchCloseResult, {
    description: "The file of a closed batch (role write: Concur regenerates it on every call); joins a close or file request in progress for the batch instead of sending another.",
  })
  async paymentBatchFile(@Args(() => BatchArgs) { companyId, batchId }: BatchArgs, @Ctx() ctx: GatewayContext): Promise<PaymentBatchCloseResult> {
    const caller = ctx.requireCaller(companyId, "write");
    return toCloseResult(ctx.services.posting.links, caller, await ctx.services.posting.batches.file(caller, companyId, batchId));
  }

  @Query(() => PaymentBatchCloseResult, {
    nullable: true,
    description: "What the gateway knows of a batch's close (closePaymentBatch's answer as it stands now, the file once fetched); sends no close. Null when no close of the batch is known.",
  })
  async paymentBatchClose(@Args(() => BatchArgs) { companyId, batchId }: BatchArgs, @Ctx() ctx: GatewayContext): Promise<PaymentBatchCloseResult | null> {
    const caller = ctx.requireCaller(companyId);
    const result = await ctx.services.posting.batches.status(caller, companyId, batchId);
    return result && toCloseResult(ctx.services.posting.links, caller, result);
  }
}
