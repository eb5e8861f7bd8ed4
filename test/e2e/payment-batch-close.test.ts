// closePaymentBatch as SAP documents it, against an emulator whose asynchronous close and file take emulated time:
// v1.2 close, wait until the batch is listed CLOSED, then v1.1 for the file. Exactly one close upstream whatever the
// callers do (concurrent calls, retries, another token of the company, another replica sharing Redis), and every
// answer within PAYMENT_BATCH_CLOSE_ANSWER_MS even though the emulator's clock is only moved by the test.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILES_DEMO } from "../../src/emulator/index.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const ROUTE = {
  list: "GET /api/expense/paymentbatch/v1.1/batchlist/{status}",
  closeAsync: "POST /api/expense/paymentbatch/v1.2/batch/{batchId}/close",
  closeSync: "POST /api/expense/paymentbatch/v1.1/batch/{batchId}/close",
};
const RESULT = "outcome batchStatus requestStatus jobQueueKey message file { url }";
const CLOSE = `mutation Close($companyId: ID!, $batchId: ID!) { closePaymentBatch(companyId: $companyId, batchId: $batchId) { ${RESULT} } }`;
const FILE = `mutation File($companyId: ID!, $batchId: ID!) { paymentBatchFile(companyId: $companyId, batchId: $batchId) { ${RESULT} } }`;
const STATUS = `query State($companyId: ID!, $batchId: ID!) { paymentBatchClose(companyId: $companyId, batchId: $batchId) { ${RESULT} } }`;
const BATCHES = `query Batches($companyId: ID!, $status: PaymentBatchStatus) { paymentBatches(companyId: $companyId, status: $status) { id name count } }`;

/** The bound the gateway is configured with; the slack only absorbs a loaded 2-core machine. */
const ANSWER_MS = 1_500;
const ANSWER_SLACK_MS = 10_000;
/** Emulated time the asynchronous close, and then the file, take: only the test's clock moves get past them. */
const SLOW_MS = 600_000;
// The held v1.1 call must outlast a loaded machine's pauses between the test's clock moves.
const ENV = { PAYMENT_BATCH_CLOSE_ANSWER_MS: String(ANSWER_MS), PAYMENT_BATCH_POLL_MIN_MS: "20", PAYMENT_BATCH_POLL_MAX_MS: "200", UPSTREAM_TIMEOUT_MS: "120000" };
const company = FILES_DEMO.standardCompanyId;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe("closePaymentBatch: one close, bounded answers (e2e, passthrough)", () => {
  let stack: Stack;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    stack = await startStack({ env: ENV });
    token = stack.emulator.issueToken(company);
    otherToken = stack.emulator.issueToken(company);
    // A v1.1 close of the large OPEN batch would fail fast (and be counted): the gateway must never send one.
    await stack.admin("PUT", "/config", { paymentBatchAsyncCloseMs: SLOW_MS, paymentBatchFileMs: SLOW_MS, paymentBatchSyncCloseDelayMs: 50 });
  });
  afterAll(() => stack.stop());

  const close = (as: string, batchId: string) => stack.graphql(CLOSE, { companyId: company, batchId }, as);
  const state = async (batchId: string) => {
    const res = await stack.graphql(STATUS, { companyId: company, batchId }, token);
    expect(res.errors).toBeUndefined();
    return res.data.paymentBatchClose;
  };
  const batchNamed = async (name: string) => {
    const res = await stack.graphql(BATCHES, { companyId: company }, token);
    return res.data.paymentBatches.find((b: any) => b.name === name);
  };

  it("a large batch with a slow close and a slow file: concurrent calls, retries and another token join one close", async () => {
    const large = await batchNamed(FILES_DEMO.batches.large);
    expect(large.count).toBeGreaterThan(500);
    expect(await state(large.id)).toBeNull();
    await stack.resetCounters();

    // Four callers at once (three with one token, one with another token of the company). The emulator's clock does not
    // move, so the batch cannot show CLOSED: each answer arriving at all proves the bound.
    const first = await Promise.all([token, token, token, otherToken].map((as) => timed(() => close(as, large.id))));
    for (const { value, ms } of first) {
      expect(value.errors).toBeUndefined();
      expect(value.data.closePaymentBatch).toMatchObject({ outcome: "CLOSING", file: null });
      expect(ms).toBeLessThan(ANSWER_MS + ANSWER_SLACK_MS);
    }
    let counters = await stack.counters();
    expect(sumCalls(counters, ROUTE.closeAsync)).toBe(1);
    expect(sumCalls(counters, ROUTE.closeSync)).toBe(0);

    // A caller retrying while the close is pending: joined, nothing resent.
    const retry = await timed(() => close(token, large.id));
    expect(retry.value.data.closePaymentBatch.outcome).toBe("CLOSING");
    expect(retry.ms).toBeLessThan(ANSWER_MS + ANSWER_SLACK_MS);
    expect((await state(large.id)).outcome).toBe("CLOSING");

    // Concur finishes the close: the gateway's next list check sees CLOSED and asks for the file (which takes SLOW_MS more).
    await stack.admin("POST", "/clock/advance", { ms: SLOW_MS });
    await waitFor(async () => (await state(large.id)).outcome === "CLOSED_FILE_PENDING", 20_000, "the batch listed CLOSED, its file requested");
    const whileFilePending = await Promise.all([token, otherToken].map((as) => timed(() => close(as, large.id))));
    for (const { value, ms } of whileFilePending) {
      expect(value.data.closePaymentBatch.outcome).toBe("CLOSED_FILE_PENDING");
      expect(ms).toBeLessThan(ANSWER_MS + ANSWER_SLACK_MS);
    }
    // paymentBatchFile joins the file request in progress too.
    const fileWhilePending = await stack.graphql(FILE, { companyId: company, batchId: large.id }, token);
    expect(fileWhilePending.data.paymentBatchFile.outcome).toBe("CLOSED_FILE_PENDING");

    // The file is produced (the clock moves until the one v1.1 call in flight answers).
    await waitFor(
      async () => {
        await stack.admin("POST", "/clock/advance", { ms: SLOW_MS });
        return (await state(large.id)).outcome === "CLOSED";
      },
      20_000,
      "the file fetched",
    );
    const done = await close(token, large.id);
    expect(done.data.closePaymentBatch).toMatchObject({ outcome: "CLOSED", batchStatus: "CLOSED", requestStatus: "SUCCESS" });
    const otherDone = await close(otherToken, large.id);
    expect(otherDone.data.closePaymentBatch.outcome).toBe("CLOSED");

    counters = await stack.counters();
    expect(counters[ROUTE.closeAsync]).toEqual({ "200": 1 });
    expect(counters[ROUTE.closeSync]).toEqual({ "200": 1 });
    expect(stack.gateway.services.posting.batches.running()).toBe(0);

    // The answer's file is the batch's file, for each caller.
    for (const [as, result] of [[token, done], [otherToken, otherDone]] as const) {
      const res = await request(result.data.closePaymentBatch.file.url, { headers: { authorization: `Bearer ${as}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/csv");
      expect((await res.body.text()).length).toBeGreaterThan(0);
    }
  });

  it("a batch already CLOSED is not closed again: only its file is asked for, once", async () => {
    const closed = await batchNamed(FILES_DEMO.batches.closed);
    await stack.admin("PUT", "/config", { paymentBatchFileMs: 0 });
    await stack.resetCounters();
    for (let i = 0; i < 2; i++) {
      const res = await close(token, closed.id);
      expect(res.errors).toBeUndefined();
      expect(res.data.closePaymentBatch.outcome).toBe("CLOSED");
      expect(res.data.closePaymentBatch.file.url).toMatch(/\/files\//);
    }
    const counters = await stack.counters();
    expect(sumCalls(counters, ROUTE.closeAsync)).toBe(0);
    expect(sumCalls(counters, ROUTE.closeSync)).toBe(1);
  });

  it("a close Concur applied but answered with a 500 is not sent again: the CLOSED list tells, then the file", async () => {
    const batch = await stack.admin("POST", `/extracts/companies/${company}/batches`, { name: "Applied, answer lost", count: 12, fileFormat: "csv" });
    await stack.admin("PUT", "/config", { paymentBatchAsyncCloseMs: 0, paymentBatchFileMs: 0, paymentBatchAsyncCloseFailsAfterApply: true });
    await stack.resetCounters();
    try {
      const first = await close(token, batch.id);
      expect(first.errors).toBeUndefined();
      expect(first.data.closePaymentBatch.outcome).toBe("CLOSED");
      const again = await close(otherToken, batch.id);
      expect(again.data.closePaymentBatch.outcome).toBe("CLOSED");
      const counters = await stack.counters();
      expect(counters[ROUTE.closeAsync]).toEqual({ "500": 1 });
      expect(counters[ROUTE.closeSync]).toEqual({ "200": 1 });
    } finally {
      await stack.admin("PUT", "/config", { paymentBatchAsyncCloseFailsAfterApply: false });
    }
  });

  it("an unknown batch id is NOT_FOUND and leaves nothing behind (the next call may close)", async () => {
    const res = await close(token, "nNoSuchBatch$x");
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await state("nNoSuchBatch$x")).toBeNull();
  });
});

const hasRedis = redisAvailable();

describe.skipIf(!hasRedis)("closePaymentBatch on two replicas sharing Redis", () => {
  let redis: RedisServer;
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    redis = await startRedis();
    a = await startStack({ env: { ...ENV, REDIS_URL: redis.url } });
    b = await startStack({ env: { ...ENV, REDIS_URL: redis.url }, sharedEmulator: a.emulator, webhooks: false });
    await a.admin("PUT", "/config", { paymentBatchAsyncCloseMs: SLOW_MS, paymentBatchFileMs: 0, paymentBatchSyncCloseDelayMs: 50 });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it("concurrent calls on both replicas send one close; both answer within the bound and see the file", async () => {
    const batch = await a.admin("POST", `/extracts/companies/${company}/batches`, { name: "Replicas: large ADP batch", count: 3_000, fileFormat: "csv" });
    const token = a.emulator.issueToken(company);
    await a.resetCounters();
    const calls = [a, b, a, b].map((stack) => timed(() => stack.graphql(CLOSE, { companyId: company, batchId: batch.id }, token)));
    for (const { value, ms } of await Promise.all(calls)) {
      expect(value.errors).toBeUndefined();
      expect(value.data.closePaymentBatch.outcome).toBe("CLOSING");
      expect(ms).toBeLessThan(ANSWER_MS + ANSWER_SLACK_MS);
    }
    expect(sumCalls(await a.counters(), ROUTE.closeAsync)).toBe(1);

    await a.admin("POST", "/clock/advance", { ms: SLOW_MS });
    for (const stack of [a, b]) {
      await waitFor(
        async () => (await stack.graphql(STATUS, { companyId: company, batchId: batch.id }, token)).data?.paymentBatchClose?.outcome === "CLOSED",
        20_000,
        `the file, seen from ${stack === a ? "A" : "B"}`,
      );
    }
    // Retries on either replica answer from the shared record.
    for (const stack of [a, b]) expect((await stack.graphql(CLOSE, { companyId: company, batchId: batch.id }, token)).data.closePaymentBatch.outcome).toBe("CLOSED");
    const counters = await a.counters();
    expect(counters[ROUTE.closeAsync]).toEqual({ "200": 1 });
    expect(counters[ROUTE.closeSync]).toEqual({ "200": 1 });
  });
});
