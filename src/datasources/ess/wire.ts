// Wire shapes of the ESS v4 management API ([MGMT], [ESS-SW]) and tolerant readers (spec §8: GET one answers an array
// with one subscription or a single object).

/** PUT /events/v4/subscriptions/webhook body (`PublicWebhookSubscriptionApiAdapter`). */
export interface WireSubscriptionInput {
  id: string;
  topic: string;
  filter?: string;
  webHookConfig: { endpoint: string };
}

/** A subscription as M3/M4 answer it (read-only fields besides the input's). */
export interface EssSubscription {
  id: string;
  topic: string;
  filter?: string;
  endpoint?: string;
  applicationId?: string;
  /** Companies whose events are delivered; `[".*"]` = all. Kept by count outside the client layer. */
  companyIds: string[];
  groups: string[];
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** One subscription from its wire form; undefined when it has no id. */
export function readSubscription(value: unknown): EssSubscription | undefined {
  const o = obj(value);
  if (!o || typeof o.id !== "string") return undefined;
  const config = obj(o.webHookConfig);
  return {
    id: o.id,
    topic: typeof o.topic === "string" ? o.topic : "",
    filter: typeof o.filter === "string" ? o.filter : undefined,
    endpoint: typeof config?.endpoint === "string" ? config.endpoint : undefined,
    applicationId: typeof o.applicationId === "string" ? o.applicationId : undefined,
    companyIds: strings(o.companyIds).map((id) => id.toLowerCase()),
    groups: strings(o.groups),
  };
}

/** A list answer (M3), or M4's array-with-one / single object: every readable subscription. */
export function readSubscriptions(body: unknown): EssSubscription[] {
  const items = Array.isArray(body) ? body : obj(body) ? [body] : [];
  return items.map(readSubscription).filter((s): s is EssSubscription => s !== undefined);
}

/** M1: a JSON array of topic names. */
export function readTopics(body: unknown): string[] {
  return strings(body);
}
