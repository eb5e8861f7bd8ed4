import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { toListMapping, toMappings, toRequest } from "../datasources/index.js";
import type { WireListMapping } from "../datasources/index.js";
import { AccountingObjectType, Mappings, MappingsChangeEvent, Request, ResetRequestedEvent } from "../schema/index.js";
import type { MappingsChangedPayload, RequestStatusPayload, ResetRequestedPayload } from "../subscriptions/index.js";
import { followMappingChanges, followRequestStatuses, followResetRequests } from "../services/subscriptions.js";
import { ErpArgs } from "./args.js";

@ArgsType()
class RequestStatusArgs {
  @Field(() => ID, { description: "Concur company UUID (the company the bearer token belongs to)." })
  companyId!: string;

  @Field(() => ID, { nullable: true, description: "Only requests of this ERP integration." })
  erpId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this request (needs erpId). A request that already finished delivers its final status at once, then completes." })
  requestId?: string | null;
}

type Subscribe = SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>;

const requestStatuses = ({ args, context }: Subscribe) =>
  followRequestStatuses(context.services, context.requireCaller((args as unknown as RequestStatusArgs).companyId), args as unknown as RequestStatusArgs);

const mappingChanges = ({ args, context }: Subscribe) => {
  const { companyId, erpId } = args as unknown as ErpArgs;
  return followMappingChanges(context.services, context.requireCaller(companyId), companyId, erpId);
};

const resetRequests = ({ args, context }: Subscribe) => {
  const { companyId, erpId } = args as unknown as ErpArgs;
  return followResetRequests(context.services, context.requireCaller(companyId), companyId, erpId);
};

@Resolver(() => MappingsChangeEvent)
export class SubscriptionResolver {
  @Subscription(() => Request, {
    description:
      "Status changes of upload requests, from verified and de-duplicated ESS webhook events (polling Concur when none arrive). Never moves a request backwards.",
    subscribe: requestStatuses,
  })
  requestStatusChanged(@Root() payload: RequestStatusPayload, @Args(() => RequestStatusArgs) _args: RequestStatusArgs): Request {
    return toRequest(payload.companyId, payload.erpId, payload);
  }

  @Subscription(() => MappingsChangeEvent, {
    description: "The customer changed this ERP's mappings (mapping.updated, listMapping.created, listMapping.deleted).",
    subscribe: mappingChanges,
  })
  mappingsChanged(@Root() payload: MappingsChangedPayload, @Args(() => ErpArgs) _args: ErpArgs): MappingsChangeEvent {
    return {
      companyId: payload.companyId,
      erpId: payload.erpId,
      eventType: payload.eventType,
      createdListMappings: (payload.listMappings ?? []).map((mapping) => toListMapping(mapping as unknown as WireListMapping)),
      deletedListMappings: payload.deletedListMappings ?? [],
    };
  }

  @Subscription(() => ResetRequestedEvent, {
    description: "A Concur admin asked for this ERP's cached data to be resent (data.resetRequested).",
    subscribe: resetRequests,
  })
  resetRequested(@Root() payload: ResetRequestedPayload, @Args(() => ErpArgs) _args: ErpArgs): ResetRequestedEvent {
    return { companyId: payload.companyId, erpId: payload.erpId, objectTypes: payload.objectTypes as AccountingObjectType[] };
  }

  @FieldResolver(() => Mappings, { description: "The mappings after the change (read fresh from Concur)." })
  async mappings(@Root() event: MappingsChangeEvent, @Ctx() ctx: GatewayContext): Promise<Mappings> {
    return toMappings(event.companyId, event.erpId, await ctx.services.reader.getMappings(ctx.requireCaller(event.companyId), event.companyId, event.erpId));
  }
}
