import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { toRequest } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { RecentRequest } from "../schema/index.js";

const MAX_RECENT = 200;

@Resolver(() => RecentRequest)
export class RecentRequestResolver {
  @Query(() => [RecentRequest], {
    description: `Write requests (accounts, vendors, list names, tax data) this replica saw lately for the company, newest first: bounded memory (200 per company, 24 h), empty after a restart. Follow one with requestStatusChanged; read its rejected records with request(...) { errors }.`,
  })
  recentRequests(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("first", () => Int, { defaultValue: 50, description: `How many: 1-${MAX_RECENT}.` }) first: number,
    @Ctx() ctx: GatewayContext,
  ): RecentRequest[] {
    if (first < 1 || first > MAX_RECENT) throw new CodedError(ErrorCode.BAD_USER_INPUT, `recentRequests.first must be 1-${MAX_RECENT}, got ${first}.`, { field: "first" });
    ctx.requireCaller(companyId);
    return ctx.services.recentRequests.list(companyId, first).map((seen) => ({
      request: toRequest(seen.companyId, seen.erpId, { requestId: seen.requestId, status: seen.status }),
      firstSeenAt: new Date(seen.firstSeenAt).toISOString(),
      updatedAt: new Date(seen.updatedAt).toISOString(),
    }));
  }
}
