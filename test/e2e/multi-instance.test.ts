// Two gateway replicas sharing a real Redis (pubsub, de-duplication, request statuses) and one Concur emulator:
// a webhook received by one replica reaches subscribers on the other, exactly once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import {
  MappingsChangedDocument,
  RequestStatusChangedDocument,
  RequestStatusChangedLightDocument,
  ResetRequestedDocument,
  UpsertAccountsDocument,
} from "../generated/graphql.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";


const STATUS_SUBSCRIPTION = RequestStatusChangedDocument;
const UPSERT_ACCOUNTS = UpsertAccountsDocument;

type StatusEvent = { requestStatusChanged: { requestId: string; status: string; errors: { edges: unknown[] } } };
const statusesOf = (sub: Subscriber<StatusEvent>) => sub.events.map((e) => e.requestStatusChanged.status);

const hasRedis = redisAvailable();

describe.skipIf(!hasRedis)("two gateway replicas sharing Redis", () => {
  let redis: RedisServer;
  let a: Stack;
  let b: Stack;
  const open: Subscriber<unknown>[] = [];
  const sub = (stack: Stack, requestId: string) => {
    const s = subscribe<StatusEvent>(stack.gateway.wsUrl, stack.token, STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
    open.push(s as Subscriber<unknown>);
    return s;
  };
  const webhookUrl = (stack: Stack) => `${stack.gateway.origin}/webhooks/concur`;
  const deliveries = async (): Promise<Array<{ eventId: string; eventType: string; url: string; status: number | null; outcome: string }>> =>
    (await a.admin("GET", "/webhooks/deliveries")).deliveries;

  /** A mutation through replica A while the emulator holds processing; returns its request id. */
  async function pausedMutationOnA(): Promise<string> {
    await a.admin("PUT", "/config", { processingPaused: true });
    const res = await a.graphql(UPSERT_ACCOUNTS, {
      companyId: a.companyId,
      erpId: a.erpId,
      accounts: [{ id: `ACC-MI-${randomUUID().slice(0, 8)}`, name: "Multi-instance", number: "71000", type: "EXPENSE" }],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.upsertAccounts.request.status).toBe("PROCESSING");
    return res.data.upsertAccounts.request.requestId;
  }

  beforeAll(async () => {
    redis = await startRedis();
    // The poll fallback is far away: every final status below travels webhook -> Redis -> subscriber.
    const env = { REDIS_URL: redis.url, POLL_FALLBACK_MS: "60000" };
    a = await startStack({ env });
    b = await startStack({ env, sharedEmulator: a.emulator, webhooks: false });
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it("webhook to replica A only, subscriber on replica B (mutation through A): exactly one delivery", async () => {
    a.emulator.setWebhookUrls([webhookUrl(a)]);
    try {
      const requestId = await pausedMutationOnA();
      const onB = sub(b, requestId);
      // B knows the PROCESSING that A recorded (shared Redis store): the replay proves B's subscriber is live.
      await waitFor(() => onB.events.length === 1, 5_000, "PROCESSING replay on B");
      expect(statusesOf(onB)).toEqual(["PROCESSING"]);
      const before = (await deliveries()).length;

      await a.admin("PUT", "/config", { processingPaused: false });
      await waitFor(() => onB.completed || onB.errors, 10_000, "B's subscription to complete");
      expect(onB.errors).toBeUndefined();
      expect(statusesOf(onB)).toEqual(["PROCESSING", "SUCCESS"]);
      expect(onB.events[1]!.requestStatusChanged).toMatchObject({ requestId, status: "SUCCESS", errors: { edges: [] } });

      const fresh = (await deliveries()).slice(before).filter((d) => d.eventType === "data.statusUpdated");
      expect(fresh.map((d) => [d.url, d.status])).toEqual([[webhookUrl(a), 202]]);
      expect(b.gateway.services.poller.size).toBe(0);
    } finally {
      await a.admin("PUT", "/config", { processingPaused: false });
    }
  });

  it("the same event delivered to both replicas: one 202, one duplicate, one delivery per subscriber on each replica", async () => {
    a.emulator.setWebhookUrls([webhookUrl(a), webhookUrl(b)]);
    await a.admin("PUT", "/faults", { webhookDuplicateRate: 1 });
    try {
      const requestId = await pausedMutationOnA();
      const subscribers = [sub(a, requestId), sub(a, requestId), sub(b, requestId), sub(b, requestId)];
      await waitFor(() => subscribers.every((s) => s.events.length === 1), 5_000, "PROCESSING replays");
      const before = (await deliveries()).length;

      await a.admin("PUT", "/config", { processingPaused: false });
      await waitFor(() => subscribers.every((s) => s.completed || s.errors), 10_000, "every subscription to complete");
      for (const s of subscribers) {
        expect(s.errors).toBeUndefined();
        expect(statusesOf(s)).toEqual(["PROCESSING", "SUCCESS"]);
      }

      // One event, 2 URLs x 2 copies: exactly one copy was accepted (202) across both replicas.
      await waitFor(async () => (await deliveries()).slice(before).length >= 4, 5_000, "4 deliveries");
      const fresh = (await deliveries()).slice(before).filter((d) => d.eventType === "data.statusUpdated");
      expect(new Set(fresh.map((d) => d.eventId)).size).toBe(1);
      expect(fresh.map((d) => d.status).sort()).toEqual([200, 200, 200, 202]);
      expect(new Set(fresh.map((d) => d.url))).toEqual(new Set([webhookUrl(a), webhookUrl(b)]));
    } finally {
      await a.admin("PUT", "/faults", { webhookDuplicateRate: 0 });
      await a.admin("PUT", "/config", { processingPaused: false });
    }
  });
  it("a client that leaves ends its Redis subscription at once (no listener kept until the next event)", async () => {
    const probe = new Redis(redis.url);
    try {
      const listeners = async (channel: string) => ((await probe.pubsub("NUMSUB", channel)) as [string, number])[1];
      const channels = [`MAPPINGS_CHANGED:${b.companyId}`, `RESET_REQUESTED:${b.companyId}`, `REQUEST_STATUS:${b.companyId}`];
      expect(await Promise.all(channels.map(listeners))).toEqual([0, 0, 0]);
      const variables = { companyId: b.companyId, erpId: b.erpId };
      const subs = [
        subscribe(b.gateway.wsUrl, b.token, MappingsChangedDocument, variables),
        subscribe(b.gateway.wsUrl, b.token, ResetRequestedDocument, variables),
        subscribe(b.gateway.wsUrl, b.token, RequestStatusChangedLightDocument, variables),
      ];
      await waitFor(async () => (await Promise.all(channels.map(listeners))).every((n) => n === 1), 5_000, "B to subscribe in Redis");
      await Promise.all(subs.map((s) => s.close()));
      await waitFor(async () => (await Promise.all(channels.map(listeners))).every((n) => n === 0), 5_000, "B to unsubscribe in Redis");
    } finally {
      probe.disconnect();
    }
  });
});
