import Keyv from "keyv";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayPubSub, type GatewayPubSub, type RequestStatusPayload, type Topic, type TopicPayloads } from "../../src/subscriptions/pubsub.js";
import { RequestStatusTracker } from "../../src/subscriptions/request-status.js";
import { waitFor } from "../helpers/wait.js";

const C = "company-1";
const E = "erp-1";

function recordingPubSub() {
  const real = createGatewayPubSub();
  const published: { topic: Topic; payload: TopicPayloads[Topic] }[] = [];
  const pubsub: GatewayPubSub = {
    publish(topic, payload) {
      published.push({ topic, payload });
      real.publish(topic, payload);
    },
    subscribe: real.subscribe.bind(real),
    listen: real.listen.bind(real),
    close: real.close.bind(real),
  };
  return { pubsub, published };
}

const status = (requestId: string, s: RequestStatusPayload["status"], companyId = C): RequestStatusPayload => ({ companyId, erpId: E, requestId, status: s });

describe("RequestStatusTracker", () => {
  let closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.map((close) => close()));
    closers = [];
  });
  const setup = () => {
    const { pubsub, published } = recordingPubSub();
    closers.push(() => pubsub.close());
    return { tracker: new RequestStatusTracker({ store: new Keyv(), pubsub }), published, pubsub };
  };

  it("publishes forward moves: PROCESSING then a final", async () => {
    const { tracker, published } = setup();
    expect(await tracker.record(status("r1", "PROCESSING"))).toBe(true);
    expect(await tracker.record(status("r1", "PROCESSING"))).toBe(false);
    expect(await tracker.record({ ...status("r1", "PARTIAL"), errorsHref: "/v4/errors" })).toBe(true);
    expect(published.map((p) => (p.payload as RequestStatusPayload).status)).toEqual(["PROCESSING", "PARTIAL"]);
    expect(await tracker.latest(C, E, "r1")).toEqual({ ...status("r1", "PARTIAL"), errorsHref: "/v4/errors" });
  });

  it("drops a late PROCESSING after a final", async () => {
    const { tracker, published } = setup();
    expect(await tracker.record(status("r1", "SUCCESS"))).toBe(true);
    expect(await tracker.record(status("r1", "PROCESSING"))).toBe(false);
    expect(published).toHaveLength(1);
    expect((await tracker.latest(C, E, "r1"))?.status).toBe("SUCCESS");
  });

  it("keeps the first of two different finals, and publishes a repeated final once", async () => {
    const { tracker, published } = setup();
    expect(await tracker.record(status("r1", "ERROR"))).toBe(true);
    expect(await tracker.record(status("r1", "SUCCESS"))).toBe(false);
    expect(await tracker.record(status("r1", "ERROR"))).toBe(false);
    expect(published).toHaveLength(1);
    expect((await tracker.latest(C, E, "r1"))?.status).toBe("ERROR");
  });

  it("publishes one final when the same final is recorded concurrently", async () => {
    const { tracker, published } = setup();
    const results = await Promise.all([tracker.record(status("r1", "SUCCESS")), tracker.record(status("r1", "SUCCESS")), tracker.record(status("r1", "PARTIAL"))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it("keeps requests and companies apart", async () => {
    const { tracker } = setup();
    await tracker.record(status("r1", "SUCCESS"));
    expect(await tracker.latest(C, E, "r2")).toBeUndefined();
    expect(await tracker.latest("company-2", E, "r1")).toBeUndefined();
  });

  it("refuses a TTL shorter than the 72 h ESS retention", () => {
    const pubsub = createGatewayPubSub();
    expect(() => new RequestStatusTracker({ store: new Keyv(), pubsub, ttlMs: 1000 })).toThrow(/72 h/);
  });

  it("subscribe(requestId) replays a status that finished before the subscription, then completes", async () => {
    const { tracker } = setup();
    await tracker.record(status("r1", "SUCCESS"));
    const received: RequestStatusPayload[] = [];
    for await (const payload of tracker.subscribe(C, { erpId: E, requestId: "r1" })) received.push(payload);
    expect(received.map((p) => p.status)).toEqual(["SUCCESS"]);
  });

  it("subscribe(requestId) streams PROCESSING then the final, and only its own company and request", async () => {
    const { tracker } = setup();
    const received: RequestStatusPayload[] = [];
    const done = (async () => {
      for await (const payload of tracker.subscribe(C, { erpId: E, requestId: "r1" })) received.push(payload);
    })();
    // Recorded while the subscription starts: delivered once, either replayed by latest() or from the stream.
    await tracker.record(status("r1", "PROCESSING"));
    await waitFor(() => received.length === 1);
    await tracker.record(status("r1", "SUCCESS", "company-2"));
    await tracker.record(status("r2", "ERROR"));
    await tracker.record(status("r1", "PARTIAL"));
    await done;
    expect(received.map((p) => [p.companyId, p.requestId, p.status])).toEqual([
      [C, "r1", "PROCESSING"],
      [C, "r1", "PARTIAL"],
    ]);
  });

  it("subscribe() stops its pubsub subscription on return()", async () => {
    const { tracker } = setup();
    const iterator = tracker.subscribe(C, { erpId: E });
    const next = iterator.next();
    await tracker.record(status("r1", "SUCCESS"));
    expect((await next).value?.status).toBe("SUCCESS");
    await iterator.return();
    expect((await iterator.next()).done).toBe(true);
  });
});
