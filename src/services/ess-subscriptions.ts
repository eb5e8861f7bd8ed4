// ESS subscriptions managed by the gateway (docs/ess-subscriptions.md; facts in /work/shared/concur/event-subscriptions.md
// §2 and §4.1): for every data center where a connected company lives, an app token (client_credentials), then one
// subscription per topic the enabled features need, `<prefix>.<topic>.<data center>`, pointing at PUBLIC_URL +
// WEBHOOK_PATH. Rounds run at start, when a company connects or disconnects, after a failure (backing off) and every
// check interval; each is idempotent (a subscription already as wanted is not saved again). What cannot be subscribed
// leaves those companies on polling, with the reason in the state (GraphQL `eventDelivery`, /readyz, metrics).
import type { Dispatcher } from "undici";
import type { EssConfig, ResolvedGatewayConfig } from "../config.js";
import type { ConnectionManager } from "../connections/manager.js";
import type { AppTokenSource, EssManagement, EssSubscription, EssTopic } from "../datasources/index.js";
import { createAppTokenSource, createConcurClient, createEssManagement, ESS_TOPICS, EssManagementError } from "../datasources/index.js";
import type { Logger } from "../logger.js";

/** How events reach the gateway: ESS subscriptions it manages, polling (with the reason), or subscriptions it does not manage. */
export type EventDeliveryMode = "ESS" | "POLLING" | "UNMANAGED";

/** A data center's subscriptions, as the last round left them. */
export type DataCenterState = "PENDING" | "SUBSCRIBED" | "FAILED";

export interface EssSubscriptionView {
  id: string;
  topic: string;
  filter?: string;
  /** How many companies ESS delivers for (its `companyIds`); null when it delivers for every company (`.*`). */
  companies: number | null;
}

export interface EssDataCenterView {
  /** Short name (`us2`, `eu2`), also the end of the subscription ids. */
  name: string;
  /** The companies' geolocation: where the app token is asked for. */
  baseUrl: string;
  state: DataCenterState;
  /** Connected companies of the gateway living there. */
  connectedCompanies: number;
  subscriptions: EssSubscriptionView[];
  /** Why the last round failed here (the companies there are polled). */
  error?: string;
  checkedAt?: number;
}

export interface EssState {
  mode: EventDeliveryMode;
  /** Why events are not (all) pushed: shown wherever the mode is. */
  reason?: string;
  /** What is subscribed (PUBLIC_URL + WEBHOOK_PATH); undefined when not managed. */
  webhookUrl?: string;
  topics: string[];
  dataCenters: EssDataCenterView[];
  lastRoundAt?: number;
  nextRoundAt?: number;
}

/** What a round needs to know of a connection (managed mode's connection manager has it). */
export interface EssConnection {
  companyId: string;
  geolocation: string;
}

export interface EssSubscriptionsOptions {
  config: EssConfig;
  /** PUBLIC_URL + WEBHOOK_PATH. */
  webhookUrl: string;
  appTokens: AppTokenSource;
  management: EssManagement;
  /** The stored connections (every state: a company that must reconnect is still the app's in Concur). */
  connections: () => Promise<EssConnection[]>;
  logger: Logger;
  /** After every round (metrics read the state when scraped; this is for tests and logs). */
  onRound?: (state: EssState) => void;
  now?: () => number;
}

export interface EssSubscriptions {
  /** Runs the first round (not awaited by the gateway's start) and schedules the next ones. */
  start(): void;
  /** Runs a round now (after the one running, if any) and resolves with the state it left. */
  reconcile(): Promise<EssState>;
  /** A company connected or disconnected: a round soon. */
  connectionChanged(): void;
  state(): EssState;
  close(): Promise<void>;
}

/** The limit Concur sets per application ([ESS]: "≤5 subscriptions per application"; per data center, Q4). */
export const SUBSCRIPTIONS_PER_APP = 5;

/** `us2` of https://us2.api.concursolutions.com; host and port, dashed, for anything else (the emulator's 127.0.0.1:port). */
export function dataCenterName(baseUrl: string): string {
  const { hostname, port } = new URL(baseUrl);
  const labels = hostname.toLowerCase().split(".");
  if (labels.length >= 3 && /[a-z]/.test(labels[0]) && !port) return labels[0].replace(/[^a-z0-9-]/g, "-");
  return `${hostname}${port ? `-${port}` : ""}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

/** The state of a gateway that does not manage subscriptions (ESS_MANAGE off). */
export function unmanagedState(reason: string): EssState {
  return { mode: "UNMANAGED", reason, topics: [], dataCenters: [] };
}

export function createEssSubscriptions(options: EssSubscriptionsOptions): EssSubscriptions {
  const { config, webhookUrl, appTokens, management, logger } = options;
  const now = options.now ?? Date.now;
  const topics: EssTopic[] = config.topics.map((key) => ESS_TOPICS[key]);
  const idOf = (topic: EssTopic, dc: string) => `${config.subscriptionPrefix}.${topic.key}.${dc}`;
  const ours = (id: string) => id.startsWith(`${config.subscriptionPrefix}.`);
  const dataCenters = new Map<string, EssDataCenterView>();
  let state: EssState = { mode: "POLLING", reason: "ESS subscriptions not checked yet", webhookUrl, topics: topics.map((t) => t.topic), dataCenters: [] };
  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<EssState> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  /** One management step with the data center's app token; a 401 gets a new token once. */
  async function withToken<T>(baseUrl: string, step: (managementBaseUrl: string, token: string) => Promise<T>): Promise<T> {
    const token = await appTokens.get(baseUrl);
    try {
      return await step(token.managementBaseUrl, token.accessToken);
    } catch (error) {
      if (!(error instanceof EssManagementError) || error.status !== 401) throw error;
      appTokens.forget(baseUrl);
      const fresh = await appTokens.get(baseUrl);
      return step(fresh.managementBaseUrl, fresh.accessToken);
    }
  }

  /** Makes the data center's subscriptions what the features need; throws with the reason when it cannot. */
  async function ensure(view: EssDataCenterView): Promise<void> {
    await withToken(view.baseUrl, async (base, token) => {
      const listed = await management.topics(base, token);
      const missing = topics.filter((t) => !listed.includes(t.topic));
      const available = topics.filter((t) => listed.includes(t.topic));
      let existing = await management.list(base, token);
      // Ours that no feature needs any more (ESS_TOPICS narrowed) free their slot first.
      const wantedIds = new Set(available.map((t) => idOf(t, view.name)));
      for (const stale of existing.filter((s) => ours(s.id) && s.id.endsWith(`.${view.name}`) && !wantedIds.has(s.id))) {
        await management.remove(base, token, stale.id);
        existing = existing.filter((s) => s.id !== stale.id);
      }
      let saved = 0;
      for (const topic of available) {
        const id = idOf(topic, view.name);
        const current = existing.find((s) => s.id === id);
        if (current && current.topic === topic.topic && current.filter === topic.filter && current.endpoint === webhookUrl) continue;
        if (!current && existing.length >= SUBSCRIPTIONS_PER_APP) {
          throw new EssManagementError("save", undefined, `Concur allows ${SUBSCRIPTIONS_PER_APP} subscriptions per app in ${view.name} and ${existing.length} exist (${existing.map((s) => s.id).join(", ")}); delete one the app no longer needs`);
        }
        await management.save(base, token, { id, topic: topic.topic, filter: topic.filter, webHookConfig: { endpoint: webhookUrl } });
        saved += 1;
        existing = [...existing.filter((s) => s.id !== id), { id, topic: topic.topic, filter: topic.filter, endpoint: webhookUrl, companyIds: [], groups: [] }];
      }
      // Read back what was saved (spec §4.1: verify with M3); unchanged ones were just listed.
      if (saved > 0) existing = await management.list(base, token);
      view.subscriptions = available.map((t) => existing.find((s) => s.id === idOf(t, view.name))).filter((s): s is EssSubscription => s !== undefined).map(viewOf);
      const notSaved = available.filter((t) => !existing.some((s) => s.id === idOf(t, view.name) && s.endpoint === webhookUrl));
      if (notSaved.length > 0) throw new EssManagementError("list", undefined, `saved subscriptions are not listed: ${notSaved.map((t) => idOf(t, view.name)).join(", ")}`);
      if (missing.length > 0) {
        // A token's scopes are fixed when it is issued: the next round asks for a new one, so scopes the app gains count.
        appTokens.forget(view.baseUrl);
        throw new EssManagementError("topics", undefined, `the app may not subscribe to ${missing.map((t) => `${t.topic} (needs scope ${t.scope} and events.topic.read)`).join(", ")}`);
      }
    });
  }

  /** No connected company lives there any more: our subscriptions go (they would count against the 5). */
  async function retire(view: EssDataCenterView): Promise<void> {
    await withToken(view.baseUrl, async (base, token) => {
      for (const sub of view.subscriptions) await management.remove(base, token, sub.id);
    });
  }

  async function round(): Promise<EssState> {
    const connections = await options.connections();
    const inUse = new Map<string, number>();
    for (const c of connections) {
      const base = originOf(c.geolocation);
      if (base) inUse.set(base, (inUse.get(base) ?? 0) + 1);
    }
    for (const [baseUrl, count] of inUse) {
      const view = dataCenters.get(baseUrl) ?? { name: dataCenterName(baseUrl), baseUrl, state: "PENDING" as DataCenterState, connectedCompanies: 0, subscriptions: [] };
      view.connectedCompanies = count;
      dataCenters.set(baseUrl, view);
    }
    for (const view of [...dataCenters.values()]) {
      const checkedAt = now();
      if (!inUse.has(view.baseUrl)) {
        try {
          await retire(view);
          dataCenters.delete(view.baseUrl);
          logger.info({ dataCenter: view.name }, "ESS subscriptions removed: no connected company lives there any more");
        } catch (error) {
          Object.assign(view, { connectedCompanies: 0, state: "FAILED", error: reasonOf(error), checkedAt });
        }
        continue;
      }
      try {
        await ensure(view);
        const wasFailing = view.state !== "SUBSCRIBED";
        Object.assign(view, { state: "SUBSCRIBED", error: undefined, checkedAt });
        if (wasFailing) logger.info({ dataCenter: view.name, subscriptions: view.subscriptions.map((s) => s.id) }, "ESS subscriptions in place");
      } catch (error) {
        Object.assign(view, { state: "FAILED", error: reasonOf(error), checkedAt });
        logger.warn({ dataCenter: view.name, reason: view.error }, "ESS subscriptions could not be made; that data center's companies are polled");
      }
    }
    const views = [...dataCenters.values()].map((v) => ({ ...v, subscriptions: [...v.subscriptions] }));
    const failed = views.filter((v) => v.state === "FAILED");
    let mode: EventDeliveryMode = "ESS";
    let reason: string | undefined;
    if (failed.length > 0) {
      mode = "POLLING";
      reason = failed.map((v) => `${v.name}: ${v.error}`).join("; ");
    } else if (views.length === 0) {
      mode = "POLLING";
      reason = "no company is connected yet: there is no data center to subscribe in";
    }
    failures = failed.length > 0 ? failures + 1 : 0;
    return { mode, reason, webhookUrl, topics: topics.map((t) => t.topic), dataCenters: views, lastRoundAt: now() };
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    const delay = failures > 0 ? Math.min(config.retryMs * 2 ** (failures - 1), config.checkIntervalMs) : config.checkIntervalMs;
    state = { ...state, nextRoundAt: now() + delay };
    timer = setTimeout(() => void reconcile(), delay);
    timer.unref();
  }

  function reconcile(): Promise<EssState> {
    if (closed) return Promise.resolve(state);
    // Rounds never overlap; requests made while one runs share the single round that follows it.
    if (queued) return queued;
    const next = chain.then(async () => {
      queued = undefined;
      try {
        state = await round();
      } catch (error) {
        failures += 1;
        state = { ...state, mode: "POLLING", reason: reasonOf(error), lastRoundAt: now() };
        logger.warn({ reason: state.reason }, "ESS subscription round failed");
      }
      schedule();
      options.onRound?.(state);
      return state;
    });
    queued = next;
    chain = next.catch(() => undefined);
    return next;
  }

  return {
    start() {
      void reconcile();
    },
    reconcile,
    connectionChanged() {
      void reconcile();
    },
    state: () => state,
    async close() {
      closed = true;
      clearTimeout(timer);
      await chain;
    },
  };
}

function viewOf(s: EssSubscription): EssSubscriptionView {
  return { id: s.id, topic: s.topic, filter: s.filter, companies: s.companyIds.includes(".*") ? null : s.companyIds.length };
}

function originOf(geolocation: string): string | undefined {
  try {
    return new URL(geolocation).origin;
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof EssManagementError) return error.message;
  return `ESS subscription round failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** What the rest of the gateway sees: the state (GraphQL, /readyz, metrics) and the triggers. */
export interface EventDelivery {
  state(): EssState;
  /** The first round, once the gateway listens (ESS may post at once). */
  start(): void;
  connectionChanged(): void;
  /** A round now (tests, operators); resolves with its state. */
  reconcile(): Promise<EssState>;
  close(): Promise<void>;
}

/** Builds the managed subscriptions when configured (`ESS_MANAGE`), else a fixed state that says why not. */
export function createEventDelivery(
  config: ResolvedGatewayConfig,
  deps: { dispatcher: Dispatcher; logger: Logger; connections?: ConnectionManager; onRound?: (state: EssState) => void },
): EventDelivery {
  const publicUrl = config.files.publicUrl;
  const notManaged = (state: EssState): EventDelivery => ({ state: () => state, start() {}, connectionChanged() {}, reconcile: async () => state, close: async () => {} });
  if (!config.ess.manage || !config.managed || !deps.connections || !publicUrl) {
    const why = !config.managed
      ? "passthrough mode: the gateway holds no app credentials"
      : !publicUrl
        ? "PUBLIC_URL is not set: there is no public webhook URL to subscribe"
        : "ESS_MANAGE=off";
    return notManaged(
      unmanagedState(`${why}. The gateway does not manage ESS subscriptions: subscribe ${publicUrl ?? "<PUBLIC_URL>"}${config.webhook.path} yourself (README, Subscriptions), or request statuses and FIS documents arrive only by polling.`),
    );
  }
  const connections = deps.connections;
  const client = createConcurClient({ baseUrl: config.concurBaseUrl, timeoutMs: config.upstreamTimeoutMs, dispatcher: deps.dispatcher, logger: deps.logger });
  const subscriptions = createEssSubscriptions({
    config: config.ess,
    webhookUrl: `${publicUrl}${config.webhook.path}`,
    appTokens: createAppTokenSource({ client, clientId: config.managed.clientId, clientSecret: config.managed.clientSecret }),
    management: createEssManagement(client),
    connections: async () => (await connections.list()).map((c) => ({ companyId: c.companyId, geolocation: c.geolocation })),
    logger: deps.logger.child({ component: "ess-subscriptions" }),
    onRound: deps.onRound,
  });
  return subscriptions;
}
