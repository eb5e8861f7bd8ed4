// Starting a subscription: the tenant check against Concur, then the event source. For one request's status:
// its current status first (so a finished request answers at once), then tracker events, with a shared poll watch
// where ESS is not set up or slow.
import { Repeater } from "@graphql-yoga/subscription";
import { isFinalStatus, type Caller, type ConcurReader } from "../datasources/index.js";
import { badInput } from "../errors.js";
import type { GatewayPubSub, MappingsChangedPayload, RequestStatusPayload, RequestStatusTracker, ResetRequestedPayload, StatusPoller } from "../subscriptions/index.js";

/** What the subscription services need. */
export interface SubscriptionDeps {
  reader: ConcurReader;
  tracker: RequestStatusTracker;
  poller: StatusPoller<Caller>;
  pubsub: GatewayPubSub;
}

/**
 * The tenant check of every subscription: the caller's token must be accepted by Concur for this company (and
 * ERP). The answer is cached per token, so this costs one upstream call per caller, not per subscription.
 */
async function authorize(deps: SubscriptionDeps, caller: Caller, companyId: string, erpId?: string | null): Promise<void> {
  if (erpId) await deps.reader.getErp(caller, companyId, erpId);
  else await deps.reader.listErps(caller, companyId);
}

// The subscribe functions set up eagerly and return the pubsub's Repeater (not an async generator): graphql-ws
// calls return() when a client leaves, and an async generator waiting inside `yield*` only runs its finally after
// the next event, so a departed subscriber kept its listener and its request's poll loop until then (forever for
// a request that stays PROCESSING). A Repeater ends at once on return().

/** Status changes of a company's requests (of one ERP, or one request). */
export async function followRequestStatuses(
  deps: SubscriptionDeps,
  caller: Caller,
  { companyId, erpId, requestId }: { companyId: string; erpId?: string | null; requestId?: string | null },
): Promise<AsyncIterable<RequestStatusPayload>> {
  if (requestId && !erpId) throw badInput("requestStatusChanged: requestId needs erpId (the ERP the request belongs to).", { field: "erpId" });
  await authorize(deps, caller, companyId, erpId);
  const { tracker, reader, poller } = deps;
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
    unwatch = poller.watch({ companyId, erpId, requestId }, caller);
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

/** Mapping changes of one ERP integration. */
export async function followMappingChanges(deps: SubscriptionDeps, caller: Caller, companyId: string, erpId: string): Promise<AsyncIterable<MappingsChangedPayload>> {
  await authorize(deps, caller, companyId, erpId);
  return deps.pubsub.subscribe("MAPPINGS_CHANGED", companyId, (event) => event.erpId === erpId);
}

/** Reset requests of one ERP integration. */
export async function followResetRequests(deps: SubscriptionDeps, caller: Caller, companyId: string, erpId: string): Promise<AsyncIterable<ResetRequestedPayload>> {
  await authorize(deps, caller, companyId, erpId);
  return deps.pubsub.subscribe("RESET_REQUESTED", companyId, (event) => event.erpId === erpId);
}
