// Two gateway replicas on one real Redis, Redis killed and restarted on the same port (issue 16 item 3):
// while it is down both replicas keep answering reads and writes (degraded: uncached, paced per replica), refuse
// webhooks with 503 so ESS retries them (nothing acknowledged and then lost), and deliver what they produce
// themselves (a poll of a request made on replica A) to their own subscribers; when it returns both recover without a
// restart: the shared cache, cross-replica delivery, shared pacing and 202 webhooks are back.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountsPageDocument, RequestStatusChangedDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const UPSERT_VENDORS = `mutation V($companyId: ID!, $erpId: ID!, $vendors: [VendorInput!]!) {
  upsertVendors(companyId: $companyId, erpId: $erpId, vendors: $vendors) { request { requestId status } sentIds }
}`;

type StatusEvent = { requestStatusChanged: { requestId: string; status: string } };
const statusesOf = (sub: Subscriber<StatusEvent>) => sub.events.map((e) => e.requestStatusChanged.status);
type Delivery = { eventId: string; eventType: string; url: string; status: number | null; outcome: string };

/** Generous bound for anything one caller waits for during the outage (upstream timeout below is 5 s). */
const BOUND_MS = 5_000;

describe.runIf(redisAvailable())("Redis outage under two replicas (killed and restarted on the same port)", () => {
  let redis: RedisServer;
  let revived: ChildProcess | undefined;
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    redis = await startRedis();
    // A polls a watched request soon (its own subscribers are served from its own polls); B never polls within
    // the test, so what B's subscribers get travels webhook -> some replica -> Redis -> B.
    const env = { REDIS_URL: redis.url, UPSTREAM_TIMEOUT_MS: "5000" };
    a = await startStack({ env: { ...env, POLL_FALLBACK_MS: "300" }, webhooks: false });
    b = await startStack({ env: { ...env, POLL_FALLBACK_MS: "60000" }, sharedEmulator: a.emulator, webhooks: false });
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
    if (revived && revived.exitCode === null && revived.signalCode === null) {
      await new Promise<void>((resolve) => {
        revived!.once("exit", () => resolve());
        revived!.kill("SIGTERM");
      });
    }
  });

  const webhookUrl = (stack: Stack) => `${stack.gateway.origin}/webhooks/concur`;
  const deliveries = async (): Promise<Delivery[]> => (await a.admin("GET", "/webhooks/deliveries")).deliveries;
  const statusDeliveries = async (since: number) => (await deliveries()).slice(since).filter((d) => d.eventType === "data.statusUpdated");
  const readyz = async (stack: Stack) => (await (await request(`${stack.gateway.origin}/readyz`)).body.json()) as { checks: { redis: string } };
  const redisErrors = async (stack: Stack): Promise<Record<string, number>> => {
    const text = await (await request(`${stack.gateway.origin}/metrics`)).body.text();
    const counts: Record<string, number> = {};
    for (const [, component, value] of text.matchAll(/^concur_graph_redis_errors_total\{component="(\w+)"\} (\d+(?:\.\d+)?)$/gm)) counts[component!] = Number(value);
    return counts;
  };
  const timed = async <T>(run: () => Promise<T>) => {
    const started = Date.now();
    const value = await run();
    return { value, ms: Date.now() - started };
  };
  const accounts = (stack: Stack, first: number) => stack.graphql(AccountsPageDocument, { companyId: stack.companyId, erpId: stack.erpId, first, after: null });
  const upsertAccount = (stack: Stack, id: string) =>
    stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id, name: `Outage ${id}`, type: "EXPENSE" }] });
  const upsertVendor = (stack: Stack, id: string) =>
    stack.graphql(UPSERT_VENDORS, { companyId: stack.companyId, erpId: stack.erpId, vendors: [{ id, type: "ACCOUNTING", currencyCode: "EUR", name: `Outage ${id}`, companyName: `${id} GmbH` }] });
  const subscribeTo = (stack: Stack, requestId: string) =>
    subscribe<StatusEvent>(stack.gateway.wsUrl, stack.token, RequestStatusChangedDocument, { companyId: stack.companyId, erpId: stack.erpId, requestId });
  const patches = async () => {
    const counters = await a.counters();
    return { accounts: sumCalls(counters, ROUTES.patchAccounts), vendors: sumCalls(counters, ROUTES.patchVendors), tooMany: sumCalls(counters, ROUTES.patchAccounts, "429") + sumCalls(counters, ROUTES.patchVendors, "429") };
  };

  /** redis-server again on the port the killed one had (same URL for both replicas). */
  async function restartRedis(): Promise<void> {
    const port = new URL(redis.url).port;
    const child = spawn("redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    revived = child;
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    await waitFor(() => output.includes("Ready to accept connections") || child.exitCode !== null, 10_000, "redis-server to start again");
    expect(child.exitCode).toBeNull();
  }

  it("both replicas answer while Redis is down, refuse webhooks with 503, and recover by themselves when it returns", async () => {
    // Warm: both replicas read the first page with Redis up (cached locally and in Redis).
    for (const stack of [a, b]) expect((await accounts(stack, 5)).errors).toBeUndefined();
    const errorsBefore = { a: await redisErrors(a), b: await redisErrors(b) };

    await redis.stop();
    await waitFor(async () => (await readyz(a)).checks.redis === "down" && (await readyz(b)).checks.redis === "down", BOUND_MS, "both replicas to see Redis down");

    // Reads: a cached page and an uncached one answer on both replicas, from the local tier or from Concur.
    for (const stack of [a, b]) {
      for (const first of [5, 7]) {
        const read = await timed(() => accounts(stack, first));
        expect(read.value.errors).toBeUndefined();
        expect(read.value.data.erpIntegration.accounts.edges).toHaveLength(first);
        expect(read.ms).toBeLessThan(BOUND_MS);
      }
    }

    // Writes: three in a row on each replica (A accounts, B vendors, at the same time). Each replica's insurance
    // limiter still paces its own endpoint, so Concur's one write per second per object type is never exceeded.
    await a.resetCounters();
    const [onA, onB] = await Promise.all(
      [
        { stack: a, write: upsertAccount, prefix: "OUT-A" },
        { stack: b, write: upsertVendor, prefix: "OUT-B" },
      ].map(async ({ stack, write, prefix }) => {
        const answers = [];
        for (let i = 1; i <= 3; i++) answers.push(await timed(() => write(stack, `${prefix}-${i}`)));
        return answers;
      }),
    );
    for (const [answers, field, prefix] of [[onA!, "upsertAccounts", "OUT-A"], [onB!, "upsertVendors", "OUT-B"]] as const) {
      answers.forEach((answer, i) => {
        expect(answer.value.errors).toBeUndefined();
        expect(answer.value.data[field].sentIds).toEqual([`${prefix}-${i + 1}`]);
        expect(answer.ms).toBeLessThan(BOUND_MS);
      });
    }
    expect(await patches()).toEqual({ accounts: 3, vendors: 3, tooMany: 0 });

    // The same object type on both replicas at once: without the shared limiter two PATCHes may meet within the
    // second; Concur's 429 is waited out, so both callers still get their requests (the documented degradation).
    const both = await timed(() => Promise.all([upsertAccount(a, "OUT-AB-1"), upsertAccount(b, "OUT-AB-2")]));
    expect(both.value.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(both.value.map((r) => r.data.upsertAccounts.sentIds)).toEqual([["OUT-AB-1"], ["OUT-AB-2"]]);
    expect(both.ms).toBeLessThan(2 * BOUND_MS);

    // Subscriptions: a request made on A while Concur holds processing, followed on both replicas.
    await a.admin("PUT", "/config", { processingPaused: true });
    try {
      const started = await upsertAccount(a, `OUT-SUB-${randomUUID().slice(0, 8)}`);
      expect(started.errors).toBeUndefined();
      const requestId: string = started.data.upsertAccounts.request.requestId;
      const subA = subscribeTo(a, requestId);
      const subB = subscribeTo(b, requestId);
      await waitFor(() => subA.events.length === 1 && subB.events.length === 1, BOUND_MS, "PROCESSING on both replicas");
      expect([statusesOf(subA), statusesOf(subB)]).toEqual([["PROCESSING"], ["PROCESSING"]]);

      // ESS posts the request's final status to B, and a reset request to both replicas. None can be
      // de-duplicated, so every POST is answered 503 and ESS keeps retrying (never 202 and then lost).
      a.emulator.setWebhookUrls([webhookUrl(b)]);
      const since = (await deliveries()).length;
      await a.admin("PUT", "/config", { processingPaused: false });
      await waitFor(async () => (await statusDeliveries(since)).some((d) => d.status === 503), BOUND_MS, "B to refuse the status event");
      a.emulator.setWebhookUrls([webhookUrl(a), webhookUrl(b)]);
      const { eventId: resetEvent } = await a.admin("POST", `/companies/${a.companyId}/erps/${a.erpId}/reset-requested`, { objectTypes: ["ACCOUNT"] });
      const resets = async () => (await deliveries()).slice(since).filter((d) => d.eventId === resetEvent);
      await waitFor(
        async () => {
          const answered = await resets();
          return [webhookUrl(a), webhookUrl(b)].every((url) => answered.some((d) => d.url === url && d.status === 503));
        },
        BOUND_MS,
        "both replicas to refuse the reset event",
      );

      // A's own poll finds the final status: A's subscriber gets it although Redis cannot carry it to anyone.
      await waitFor(() => subA.completed || subA.errors, BOUND_MS, "A's subscription to complete from A's poll");
      expect(subA.errors).toBeUndefined();
      expect(statusesOf(subA)).toEqual(["PROCESSING", "SUCCESS"]);
      // B neither polls nor accepted the event: it has nothing to deliver yet (checked once ESS retried a few
      // times, a condition, not a sleep).
      await waitFor(async () => (await statusDeliveries(since)).filter((d) => d.status === 503).length >= 3, 2 * BOUND_MS, "ESS retries during the outage");
      expect(statusesOf(subB)).toEqual(["PROCESSING"]);
      expect(subB.completed).toBe(false);
      const duringOutage = (await deliveries()).slice(since);
      expect(duringOutage.filter((d) => d.status !== null && d.status !== 503)).toEqual([]);

      // Redis back on the same port: ESS's retry is accepted by B, and B's subscriber gets the final status once.
      await restartRedis();
      await waitFor(async () => (await readyz(a)).checks.redis === "ok" && (await readyz(b)).checks.redis === "ok", 10_000, "both replicas to reconnect");
      await waitFor(() => subB.completed || subB.errors, 15_000, "B's subscription to complete from the retried event");
      expect(subB.errors).toBeUndefined();
      expect(statusesOf(subB)).toEqual(["PROCESSING", "SUCCESS"]);
      expect(statusesOf(subA)).toEqual(["PROCESSING", "SUCCESS"]);
      // (ESS logs its delivery once it has read the answer, which may be after B delivered the event.)
      const accepted = await waitFor(async () => {
        const answered = (await statusDeliveries(since)).filter((d) => d.status !== 503);
        return answered.length > 0 ? answered : undefined;
      }, BOUND_MS, "the retried status event to be answered");
      expect(accepted.map((d) => [d.url, d.status])).toEqual([[webhookUrl(b), 202]]);
      // The reset event: accepted exactly once across the replicas, the other copy answered duplicate.
      const resetAnswers = await waitFor(
        async () => {
          const answered = (await resets()).filter((d) => d.status !== 503);
          return answered.length === 2 ? answered : undefined;
        },
        15_000,
        "the retried reset event answered by both replicas",
      );
      expect(resetAnswers.map((d) => d.status).sort()).toEqual([200, 202]);
      await Promise.all([subA.close(), subB.close()]);
    } finally {
      await a.admin("PUT", "/config", { processingPaused: false });
    }

    // Every replica counted the Redis errors it degraded on.
    const errorsAfter = { a: await redisErrors(a), b: await redisErrors(b) };
    for (const replica of ["a", "b"] as const) {
      for (const component of ["cache", "pubsub", "limiter", "dedupe"]) {
        expect({ replica, component, moved: (errorsAfter[replica][component] ?? 0) > (errorsBefore[replica][component] ?? 0) }).toEqual({ replica, component, moved: true });
      }
    }
  }, 90_000);

  it("after Redis returned: shared cache, cross-replica delivery, shared pacing and 202 webhooks are back, without a restart", async () => {
    // The shared cache: a page A read is served to B from Redis (no second upstream GET).
    await a.resetCounters();
    expect((await accounts(a, 11)).errors).toBeUndefined();
    await waitFor(async () => {
      // A's write to the shared tier is not awaited by its reader: wait until B's read is a hit, then count.
      await b.resetCounters();
      expect((await accounts(b, 11)).errors).toBeUndefined();
      return sumCalls(await a.counters(), ROUTES.accounts) === 0;
    }, BOUND_MS, "B to read A's page from the shared cache");

    // Shared pacing: the same object type on both replicas at once, no 429.
    await a.resetCounters();
    const both = await Promise.all([upsertAccount(a, "BACK-AB-1"), upsertAccount(b, "BACK-AB-2")]);
    expect(both.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(await patches()).toEqual({ accounts: 2, vendors: 0, tooMany: 0 });

    // Cross-replica delivery: mutation on A, webhook to A only, subscriber on B (which never polls here).
    a.emulator.setWebhookUrls([webhookUrl(a)]);
    await a.admin("PUT", "/config", { processingPaused: true });
    const probe = new Redis(redis.url);
    try {
      const started = await upsertAccount(a, `BACK-SUB-${randomUUID().slice(0, 8)}`);
      expect(started.errors).toBeUndefined();
      const requestId = started.data.upsertAccounts.request.requestId;
      const subB = subscribeTo(b, requestId);
      await waitFor(() => subB.events.length === 1, BOUND_MS, "PROCESSING on B");
      // B's Redis subscription is in place (the event must travel A -> Redis -> B).
      await waitFor(async () => ((await probe.pubsub("NUMSUB", `REQUEST_STATUS:${b.companyId}`)) as [string, number])[1] >= 1, BOUND_MS, "B subscribed in Redis");
      const since = (await deliveries()).length;
      await a.admin("PUT", "/config", { processingPaused: false });
      await waitFor(() => subB.completed || subB.errors, 10_000, "B's subscription to complete");
      expect(subB.errors).toBeUndefined();
      expect(statusesOf(subB)).toEqual(["PROCESSING", "SUCCESS"]);
      // Only A was posted to, and it accepted (no 503 once Redis is back).
      const fresh = await statusDeliveries(since);
      expect(fresh.length).toBeGreaterThan(0);
      expect(new Set(fresh.map((d) => `${d.url} ${d.status}`))).toEqual(new Set([`${webhookUrl(a)} 202`]));
    } finally {
      probe.disconnect();
      await a.admin("PUT", "/config", { processingPaused: false });
    }
  }, 60_000);
});
