import { Repeater } from "@graphql-yoga/subscription";
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { badInput } from "../errors.js";
import { toListMapping, toMappings, toRequest } from "../concur/index.js";
import type { WireListMapping } from "../concur/index.js";
import { AccountingObjectType, Mappings, MappingsChangeEvent, Request, ResetRequestedEvent } from "../schema/index.js";
import { isFinalStatus, type MappingsChangedPayload, type RequestStatusPayload, type ResetRequestedPayload } from "../events/index.js";
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

/**
 * The tenant check of every subscription: the caller's token must be accepted by Concur for this company
 * (and ERP). The answer is cached per token, so this costs one upstream call per caller, not per subscription.
 */
async function authorize({ requireCaller, services }: GatewayContext, companyId: string, erpId?: string | null) {
  const caller = requireCaller();
  if (erpId) await services.reader.getErp(caller, companyId, erpId);
  else await services.reader.listErps(caller, companyId);
  return caller;
}

// The subscribe functions set up eagerly and return the pubsub's Repeater (not an async generator): graphql-ws
// calls return() when a client leaves, and an async generator waiting inside `yield*` only runs its finally after
// the next event, so a departed subscriber kept its listener and its request's poll loop until then (forever for
// a request that stays PROCESSING). A Repeater ends at once on return().

async function requestStatuses({ args, context }: SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>): Promise<AsyncIterable<RequestStatusPayload>> {
  const { companyId, erpId, requestId } = args as unknown as RequestStatusArgs;
  if (requestId && !erpId) throw badInput("requestStatusChanged: requestId needs erpId (the ERP the request belongs to).", { field: "erpId" });
  const caller = await authorize(context, companyId, erpId);
  const { tracker, reader, poller } = context.services;
  let unwatch: (() => void) | undefined;
  if (requestId && erpId) {
    // No race with the mutation: unless a final status is known, ask Concur once (it may have finished with no
    // event seen, e.g. ESS not set up); a final status is then delivered at once instead of after the poll delay.
    const known = await tracker.latest(companyId, erpId, requestId);
    if (!known || !isFinalStatus(known.status)) {
      const status = await reader.getRequest(caller, companyId, erpId, requestId);
      await tracker.record({ companyId, erpId, requestId, status: status.status as RequestStatusPayload["status"] });
    }
    // Where ESS is not set up (or slow), poll; shared by all subscribers of this request.
    unwatch = poller.watch({ companyId, erpId, requestId }, caller.authorization);
  }
  const source = tracker.subscribe(companyId, { erpId: erpId ?? undefined, requestId: requestId ?? undefined });
  if (!unwatch) return source;
  const stopWatching = unwatch;
  return new Repeater<RequestStatusPayload>(async (push, stop) => {
    // Client gone (return()) or stream finished: stop this watcher's polling and end the source.
    void stop.then(() => {
      stopWatching();
      void source.return();
    });
    for await (const payload of source) await push(payload);
    stop();
  });
}

async function mappingChanges({ args, context }: SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>): Promise<AsyncIterable<MappingsChangedPayload>> {
  const { companyId, erpId } = args as unknown as ErpArgs;
  await authorize(context, companyId, erpId);
  return context.services.pubsub.subscribe("MAPPINGS_CHANGED", companyId, (event) => event.erpId === erpId);
}

async function resetRequests({ args, context }: SubscribeResolverData<unknown, Record<string, unknown>, GatewayContext>): Promise<AsyncIterable<ResetRequestedPayload>> {
  const { companyId, erpId } = args as unknown as ErpArgs;
  await authorize(context, companyId, erpId);
  return context.services.pubsub.subscribe("RESET_REQUESTED", companyId, (event) => event.erpId === erpId);
}

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
    return toMappings(event.companyId, event.erpId, await ctx.services.reader.getMappings(ctx.requireCaller(), event.companyId, event.erpId));
  }
}
