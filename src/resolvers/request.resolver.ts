import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { toProcessingError, toRequest } from "../datasources/index.js";
import { ConnectionArgs, ProcessingErrorConnection, Request } from "../schema/index.js";
import { ErpArgs, mapConnection } from "./args.js";

@Resolver(() => Request)
export class RequestResolver {
  @Query(() => Request, { description: "Status of an upload request (accounts, vendors, list names, tax data)." })
  async request(
    @Args(() => ErpArgs) { companyId, erpId }: ErpArgs,
    @Arg("requestId", () => ID, { description: "Request UUID returned by a mutation." }) requestId: string,
    @Ctx() { requireCaller, services }: GatewayContext,
  ): Promise<Request> {
    return toRequest(companyId, erpId, await services.reader.getRequest(requireCaller(companyId), companyId, erpId, requestId));
  }

  @FieldResolver(() => ProcessingErrorConnection, { description: "Records of this request that failed, with the reasons. Empty while PROCESSING or on SUCCESS." })
  async errors(@Root() request: Request, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<ProcessingErrorConnection> {
    const { companyId, erpId, requestId } = request;
    const page = await ctx.services.reader.requestErrors(ctx.requireCaller(companyId), { companyId, erpId, requestId }, args);
    return mapConnection(page, (error) => toProcessingError(companyId, erpId, requestId, error));
  }
}
