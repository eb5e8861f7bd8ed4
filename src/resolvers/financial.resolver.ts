import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import {
  FinancialClaim,
  FinancialDocType,
  FinancialDocument,
  FinancialDocumentConnection,
  FinancialDocumentOutcome,
  FinancialPaymentInput,
  FinancialPollResult,
  FinancialPostingInput,
} from "../schema/index.js";
import type { FinancialDocumentRecord } from "../datasources/index.js";
import { fisDocType, toFinancialDocumentNode, toOutcomeNode } from "../services/fis-documents.js";
import { followReadyDocuments } from "../services/fis-subscriptions.js";
import { acknowledge, claim, confirmPayments, confirmPostings } from "../services/fis-writes.js";

const COMPANY = "Concur company UUID. FIS takes the company from the token: it must be this company's (managed mode: its stored connection).";

@ArgsType()
class FinancialTarget {
  @Field(() => ID, { description: COMPANY })
  companyId!: string;

  @Field(() => FinancialDocType, { description: "Doc type (one per call, as in FIS)." })
  docType!: FinancialDocType;
}

@ArgsType()
class FinancialDocumentsArgs extends FinancialTarget {
  @Field(() => Int, { nullable: true, defaultValue: 25, description: "Documents per page: default 25, at most 100." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Continue after this cursor (an endCursor of the same walk)." })
  after?: string | null;
}

@ArgsType()
class CompanyArgs {
  @Field(() => ID, { description: COMPANY })
  companyId!: string;
}

type Subscribe = SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>;

const readyDocuments = ({ args, context }: Subscribe) => {
  const { companyId, docType } = args as unknown as FinancialTarget;
  const { fis, pubsub } = context.services;
  return followReadyDocuments({ reader: fis.reader, poller: fis.poller, pubsub, logger: fis.logger }, context.requireCaller(companyId), companyId, fisDocType(docType));
};

/** The Financial Integration Service: pull, claim, confirm posting and payment, follow READY documents. */
@Resolver()
export class FinancialResolver {
  @Query(() => FinancialDocumentConnection, {
    description:
      "READY financial documents of a company and doc type, in FIS queue order: what waits to be posted. Read-only: acknowledge (or use claimFinancialDocuments) before posting any of them. A walk (first page, then `after`) returns each document READY at its start exactly once, even while documents are acknowledged meanwhile.",
  })
  async financialDocuments(@Args(() => FinancialDocumentsArgs) args: FinancialDocumentsArgs, @Ctx() ctx: GatewayContext): Promise<FinancialDocumentConnection> {
    const caller = ctx.requireCaller(args.companyId, "read");
    const page = await ctx.services.fis.reader.connection(caller, args.companyId, fisDocType(args.docType), args);
    return { edges: page.edges.map((e) => ({ cursor: e.cursor, node: toFinancialDocumentNode(e.node) })), pageInfo: page.pageInfo } as FinancialDocumentConnection;
  }

  @Query(() => FinancialDocument, { nullable: true, description: "One financial document in any status (FIS docId + ignoreDocumentStatus=yes), by FIS document id or business id (report, request or cash advance id); null when FIS has none." })
  async financialDocument(@Args(() => FinancialTarget) args: FinancialTarget, @Arg("docId", () => ID) docId: string, @Ctx() ctx: GatewayContext): Promise<FinancialDocument | null> {
    const caller = ctx.requireCaller(args.companyId, "read");
    const record = await ctx.services.fis.reader.document(caller, args.companyId, fisDocType(args.docType), docId);
    return record ? toFinancialDocumentNode(record) : null;
  }

  @Mutation(() => [FinancialDocumentOutcome], {
    description:
      "Acknowledges documents: takes them out of the READY queue and locks them in Concur. Do this before posting; post only documents whose outcome is SUCCEEDED — yours, and no other caller's (ALREADY_DONE: someone else holds it; UNCERTAIN: nobody does yet, claim again later). Concurrent calls share POSTs of up to 100 documents.",
  })
  async acknowledgeFinancialDocuments(@Args(() => FinancialTarget) args: FinancialTarget, @Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: GatewayContext): Promise<FinancialDocumentOutcome[]> {
    const caller = ctx.requireCaller(args.companyId, "write");
    return (await acknowledge(ctx.services.fis, caller, args.companyId, fisDocType(args.docType), ids)).map(toOutcomeNode);
  }

  @Mutation(() => FinancialClaim, {
    description:
      "Pulls up to `max` READY documents and acknowledges them; returns in `documents` only those this call now holds — the ones to post to the ERP now, handed to no other caller whatever Concur answered. Documents recalled in between (102), held by another caller (ALREADY_DONE) or not settled yet (UNCERTAIN) appear in `outcomes` only. Documents whose claim an earlier caller left unsettled are settled first.",
  })
  async claimFinancialDocuments(
    @Args(() => FinancialTarget) args: FinancialTarget,
    @Arg("max", () => Int, { defaultValue: 25, description: "Most documents to claim: 1-100, default 25." }) max: number,
    @Ctx() ctx: GatewayContext,
  ): Promise<FinancialClaim> {
    const caller = ctx.requireCaller(args.companyId, "write");
    const result = await claim(ctx.services.fis, caller, args.companyId, fisDocType(args.docType), max);
    return { documents: result.documents.map(toFinancialDocumentNode), outcomes: result.outcomes.map(toOutcomeNode) };
  }

  @Mutation(() => [FinancialDocumentOutcome], {
    description:
      "Confirms ERP postings of acknowledged documents: SUCCESS with the ERP documents, ERROR with the ERP messages (Concur's audit trail). One confirmation per document: the same values again are ALREADY_DONE, other values CONFLICT with the confirmation on record (recordedPosting). Concurrent calls share POSTs of up to 100.",
  })
  async confirmFinancialPostings(
    @Args(() => FinancialTarget) args: FinancialTarget,
    @Arg("confirmations", () => [FinancialPostingInput]) confirmations: FinancialPostingInput[],
    @Ctx() ctx: GatewayContext,
  ): Promise<FinancialDocumentOutcome[]> {
    const caller = ctx.requireCaller(args.companyId, "write");
    return (await confirmPostings(ctx.services.fis, caller, args.companyId, fisDocType(args.docType), confirmations)).map(toOutcomeNode);
  }

  @Mutation(() => [FinancialDocumentOutcome], {
    description:
      "Confirms payments of expense reports whose posting succeeded (the only doc type FIS takes payments for): CP / PP / RE / OB with clearing details. One completing payment (CP) per document, each paymentRef once: the same values again are ALREADY_DONE, other values CONFLICT with the payment on record (recordedPayment).",
  })
  async confirmFinancialPayments(
    @Args(() => CompanyArgs) args: CompanyArgs,
    @Arg("confirmations", () => [FinancialPaymentInput]) confirmations: FinancialPaymentInput[],
    @Ctx() ctx: GatewayContext,
  ): Promise<FinancialDocumentOutcome[]> {
    const caller = ctx.requireCaller(args.companyId, "write");
    return (await confirmPayments(ctx.services.fis, caller, args.companyId, confirmations)).map(toOutcomeNode);
  }

  @Mutation(() => FinancialPollResult, {
    description: "Polls FIS now (the \"run FIS\" button): new READY documents go to financialDocumentReady subscribers at once, and the poller's back-off is reset.",
  })
  async pollFinancialDocumentsNow(@Args(() => FinancialTarget) args: FinancialTarget, @Ctx() ctx: GatewayContext): Promise<FinancialPollResult> {
    const caller = ctx.requireCaller(args.companyId, "read");
    return ctx.services.fis.poller.pollNow(args.companyId, fisDocType(args.docType), caller);
  }

  @Subscription(() => FinancialDocument, {
    description:
      "Documents becoming READY for a company and doc type, each delivered once as the typed document. Fed by ESS readyForIntegration events (verified, de-duplicated) and, where ESS is not subscribed, by a poller (FIS_POLL_INTERVAL_MS; one per company, backing off when idle; pollFinancialDocumentsNow polls at once). Documents already READY when you subscribe are not replayed: read them with financialDocuments.",
    subscribe: readyDocuments,
  })
  financialDocumentReady(@Root() record: FinancialDocumentRecord, @Args(() => FinancialTarget) _args: FinancialTarget): FinancialDocument {
    return toFinancialDocumentNode(record);
  }
}
