import { spawnSync } from "node:child_process";
import { constants, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Keyv from "keyv";
import KeyvRedis from "@keyv/redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { ACCOUNTING_TOPIC } from "../../src/datasources/accounting/events.js";
import { createEventIngest } from "../../src/subscriptions/ingest.js";
import { createOnceStore } from "../../src/subscriptions/once-store.js";
import { channelOf, createGatewayPubSub, type RequestStatusPayload } from "../../src/subscriptions/pubsub.js";
import { RequestStatusTracker } from "../../src/subscriptions/request-status.js";
import { createWebhookHandler, type WebhookHandler } from "../../src/subscriptions/webhook.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait.js";

const hasRedis = spawnSync("which", ["redis-server"]).status === 0;
if (!hasRedis) {
  console.warn(
    "\n!!! SKIPPING webhook-redis tests: `redis-server` is not on PATH. Cross-replica pubsub and dedupe are NOT tested.\n" +
      "!!! Install it (apt-get install -y redis-server) so CI runs them.\n",
  );
}

const logger = createLogger("silent");

describe.skipIf(!hasRedis)("subscriptions across two replicas sharing Redis", () => {
  let redis: RedisServer;
  let redisUrl: string;
  let admin: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    redisUrl = redis.url;
    admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    admin.on("error", () => undefined);
    await waitFor(async () => {
      try {
        if (admin.status === "wait") await admin.connect();
        return (await admin.ping()) === "PONG";
      } catch {
        return false;
      }
    });
  });

  // Replicas and webhook servers a test starts are closed by the cleanup registry after that test.
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  const subscribers = async (channel: string) => Number(((await admin.pubsub("NUMSUB", channel)) as [string, number])[1]);

  const replica = () => {
    const pubsub = createGatewayPubSub({ redisUrl, logger });
    const store = new Keyv(new KeyvRedis(redisUrl));
    registerCleanup("a replica's pubsub", () => pubsub.close());
    registerCleanup("a replica's Redis store", () => store.disconnect());
    return { pubsub, store };
  };

  it("publishes on one GatewayPubSub and delivers exactly once on another", async () => {
    const a = replica();
    const b = replica();
    const companyId = randomUUID();
    const other = b.pubsub.subscribe("RESET_REQUESTED", randomUUID());
    const mine = b.pubsub.subscribe("RESET_REQUESTED", companyId);
    const received: unknown[] = [];
    const otherReceived: unknown[] = [];
    const reading = (async () => {
      for await (const payload of mine) {
        received.push(payload);
        if (payload.objectTypes.includes("TAX")) break; // sentinel
      }
    })();
    void (async () => {
      for await (const payload of other) otherReceived.push(payload);
    })();
    await waitFor(async () => (await subscribers(channelOf("RESET_REQUESTED", companyId))) === 1);

    a.pubsub.publish("RESET_REQUESTED", { companyId, erpId: "e1", objectTypes: ["ACCOUNT"] });
    // Redis keeps one publisher's order on a channel: once the sentinel is in, no duplicate can still come.
    a.pubsub.publish("RESET_REQUESTED", { companyId, erpId: "e1", objectTypes: ["TAX"] });
    await reading;
    expect(received).toEqual([
      { companyId, erpId: "e1", objectTypes: ["ACCOUNT"] },
      { companyId, erpId: "e1", objectTypes: ["TAX"] },
    ]);
    expect(otherReceived).toEqual([]);
    await other.return();
  });

  it("set-if-absent is atomic across replicas (@keyv/redis)", async () => {
    const stores = [replica().store, replica().store].map((store) => createOnceStore(store));
    const key = `test:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2].setIfAbsent(key, String(i), 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await stores[0].get(key)).toBe(String(winner));
    expect(await stores[1].get(key)).toBe(String(winner));
    // Stored raw by SET NX PX (the atomic path), with a TTL, not through keyv's read-then-write.
    const raw = (await admin.keys(`*once:${key}`))[0];
    expect(await admin.get(raw)).toBe(String(winner));
    expect(await admin.pttl(raw)).toBeGreaterThan(0);
  });

  it("a webhook delivered to both replicas reaches a subscriber on the other replica exactly once", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const start = async () => {
      const { pubsub, store } = replica();
      const tracker = new RequestStatusTracker({ store, pubsub });
      const ingest = createEventIngest({ tracker, pubsub, logger, onMappingsChanged: async () => undefined });
      const handler: WebhookHandler = createWebhookHandler({ publicKeyPem, maxBodyBytes: 64 * 1024, dedupe: store, onEvent: ingest, logger });
      const server: Server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      registerCleanup("a replica's webhook server", async () => {
        await handler.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      return { tracker, pubsub, handler, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/concur` };
    };
    const one = await start();
    const two = await start();

    const companyId = randomUUID();
    const erpId = randomUUID();
    const requestId = randomUUID();
    const received: RequestStatusPayload[] = [];
    const reading = (async () => {
      for await (const payload of two.tracker.subscribe(companyId, { erpId, requestId })) received.push(payload);
    })();
    await waitFor(async () => (await subscribers(channelOf("REQUEST_STATUS", companyId))) === 1);

    const body = JSON.stringify({
      id: randomUUID(),
      eventType: "data.statusUpdated",
      topic: ACCOUNTING_TOPIC,
      facts: { companyId, erpId, data: { requestId, status: "ERROR", _links: { errors: { href: "/v4/errs" } } } },
    });
    const signature = sign("sha256", Buffer.from(body), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");
    const post = (url: string) => fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "concur-signature": signature } });
    // The same event to both replicas at once (ESS delivers with many threads): one wins the dedupe claim.
    const statuses = (await Promise.all([post(one.url), post(two.url)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 202]);
    await reading; // completes after the final status
    await Promise.all([one.handler.drain(), two.handler.drain()]);
    expect(received).toEqual([{ companyId, erpId, requestId, status: "ERROR", errorsHref: "/v4/errs" }]);
    // Both replicas see the stored status.
    expect((await one.tracker.latest(companyId, erpId, requestId))?.status).toBe("ERROR");
  });
});
