// How ESS events reach the gateway, at the HTTP edge: the /readyz detail and the metrics (the GraphQL field is
// src/resolvers/event-delivery.resolver.ts). The state itself is services/ess-subscriptions.ts's.
import type { EventDeliveryCheck } from "./health.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { Services } from "../services/index.js";
import type { EssState } from "../services/ess-subscriptions.js";

/** The /readyz detail: mode, reason, each data center's state and error (no company ids). */
export function eventDeliveryCheck(state: EssState): EventDeliveryCheck {
  return {
    mode: state.mode,
    ...(state.reason ? { reason: state.reason } : {}),
    dataCenters: state.dataCenters.map((dc) => ({ name: dc.name, state: dc.state, ...(dc.error ? { error: dc.error } : {}) })),
  };
}

/** Gauges read when scraped: subscriptions held, data centers subscribed and failing, and whether events fall back to polling. */
export function watchEventDelivery(metrics: GatewayMetrics, services: Pick<Services, "eventDelivery">): void {
  const state = () => services.eventDelivery.state();
  metrics.watch("ess_subscriptions", "ESS subscriptions the gateway manages (all data centers), as the last round found them.", () => state().dataCenters.reduce((n, dc) => n + dc.subscriptions.length, 0));
  metrics.watch("ess_data_centers_subscribed", "Data centers whose ESS subscriptions are in place (ESS_MANAGE).", () => state().dataCenters.filter((dc) => dc.state === "SUBSCRIBED").length);
  metrics.watch("ess_data_centers_failed", "Data centers where the gateway could not subscribe (their companies' events come by polling).", () => state().dataCenters.filter((dc) => dc.state === "FAILED").length);
  metrics.watch("ess_polling_fallback", "1 while managed ESS delivery falls back to polling (see GraphQL eventDelivery.reason), else 0.", () => (state().mode === "POLLING" ? 1 : 0));
}
