import { constants, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { ACCOUNTING_TOPIC, type EssEvent } from "../../src/datasources/accounting/events.js";
import { createEventIngest } from "../../src/subscriptions/ingest.js";
import { createGatewayPubSub, type GatewayPubSub, type Topic, type TopicPayloads } from "../../src/subscriptions/pubsub.js";
import { RequestStatusTracker } from "../../src/subscriptions/request-status.js";
import { createWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from "../../src/subscriptions/webhook.js";
import { waitFor } from "../helpers/wait.js";

const logger = createLogger("silent");
const concur = generateKeyPairSync("rsa", { modulusLength: 2048 });
const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicKeyPem = concur.publicKey.export({ type: "spki", format: "pem" }).toString();
const MAX_BYTES = 8 * 1024;
const C = randomUUID();
const E = randomUUID();

const signBody = (body: string, key: KeyObject = concur.privateKey) =>
  sign("sha256", Buffer.from(body), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");

const statusEvent = (requestId: string, status = "SUCCESS", id = randomUUID()) =>
  JSON.stringify({
    id,
    correlationId: randomUUID(),
    eventType: "data.statusUpdated",
    topic: ACCOUNTING_TOPIC,
    subtopic: null,
    timeStamp: new Date().toISOString(),
    facts: { companyId: C, erpId: E, partnerId: "p", data: { requestId, status, _links: { errors: { href: `/v4/companies/${C}/requests/${requestId}/errors` } } } },
  });

interface Harness {
  url: string;
  handler: WebhookHandler;
  published: { topic: Topic; payload: TopicPayloads[Topic] }[];
  events: EssEvent[];
  mappingInvalidations: string[];
  close(): Promise<void>;
}

async function startHarness(overrides: Partial<WebhookHandlerOptions> = {}): Promise<Harness> {
  const real = createGatewayPubSub();
  const published: Harness["published"] = [];
  const pubsub: GatewayPubSub = {
    publish: (topic, payload) => {
      published.push({ topic, payload });
      real.publish(topic, payload);
    },
    subscribe: real.subscribe.bind(real),
    listen: real.listen.bind(real),
    close: real.close.bind(real),
  };
  const tracker = new RequestStatusTracker({ store: new Keyv(), pubsub });
  const mappingInvalidations: string[] = [];
  const ingest = createEventIngest({ tracker, pubsub, logger, onMappingsChanged: async (c, e) => void mappingInvalidations.push(`${c}:${e}`) });
  const events: EssEvent[] = [];
  const handler = createWebhookHandler({
    publicKeyPem,
    maxBodyBytes: MAX_BYTES,
    dedupe: new Keyv(),
    logger,
    onEvent: async (event) => {
      events.push(event);
      await ingest(event);
    },
    ...overrides,
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/concur`,
    handler,
    published,
    events,
    mappingInvalidations,
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pubsub.close();
    },
  };
}

const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers: { "content-type": "application/json", ...headers } });

describe("ESS webhook over HTTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("accepts a signed event with 202 and publishes it once; a redelivery gets 200 and is not re-published", async () => {
    const requestId = randomUUID();
    const body = statusEvent(requestId, "PARTIAL");
    const signature = signBody(body);
    const first = await post(h.url, body, { "concur-signature": signature, "concur-correlationid": "corr-1" });
    expect(first.status).toBe(202);
    await waitFor(() => h.published.some((p) => (p.payload as { requestId?: string }).requestId === requestId));
    const second = await post(h.url, body, { "concur-signature": signature });
    expect(second.status).toBe(200);
    await h.handler.drain();
    const mine = h.published.filter((p) => (p.payload as { requestId?: string }).requestId === requestId);
    expect(mine).toEqual([
      { topic: "REQUEST_STATUS", payload: { companyId: C, erpId: E, requestId, status: "PARTIAL", errorsHref: `/v4/companies/${C}/requests/${requestId}/errors` } },
    ]);
  });

  it("the same status under a new event id (ESS re-publish) is still published once", async () => {
    const requestId = randomUUID();
    for (const body of [statusEvent(requestId, "SUCCESS"), statusEvent(requestId, "SUCCESS"), statusEvent(requestId, "PROCESSING")]) {
      expect((await post(h.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
    }
    await h.handler.drain();
    expect(h.published.filter((p) => (p.payload as { requestId?: string }).requestId === requestId)).toHaveLength(1);
  });

  it("answers before processing and drain() waits for acknowledged work", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const processed: string[] = [];
    const slow = await startHarness({
      onEvent: async (event) => {
        await gate;
        processed.push(event.id);
      },
    });
    try {
      const body = statusEvent(randomUUID());
      const response = await post(slow.url, body, { "concur-signature": signBody(body) });
      expect(response.status).toBe(202);
      expect(slow.handler.inFlight).toBe(1);
      expect(processed).toHaveLength(0);
      const drained = slow.handler.drain();
      release();
      await drained;
      expect(processed).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it("rejects a forged or missing signature with 401 and publishes nothing", async () => {
    const before = h.published.length;
    const body = statusEvent(randomUUID());
    expect((await post(h.url, body, { "concur-signature": signBody(body, forger.privateKey) })).status).toBe(401);
    expect((await post(h.url, body)).status).toBe(401);
    expect((await post(h.url, body, { "concur-signature": "garbage!!" })).status).toBe(401);
    // A signature over another body does not carry over.
    expect((await post(h.url, body, { "concur-signature": signBody(statusEvent(randomUUID())) })).status).toBe(401);
    await h.handler.drain();
    expect(h.published.length).toBe(before);
    // The rejected event id was not marked: the genuine delivery still goes through.
    expect((await post(h.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
  });

  it("rejects a body over maxBodyBytes with 413", async () => {
    const body = JSON.stringify({ padding: "x".repeat(MAX_BYTES) });
    const response = await post(h.url, body, { "concur-signature": signBody(body) });
    expect(response.status).toBe(413);
  });

  it("rejects a chunked body (no content-length) once it passes maxBodyBytes", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(h.url, { method: "POST", headers: { "content-type": "application/json", "concur-signature": "x" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may close the socket while we still write: only the status matters.
      req.on("error", (error) => (req.writableEnded ? undefined : reject(error)));
      req.write("x".repeat(MAX_BYTES / 2));
      req.write("x".repeat(MAX_BYTES / 2));
      req.end("x");
    });
    expect(status).toBe(413);
  });

  it("retries a failing onEvent after acknowledging; drain() covers the retries", async () => {
    let attempts = 0;
    const flaky = await startHarness({
      onEvent: () => {
        attempts += 1;
        if (attempts < 3) throw new Error("redis hiccup");
      },
    });
    try {
      const body = statusEvent(randomUUID());
      expect((await post(flaky.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
      await flaky.handler.drain();
      expect(attempts).toBe(3);
    } finally {
      await flaky.close();
    }
  });

  it("answers 500 (ESS retries) when mounted behind a body parser that consumed the stream", async () => {
    const server = createServer((req, res) => {
      (req as { body?: unknown }).body = {};
      h.handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const body = statusEvent(randomUUID());
      const response = await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, body, { "concur-signature": signBody(body) });
      expect(response.status).toBe(500);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("rejects malformed JSON and non-events with 400, publishing nothing", async () => {
    const before = h.published.length;
    for (const body of ["{not json", JSON.stringify({ hello: "world" }), JSON.stringify({ ...JSON.parse(statusEvent(randomUUID())), topic: "public.test" })]) {
      const response = await post(h.url, body, { "concur-signature": signBody(body) });
      expect(response.status).toBe(400);
    }
    await h.handler.drain();
    expect(h.published.length).toBe(before);
  });

  it("routes mapping events: invalidates the ERP's mappings, then publishes MAPPINGS_CHANGED", async () => {
    const body = JSON.stringify({ id: randomUUID(), eventType: "mapping.updated", topic: ACCOUNTING_TOPIC, facts: { companyId: C, erpId: E } });
    expect((await post(h.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
    await h.handler.drain();
    expect(h.mappingInvalidations).toContain(`${C}:${E}`);
    expect(h.published.at(-1)).toEqual({ topic: "MAPPINGS_CHANGED", payload: { companyId: C, erpId: E, eventType: "mapping.updated" } });
  });

  it("publishes RESET_REQUESTED from the documented string form", async () => {
    const body = JSON.stringify({ id: randomUUID(), eventType: "data.resetRequested", topic: ACCOUNTING_TOPIC, facts: { companyId: C, erpId: E, data: '{"accountingObjects":["ACCOUNT","LIST"]}' } });
    expect((await post(h.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
    await h.handler.drain();
    expect(h.published.at(-1)).toEqual({ topic: "RESET_REQUESTED", payload: { companyId: C, erpId: E, objectTypes: ["ACCOUNT", "LIST"] } });
  });

  it("acknowledges an unknown event type (no retry storm) and ignores it", async () => {
    const before = h.published.length;
    const eventsBefore = h.events.length;
    const body = JSON.stringify({ id: randomUUID(), eventType: "erp.unregistered", topic: ACCOUNTING_TOPIC, facts: { companyId: C, erpId: E } });
    expect((await post(h.url, body, { "concur-signature": signBody(body) })).status).toBe(202);
    await h.handler.drain();
    expect(h.published.length).toBe(before);
    expect(h.events.length).toBe(eventsBefore);
  });

  it("refuses every event with 503 when no public key is configured", async () => {
    const keyless = await startHarness({ publicKeyPem: undefined });
    try {
      const body = statusEvent(randomUUID());
      expect((await post(keyless.url, body, { "concur-signature": signBody(body) })).status).toBe(503);
      await keyless.handler.drain();
      expect(keyless.published).toHaveLength(0);
      expect(keyless.events).toHaveLength(0);
    } finally {
      await keyless.close();
    }
  });

  it("answers 405 to anything but POST", async () => {
    expect((await fetch(h.url)).status).toBe(405);
  });
});
