// The payment batch closer's decisions, over a scripted Payment Batches API (the e2e test drives the real emulator):
// when a close may be sent again and when it must not, and the answer bound.
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import type { BatchCloseOutcome, Caller, FilesApi, PaymentBatchRecord } from "../../src/datasources/index.js";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import { createPaymentBatchCloser, type PaymentBatchCloserOptions } from "../../src/services/extract-batches.js";

const COMPANY = "5e0a1c1e-7d1b-4c3a-9f00-0000000057d0";
const BATCH = "nBatch$1";
const caller: Caller = { authorization: "Bearer t", key: "k1" };

/** A Payment Batches API whose batch is listed CLOSED only once `closed` is set; counts the two close calls. */
function scriptedApi(script: { closeAsync?: () => Promise<BatchCloseOutcome> } = {}) {
  const state = { closed: false, asyncCalls: 0, syncCalls: 0 };
  const summary: PaymentBatchRecord = { id: BATCH, guid: null, name: "b", total: "1.00", currency: "USD", count: 3, type: "Employee", paymentMethod: null };
  const files = {
    async listBatches(_caller: Caller, _companyId: string, status?: string) {
      return status === "CLOSED" && state.closed ? [summary] : [];
    },
    async closeBatchAsync() {
      state.asyncCalls += 1;
      return script.closeAsync ? script.closeAsync() : { kind: "closed", batchStatus: null, requestStatus: "SUCCESS", jobQueueKey: "q", fileKey: null };
    },
    async closeBatchSync() {
      state.syncCalls += 1;
      return { kind: "closed", batchStatus: "CLOSED", requestStatus: "SUCCESS", jobQueueKey: null, fileKey: `file-${state.syncCalls}` };
    },
  } as unknown as FilesApi;
  return { files, state };
}

function closer(files: FilesApi, overrides: Partial<PaymentBatchCloserOptions> = {}) {
  return createPaymentBatchCloser({
    files,
    store: new Keyv(),
    logger: createLogger("silent"),
    answerWithinMs: 100,
    pollMinMs: 5,
    pollMaxMs: 20,
    closeWaitMs: 60_000,
    ...overrides,
  });
}

describe("payment batch closer", () => {
  it("answers CLOSING within the bound while Concur does not list the batch CLOSED, and never sends the close twice", async () => {
    const { files, state } = scriptedApi();
    const batches = closer(files);
    const answers = await Promise.all(Array.from({ length: 5 }, () => batches.close(caller, COMPANY, BATCH)));
    expect(answers.map((a) => a.outcome)).toEqual(Array(5).fill("CLOSING"));
    expect((await batches.close(caller, COMPANY, BATCH)).outcome).toBe("CLOSING");
    expect(state.asyncCalls).toBe(1);
    state.closed = true;
    await expect.poll(async () => (await batches.status(caller, COMPANY, BATCH))?.outcome, { timeout: 5_000 }).toBe("CLOSED");
    expect((await batches.close(caller, COMPANY, BATCH)).fileKey).toBe("file-1");
    expect([state.asyncCalls, state.syncCalls]).toEqual([1, 1]);
    batches.stop();
  });

  it("a close still unconfirmed after PAYMENT_BATCH_CLOSE_WAIT_MS may be sent again by a later call", async () => {
    const { files, state } = scriptedApi();
    let now = 1_000_000;
    const batches = closer(files, { now: () => now, closeWaitMs: 1_000 });
    expect((await batches.close(caller, COMPANY, BATCH)).outcome).toBe("CLOSING");
    now += 500; // within the wait: joined or continued, not resent
    expect((await batches.close(caller, COMPANY, BATCH)).outcome).toBe("CLOSING");
    expect(state.asyncCalls).toBe(1);
    now += 1_000; // the run gives up at its deadline; the next call starts over
    await expect.poll(() => batches.running(), { timeout: 5_000 }).toBe(0);
    await batches.close(caller, COMPANY, BATCH);
    expect(state.asyncCalls).toBe(2);
    batches.stop();
  });

  it("a definite refusal leaves nothing behind; a lost answer (5xx, timeout) is settled by the CLOSED list", async () => {
    const refused = scriptedApi({ closeAsync: async () => Promise.reject(new CodedError(ErrorCode.NOT_FOUND, "no such batch")) });
    const batches = closer(refused.files);
    await expect(batches.close(caller, COMPANY, BATCH)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await batches.status(caller, COMPANY, BATCH)).toBeNull();
    await expect(batches.close(caller, COMPANY, BATCH)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(refused.state.asyncCalls).toBe(2);
    batches.stop();

    const lost = scriptedApi({
      closeAsync: async () => {
        lost.state.closed = true; // applied, then the answer is lost
        throw new CodedError(ErrorCode.UPSTREAM_TIMEOUT, "timed out");
      },
    });
    const again = closer(lost.files);
    const first = await again.close(caller, COMPANY, BATCH);
    expect(first.outcome).toBe("CLOSED");
    expect((await again.close(caller, COMPANY, BATCH)).outcome).toBe("CLOSED");
    expect([lost.state.asyncCalls, lost.state.syncCalls]).toEqual([1, 1]);
    again.stop();
  });

  it("a caller with another token is answered after one list read with its own token", async () => {
    const { files, state } = scriptedApi();
    state.closed = true;
    const seen: string[] = [];
    const listBatches = files.listBatches.bind(files);
    files.listBatches = async (who, companyId, status) => {
      seen.push(who.key);
      return listBatches(who, companyId, status);
    };
    const batches = closer(files);
    expect((await batches.close(caller, COMPANY, BATCH)).outcome).toBe("CLOSED");
    seen.length = 0;
    expect((await batches.close({ authorization: "Bearer other", key: "k2" }, COMPANY, BATCH)).outcome).toBe("CLOSED");
    expect(seen).toEqual(["k2"]);
    expect(state.syncCalls).toBe(1);
    batches.stop();
  });
});
