import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { EventDelivery, EssDataCenterState, EventDeliveryMode } from "../schema/index.js";
import type { EssState } from "../services/ess-subscriptions.js";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function toEventDelivery(state: EssState): EventDelivery {
  return {
    mode: state.mode as EventDeliveryMode,
    reason: state.reason ?? null,
    webhookUrl: state.webhookUrl ?? null,
    topics: state.topics,
    dataCenters: state.dataCenters.map((dc) => ({
      name: dc.name,
      baseUrl: dc.baseUrl,
      state: dc.state as EssDataCenterState,
      connectedCompanies: dc.connectedCompanies,
      subscriptions: dc.subscriptions.map((s) => ({ id: s.id, topic: s.topic, filter: s.filter ?? null, companies: s.companies })),
      error: dc.error ?? null,
      checkedAt: iso(dc.checkedAt),
    })),
    lastCheckedAt: iso(state.lastRoundAt),
    nextCheckAt: iso(state.nextRoundAt),
  };
}

/** The gateway's ESS delivery: managed subscriptions per data center or the reason for polling (no company's data: counts only). */
@Resolver(() => EventDelivery)
export class EventDeliveryResolver {
  @Query(() => EventDelivery, { description: "How ESS events reach this gateway: ESS subscriptions it manages per data center, or why it falls back to polling. Any authenticated caller (managed mode)." })
  eventDelivery(@Ctx() ctx: GatewayContext): EventDelivery {
    // Gateway-wide and company-free (counts, no ids), so any authenticated caller may read it; passthrough mode has no
    // gateway callers and shows only why nothing is managed.
    if (ctx.services.connections) ctx.requireIdentity("read");
    return toEventDelivery(ctx.services.eventDelivery.state());
  }
}
