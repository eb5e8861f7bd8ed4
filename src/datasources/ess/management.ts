// The ESS v4 management API (spec §2, M1–M5), called with an app token at a data center's management base URL.
// Every call is sent once (the orchestration retries whole rounds later); non-2xx answers become EssManagementError
// with Concur's `message` (error bodies are undocumented, spec Q3).
import type { Caller } from "../client/caller.js";
import type { ConcurClient, HttpMethod } from "../client/pipeline.js";
import { EssManagementError } from "./errors.js";
import { ESS_PATHS } from "./paths.js";
import { readSubscriptions, readTopics, type EssSubscription, type WireSubscriptionInput } from "./wire.js";

export interface EssManagement {
  topics(baseUrl: string, token: string): Promise<string[]>;
  /** M2: create or update by id. */
  save(baseUrl: string, token: string, subscription: WireSubscriptionInput): Promise<void>;
  /** M3: the app's subscriptions in this data center. */
  list(baseUrl: string, token: string): Promise<EssSubscription[]>;
  /** M4: one subscription (array or object answer); undefined on 404. */
  get(baseUrl: string, token: string, id: string): Promise<EssSubscription | undefined>;
  /** M5: marks it for deletion (Concur deletes asynchronously). A 404 counts as deleted. */
  remove(baseUrl: string, token: string, id: string): Promise<void>;
}

const SYSTEM: Caller = { authorization: "", key: "concur-graph:ess-management" };

export function createEssManagement(client: ConcurClient): EssManagement {
  async function call<T>(operation: string, method: HttpMethod, baseUrl: string, token: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<{ status: number; body: T }> {
    const res = await client
      .request<T>({
        method,
        path,
        baseUrl,
        authorization: `Bearer ${token}`,
        caller: SYSTEM,
        body,
        retry: { retries: 0, minTimeoutMs: 0, max429Waits: 2 },
        throwOnError: false,
        returnStatuses: [500, 502, 503, 504],
      })
      .catch((error: unknown) => {
        throw new EssManagementError(operation, undefined, error instanceof Error ? error.message : String(error));
      });
    if ((res.status >= 200 && res.status < 300) || okStatuses.includes(res.status)) return { status: res.status, body: res.body };
    throw new EssManagementError(operation, res.status, messageOf(res.body));
  }

  return {
    async topics(baseUrl, token) {
      return readTopics((await call<unknown>("topics", "GET", baseUrl, token, ESS_PATHS.topics)).body);
    },
    async save(baseUrl, token, subscription) {
      await call("save", "PUT", baseUrl, token, ESS_PATHS.saveWebhook, subscription);
    },
    async list(baseUrl, token) {
      return readSubscriptions((await call<unknown>("list", "GET", baseUrl, token, ESS_PATHS.list)).body);
    },
    async get(baseUrl, token, id) {
      const res = await call<unknown>("get", "GET", baseUrl, token, ESS_PATHS.one(id), undefined, [404]);
      return res.status === 404 ? undefined : readSubscriptions(res.body).find((s) => s.id === id);
    },
    async remove(baseUrl, token, id) {
      await call("delete", "DELETE", baseUrl, token, ESS_PATHS.one(id), undefined, [404]);
    },
  };
}

/** Concur's `message` (or `errorMessage`), shortened; never echoes anything we sent. */
function messageOf(body: unknown): string {
  const o = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const text = typeof o.message === "string" ? o.message : typeof o.errorMessage === "string" ? o.errorMessage : typeof body === "string" ? body : "";
  return text.slice(0, 200) || "no message";
}
