import type { ApiInstance, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import { addEssAdminRoutes } from "./admin.routes.js";
import { addEssRoutes, subscribedEndpoints, type EssContext } from "./routes.js";
import { startEssSettings } from "./settings.js";
import { EssStore } from "./store.js";

export { ESS_LIMITS, SCOPE_TOPIC_READ, TOPIC_SCOPES, DEFAULT_APP_SCOPES } from "./limits.js";
export { ESS_BASE, ESS_ROUTES } from "./routes.js";
export type { EssSettings } from "./settings.js";

/**
 * Event Subscription Service v4 (docs/emulator/ess-v4.md): the management API with app tokens, the 5-per-app limit,
 * companies joining subscriptions when they obtain a company token, delivery of each event to the subscriptions of
 * its topic, filter and company, and signing-key rotation.
 */
export function essApi(): EmulatedApi {
  return {
    name: "ess-v4",
    // ESS scopes belong to app tokens, not to company tokens.
    scopes: [],
    install: (core, router) => installEss(core, router),
  };
}

function installEss(core: CoreContext, router: Router): ApiInstance {
  const essSettings = startEssSettings();
  const ctx: EssContext = Object.assign(Object.create(core) as CoreContext, { ess: new EssStore(), essSettings });
  core.appTokenScopes = (_clientId, site) => {
    ctx.ess.count(site.name, "POST /oauth2/v0/token client_credentials");
    return essSettings.appScopes;
  };
  core.companyTokenIssued.push((companyId, clientId) => ctx.ess.companyConnected(clientId, companyId, core.companies.get(companyId)?.dataCenter));
  core.webhookTargets.push((event) => subscribedEndpoints(ctx, event));
  addEssRoutes(router, ctx);
  addEssAdminRoutes(router, ctx);
  return {
    reset: () => {
      ctx.ess.clear();
      Object.assign(essSettings, startEssSettings());
    },
  };
}
