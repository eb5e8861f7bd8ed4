import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { CompanyEditionInfo } from "../schema/index.js";
import { toEditionInfo } from "./extract-mappers.js";

/** A company's edition and the posting channel a front-end should offer. */
@Resolver(() => CompanyEditionInfo)
export class ExtractEditionResolver {
  @Query(() => CompanyEditionInfo, {
    description: "The company's edition (Accounting mappings first, then Profile v1) and its posting channel (FIS when enabled, else extract for Professional, payment batch for Standard). Cached; checked again weekly.",
  })
  async companyEdition(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("refresh", () => Boolean, { defaultValue: false, description: "Check again now instead of using the cached answer." }) refresh: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<CompanyEditionInfo> {
    return toEditionInfo(await ctx.services.posting.editions.get(ctx.requireCaller(companyId), companyId, { refresh }));
  }
}
