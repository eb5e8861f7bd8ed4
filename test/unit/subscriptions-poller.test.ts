import Keyv from "keyv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import { createStatusPoller, type PolledStatus, type StatusPoller } from "../../src/subscriptions/poller.js";
import { createGatewayPubSub, type GatewayPubSub, type RequestStatusPayload } from "../../src/subscriptions/pubsub.js";
import { RequestStatusTracker } from "../../src/subscriptions/request-status.js";
import { waitFor } from "../helpers/wait.js";

const logger = createLogger("silent");
const key = { companyId: "c1", erpId: "e1", requestId: "r1" };

describe("createStatusPoller", () => {
  let poller: StatusPoller | undefined;
  let pubsub: GatewayPubSub | undefined;
  afterEach(async () => {
    poller?.close();
    await pubsub?.close();
  });

  function setup(answers: (PolledStatus | Error)[], timings = { fallbackAfterMs: 20, maxIntervalMs: 40, initialIntervalMs: 5 }) {
    const real = createGatewayPubSub();
    const published: RequestStatusPayload[] = [];
    pubsub = { ...real, publish: (topic, payload) => (topic === "REQUEST_STATUS" && published.push(payload as RequestStatusPayload), real.publish(topic, payload)), subscribe: real.subscribe.bind(real), close: real.close.bind(real) };
    const tracker = new RequestStatusTracker({ store: new Keyv(), pubsub });
    const calls: { args: unknown[]; at: number }[] = [];
    const fetchStatus = async (...args: [string, string, string, string]) => {
      calls.push({ args, at: Date.now() });
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    };
    poller = createStatusPoller({ tracker, fetchStatus, logger, ...timings });
    return { tracker, published, calls, poller };
  }

  it("shares one poll loop between two watchers, backs off, stops on final and publishes it once", async () => {
    // Gaps of 20, 40 and 80 ms: wide enough apart that a loaded machine's timer jitter cannot reorder them.
    const { published, calls, poller } = setup([{ status: "PROCESSING" }, { status: "PROCESSING" }, { status: "PROCESSING" }, { status: "ERROR", errorsHref: "/v4/errs" }], {
      fallbackAfterMs: 20,
      maxIntervalMs: 160,
      initialIntervalMs: 20,
    });
    const started = Date.now();
    const unwatchA = poller.watch(key, "Bearer a");
    const unwatchB = poller.watch(key, "Bearer b");
    expect(poller.size).toBe(1);
    await waitFor(() => poller.size === 0);
    expect(calls).toHaveLength(4);
    // Nothing before the fallback delay; the newest watcher's token is used.
    expect(calls[0].at - started).toBeGreaterThanOrEqual(15);
    expect(calls[0].args).toEqual(["c1", "e1", "r1", "Bearer b"]);
    // Gaps grow (20, 40, 80 ms, capped at 160).
    expect(calls[3].at - calls[2].at).toBeGreaterThanOrEqual(calls[1].at - calls[0].at);
    expect(published.map((p) => p.status)).toEqual(["PROCESSING", "ERROR"]);
    expect(published[1]).toEqual({ ...key, status: "ERROR", errorsHref: "/v4/errs" });
    unwatchA();
    unwatchB();
    unwatchB();
  });

  it("does not poll when the final status is already known (webhook came first)", async () => {
    const { tracker, calls, poller } = setup([{ status: "SUCCESS" }]);
    await tracker.record({ ...key, status: "SUCCESS" });
    poller.watch(key, "Bearer a");
    await waitFor(() => poller.size === 0);
    expect(calls).toHaveLength(0);
  });

  it("stops polling when the last watcher leaves (fake clock)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const { calls, poller } = setup([{ status: "PROCESSING" }], { fallbackAfterMs: 100, maxIntervalMs: 400, initialIntervalMs: 100 });
      const unwatchA = poller.watch(key, "Bearer a");
      const unwatchB = poller.watch(key, "Bearer b");
      await vi.advanceTimersByTimeAsync(99);
      expect(calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1); // t=100: first poll
      await vi.advanceTimersByTimeAsync(100); // t=200: second poll (gap 100)
      expect(calls.map((c) => c.args[3])).toEqual(["Bearer b", "Bearer b"]);
      unwatchB();
      expect(poller.size).toBe(1);
      await vi.advanceTimersByTimeAsync(200); // t=400: third poll (gap 200), with A's token now
      expect(calls.map((c) => c.args[3])).toEqual(["Bearer b", "Bearer b", "Bearer a"]);
      unwatchA();
      expect(poller.size).toBe(0);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps polling through transient errors and gives up on fatal ones", async () => {
    const { published, poller } = setup([new Error("socket hang up"), { status: "SUCCESS" }]);
    poller.watch(key, "Bearer a");
    await waitFor(() => poller.size === 0);
    expect(published.map((p) => p.status)).toEqual(["SUCCESS"]);

    const fatal = setup([new CodedError(ErrorCode.NOT_FOUND, "no such request")]);
    fatal.poller.watch(key, "Bearer a");
    await waitFor(() => fatal.poller.size === 0);
    expect(fatal.calls).toHaveLength(1);
  });
});
