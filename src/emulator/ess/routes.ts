import type { TokenGrant } from "../core/auth.js";
import type { CoreContext } from "../core/context.js";
import { HttpError } from "../core/errors.js";
import { header } from "../core/guards.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { EssSettings } from "./settings.js";
import { ESS_LIMITS, SCOPE_TOPIC_READ, TOPIC_SCOPES } from "./limits.js";
import { publicView, type EssStore, type StoredSubscription } from "./store.js";

export const ESS_BASE = "/events/v4";
export const ESS_ROUTES = {
  topics: `${ESS_BASE}/topics`,
  subscriptions: `${ESS_BASE}/subscriptions`,
  webhook: `${ESS_BASE}/subscriptions/webhook`,
  one: `${ESS_BASE}/subscriptions/{id}`,
} as const;

export interface EssContext extends CoreContext {
  ess: EssStore;
  essSettings: EssSettings;
}

/** An ESS management failure: `{"message": …}` with the status (error bodies are not documented, spec Q3). */
class EssError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type EssHandler = (req: RequestContext, app: TokenGrant) => Promise<Reply> | Reply;

/**
 * The ESS v4 management API (spec §2, M1–M5 and M3'): every call needs an **app token** issued at this data center
 * (401 otherwise); subscriptions are the calling app's in this data center. The injected failure
 * (`/_emulator/ess/config` `failWith`) answers every management call with that status before anything else.
 */
export function addEssRoutes(router: Router, ctx: EssContext): void {
  const add = (method: string, template: string, handler: EssHandler) =>
    router.add({
      method,
      template,
      kind: "concur",
      handler: async (req) => {
        ctx.ess.count(req.site.name, `${method} ${template}`);
        try {
          const failWith = ctx.essSettings.failWith;
          if (failWith !== null) throw new EssError(failWith, `ESS is unavailable (injected ${failWith})`);
          sweepUnused(ctx);
          return await handler(req, appToken(ctx, req));
        } catch (error) {
          if (error instanceof EssError) return { status: error.status, body: { message: error.message } };
          if (error instanceof HttpError) return { status: error.status, body: { message: error.message } };
          throw error;
        }
      },
    });

  // M1: the topics this app may subscribe to; with only events.topic.read, none ([ESS]).
  add("GET", ESS_ROUTES.topics, (_req, app) => {
    if (!app.scopes.includes(SCOPE_TOPIC_READ)) throw new EssError(403, `The app token lacks the scope ${SCOPE_TOPIC_READ}`);
    return { status: 200, body: Object.keys(TOPIC_SCOPES).filter((topic) => app.scopes.includes(TOPIC_SCOPES[topic])) };
  });

  // M2: create or update ("upsert") by id.
  add("PUT", ESS_ROUTES.webhook, async (req, app) => {
    const input = await readSubscription(req);
    const needed = TOPIC_SCOPES[input.topic];
    if (needed === undefined) throw new EssError(400, `Unknown topic '${input.topic}'`);
    if (!app.scopes.includes(needed)) throw new EssError(403, `Subscribing to ${input.topic} needs the scope ${needed}`);
    const site = req.site.name;
    const existing = ctx.ess.subscriptions.get(input.id);
    if (existing && (existing.applicationId !== app.clientId || existing.site !== site)) {
      throw new EssError(400, `Subscription id '${input.id}' is already taken`);
    }
    if (!existing && ctx.ess.ofApp(app.clientId, site).filter((s) => !s.deleting).length >= ESS_LIMITS.subscriptionsPerApp) {
      throw new EssError(400, `Subscription limit reached: at most ${ESS_LIMITS.subscriptionsPerApp} subscriptions per application`);
    }
    if (existing) {
      // Saving a subscription marked for deletion keeps it [INFERRED].
      if (existing.deleting && existing.deleting !== true) ctx.timers.clear(existing.deleting);
      existing.deleting = undefined;
      existing.topic = input.topic;
      existing.filter = input.filter;
      existing.webHookConfig = { endpoint: input.endpoint };
    } else {
      // ESS fills companyIds with the companies connected to the app in this data center ([GUIDE]).
      const companyIds = [...ctx.ess.connectedCompanies(app.clientId)].filter((id) => ctx.companies.get(id)?.dataCenter === site);
      ctx.ess.subscriptions.set(input.id, {
        id: input.id,
        topic: input.topic,
        filter: input.filter,
        webHookConfig: { endpoint: input.endpoint },
        applicationId: app.clientId,
        companyIds,
        groups: [],
        scope: "",
        site,
        createdAt: ctx.now(),
      });
    }
    return { status: 200, body: { message: `Subscription '${input.id}' saved successfully` } };
  });

  // M3 and M3' (the Postman collection's path): every subscription of the app in this data center.
  const list: EssHandler = (req, app) => ({ status: 200, body: ctx.ess.ofApp(app.clientId, req.site.name).map(publicView) });
  add("GET", ESS_ROUTES.subscriptions, list);
  add("GET", ESS_ROUTES.webhook, list);

  // M4: an array with one subscription ([MGMT]); `?form=object` answers the swagger's single object (spec §8).
  add("GET", ESS_ROUTES.one, (req, app) => {
    const sub = own(ctx, req, app);
    const view = publicView(sub);
    return { status: 200, body: ctx.essSettings.singleObject ? view : [view] };
  });

  // M5: asynchronous deletion.
  add("DELETE", ESS_ROUTES.one, (req, app) => {
    const sub = own(ctx, req, app);
    if (!sub.deleting) {
      sub.deleting = ctx.timers.set(() => {
        if (ctx.ess.subscriptions.get(sub.id) === sub) ctx.ess.subscriptions.delete(sub.id);
      }, ctx.essSettings.deletionDelayMs) ?? true;
    }
    return { status: 200, body: { message: `Subscription '${sub.id}' marked for deletion` } };
  });
}

/** The app token of the call: 401 unless it is a live app token issued at this data center. */
function appToken(ctx: EssContext, req: RequestContext): TokenGrant {
  const grant = ctx.tokens.authenticate(header(req, "authorization"));
  if (!grant.app) throw new EssError(401, "ESS management needs an app token (client_credentials grant), not a company token");
  if (grant.app.site !== req.site.name) throw new EssError(401, `The app token was issued in data center ${grant.app.site}; get one from ${req.site.url}/oauth2/v0/token`);
  return grant;
}

function own(ctx: EssContext, req: RequestContext, app: TokenGrant): StoredSubscription {
  const sub = ctx.ess.subscriptions.get(req.params.id);
  // Another app's (or another data center's) subscription is not this app's to see [INFERRED].
  if (!sub || sub.applicationId !== app.clientId || sub.site !== req.site.name) throw new EssError(404, `Subscription '${req.params.id}' not found`);
  return sub;
}

interface SubscriptionInput {
  id: string;
  topic: string;
  filter?: string;
  endpoint: string;
}

async function readSubscription(req: RequestContext): Promise<SubscriptionInput> {
  let body: unknown;
  try {
    body = JSON.parse((await req.body()).toString("utf8"));
  } catch {
    throw new EssError(400, "Request body must be JSON (PublicWebhookSubscriptionApiAdapter)");
  }
  const b = (body !== null && typeof body === "object" && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const { id, topic, filter } = b;
  if (typeof id !== "string" || id === "") throw new EssError(400, "id is required");
  if (id.length > ESS_LIMITS.subscriptionIdMaxLength || !ESS_LIMITS.subscriptionIdPattern.test(id)) {
    throw new EssError(400, `id '${id.slice(0, 300)}' is invalid: lowercase letters, digits, '.' and '-' only`);
  }
  if (typeof topic !== "string" || topic === "") throw new EssError(400, "topic is required");
  if (filter !== undefined && filter !== null && typeof filter !== "string") throw new EssError(400, "filter must be a string (a regular expression over eventType)");
  if (typeof filter === "string") {
    try {
      new RegExp(filter);
    } catch {
      throw new EssError(400, `filter '${filter}' is not a valid regular expression`);
    }
  }
  const config = b.webHookConfig as Record<string, unknown> | undefined;
  const endpoint = config && typeof config === "object" ? config.endpoint : undefined;
  if (typeof endpoint !== "string" || endpoint === "") throw new EssError(400, "webHookConfig.endpoint is required");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new EssError(400, `webHookConfig.endpoint '${endpoint}' is not a URL`);
  }
  // Concur requires public HTTPS; the emulator also takes http:// so tests run without TLS [INFERRED].
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new EssError(400, "webHookConfig.endpoint must be an https URL");
  return { id, topic, filter: typeof filter === "string" ? filter : undefined, endpoint };
}

/** [ESS] subscriptions without companyIds are deleted after 30 days (measured on the emulator's clock). */
function sweepUnused(ctx: EssContext): void {
  const now = ctx.now();
  for (const sub of ctx.ess.subscriptions.values()) {
    if (sub.companyIds.length === 0 && now - sub.createdAt >= ESS_LIMITS.unusedSubscriptionTtlMs) ctx.ess.subscriptions.delete(sub.id);
  }
}

/** Where an event goes: the endpoints of live subscriptions of its topic, filter and company in the company's data center. */
export function subscribedEndpoints(ctx: EssContext, event: { eventType: string; topic?: string; facts?: { companyId?: string } }): string[] {
  const companyId = event.facts?.companyId?.toLowerCase();
  if (!event.topic || !companyId) return [];
  const home = ctx.companies.get(companyId)?.dataCenter;
  const out: string[] = [];
  for (const sub of ctx.ess.subscriptions.values()) {
    if (sub.deleting || sub.topic !== event.topic || sub.site !== home) continue;
    if (!sub.companyIds.includes(companyId) && !sub.companyIds.includes(".*")) continue;
    if (!filterMatches(sub.filter, event.eventType)) continue;
    out.push(sub.webHookConfig.endpoint);
  }
  return out;
}

/** [INFERRED Q6] the filter is a Java-style regex matched against the whole eventType. */
function filterMatches(filter: string | undefined, eventType: string): boolean {
  if (filter === undefined || filter === "") return true;
  try {
    return new RegExp(`^(?:${filter})$`).test(eventType);
  } catch {
    return false;
  }
}
