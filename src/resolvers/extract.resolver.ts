import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import type { ExtractJobPayload } from "../subscriptions/pubsub.js";
import { ExtractDefinition, ExtractJob } from "../schema/index.js";
import { toExtractJob } from "./extract-mappers.js";

@ArgsType()
class DefinitionArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "Encrypted DefinitionID (ExtractDefinition.id)." })
  definitionId!: string;
}

@ArgsType()
class JobArgs extends DefinitionArgs {
  @Field(() => ID, { description: "Encrypted JobID (ExtractJob.id)." })
  jobId!: string;
}

type Subscribe = SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>;

const followJob = ({ args, context }: Subscribe) => {
  const { companyId, definitionId, jobId } = args as unknown as JobArgs;
  return context.services.posting.jobs.follow(context.requireCaller(companyId), { companyId, definitionId, jobId });
};

/** Extracts (Professional Edition): definitions, their jobs, starting and following a job. */
@Resolver(() => ExtractDefinition)
export class ExtractResolver {
  @Query(() => [ExtractDefinition], { description: "The company's extract definitions (Extracts v1.0), optionally those whose name contains `name` (case-insensitive)." })
  async extractDefinitions(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("name", () => String, { nullable: true, description: "e.g. \"Standard Accounting Extract\" or \"Payment Request\" (the Invoice extract)." }) name: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ExtractDefinition[]> {
    const defs = await ctx.services.posting.files.listDefinitions(ctx.requireCaller(companyId), companyId);
    const wanted = name?.trim().toLowerCase();
    return defs.filter((d) => !wanted || d.name.toLowerCase().includes(wanted)).map((d) => ({ companyId, id: d.id, name: d.name }));
  }

  @Query(() => ExtractDefinition, { description: "One extract definition." })
  async extractDefinition(@Args(() => DefinitionArgs) { companyId, definitionId }: DefinitionArgs, @Ctx() ctx: GatewayContext): Promise<ExtractDefinition> {
    const def = await ctx.services.posting.files.getDefinition(ctx.requireCaller(companyId), companyId, definitionId);
    return { companyId, id: def.id, name: def.name };
  }

  @FieldResolver(() => [ExtractJob], { description: "The definition's last 100 jobs, newest first (jobs the customer's schedule ran included: pick those with a file)." })
  async jobs(@Root() def: ExtractDefinition, @Ctx() ctx: GatewayContext): Promise<ExtractJob[]> {
    const caller = ctx.requireCaller(def.companyId);
    const jobs = await ctx.services.posting.files.listJobs(caller, def.companyId, def.id);
    return jobs.map((job) => toExtractJob(ctx.services.posting.links, caller, def.companyId, job));
  }

  @Query(() => ExtractJob, { description: "A job's current status (the job status operation)." })
  async extractJob(@Args(() => JobArgs) { companyId, definitionId, jobId }: JobArgs, @Ctx() ctx: GatewayContext): Promise<ExtractJob> {
    const caller = ctx.requireCaller(companyId);
    const job = await ctx.services.posting.files.getJobStatus(caller, companyId, definitionId, jobId);
    return toExtractJob(ctx.services.posting.links, caller, companyId, job);
  }

  @Mutation(() => ExtractJob, { description: "Starts a job of the definition (role write). It begins QUEUED; follow it with extractJobChanged." })
  async startExtractJob(@Args(() => DefinitionArgs) { companyId, definitionId }: DefinitionArgs, @Ctx() ctx: GatewayContext): Promise<ExtractJob> {
    const caller = ctx.requireCaller(companyId, "write");
    const job = await ctx.services.posting.files.startJob(caller, companyId, definitionId);
    return toExtractJob(ctx.services.posting.links, caller, companyId, job);
  }

  @Subscription(() => ExtractJob, {
    description:
      "Follows a job: its current state at once, then each change (Queued -> Running -> Completed | Failed) until a final state, then completes. Fed by polling with backoff (one poll loop per job for all its subscribers); ends as TIMED_OUT at EXTRACT_FOLLOW_TIMEOUT_MS.",
    subscribe: followJob,
  })
  extractJobChanged(@Root() payload: ExtractJobPayload, @Args(() => JobArgs) _args: JobArgs, @Ctx() ctx: GatewayContext): ExtractJob {
    return toExtractJob(ctx.services.posting.links, ctx.requireCaller(payload.companyId), payload.companyId, payload);
  }
}
