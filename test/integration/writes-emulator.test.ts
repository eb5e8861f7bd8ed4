import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callerFromAuthorization, type Caller } from "../../src/datasources/client/caller.js";
import { createConcurClient, type ConcurClient } from "../../src/datasources/client/pipeline.js";
import { createWriteBatcher, type WriteBatcher } from "../../src/datasources/accounting/writes/batcher.js";
import { MAX_PATCH_BYTES } from "../../src/datasources/accounting/writes/limits.js";
import type { WriteType } from "../../src/datasources/accounting/writes/types.js";
import { DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { ErrorCode } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import { startEmulator } from "../helpers/emulator.js";
import { waitForFinal } from "../helpers/requests.js";
import { waitFor } from "../helpers/wait.js";

/** The write batcher against the Concur emulator over HTTP; upstream call counts come from the emulator's counters. */
describe("WriteBatcher against the emulator", () => {
  let emulator: RunningEmulator;
  let dispatcher: Agent;
  let http: ConcurClient;
  let caller: Caller;
  let token: string;
  const batchers: WriteBatcher[] = [];
  const logger = createLogger("silent");
  const base = () => `/accountingintegration/v4/companies/${DEMO.companyId}/erps/${DEMO.erpId}`;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };
  /** Calls of one write endpoint by status, e.g. { "202": 1 }. */
  const counts = async (method: string, type: WriteType): Promise<Record<string, number>> => {
    const { counters } = (await admin("GET", "/counters")) as { counters: Record<string, Record<string, number>> };
    return counters[`${method} /accountingintegration/v4/companies/{companyId}/erps/{erpId}/${type}`] ?? {};
  };
  // One batcher for the suite, like one gateway process: its pacer remembers the last write of each
  // (company, ERP, type) across tests, exactly as the emulator's rate limiter does.
  let shared: WriteBatcher | undefined;
  const batcher = () => {
    shared ??= createWriteBatcher({ client: http, logger, batchWindowMs: 20, retry: { minTimeoutMs: 10, maxTimeoutMs: 50 } });
    return shared;
  };
  const target = (type: WriteType = "accounts") => ({ caller, companyId: DEMO.companyId, erpId: DEMO.erpId, type });
  const account = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `Account ${id}`, number: null, type: "EXPENSE", ...extra });

  /** Waits until the emulator finished processing a request, then returns its final status. */
  const finished = async (requestId: string) => (await waitForFinal(emulator, token, base(), requestId)).status;

  /** Every account id stored upstream (all pages), with how often it occurs. */
  const storedAccounts = async (): Promise<Map<string, Record<string, unknown>[]>> => {
    const out = new Map<string, Record<string, unknown>[]>();
    let path: string | undefined = `${base()}/accounts`;
    while (path) {
      const res: { body: { data: Record<string, unknown>[]; links?: { next?: { href: string } } } } = await http.request({ method: "GET", path, caller });
      for (const record of res.body.data) out.set(String(record.id), [...(out.get(String(record.id)) ?? []), record]);
      path = res.body.links?.next?.href;
    }
    return out;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo" });
    dispatcher = new Agent({ connections: 16 });
    http = createConcurClient({ baseUrl: emulator.url, timeoutMs: 10_000, dispatcher, logger });
    token = emulator.issueToken(DEMO.companyId);
    caller = callerFromAuthorization(`Bearer ${token}`)!;
  });
  afterEach(async () => {
    await shared?.drain();
    await admin("PUT", "/faults", { error5xxRate: 0, rate429: 0 });
    await admin("POST", "/counters/reset");
  });
  afterAll(async () => {
    shared?.close();
    await shared?.drain();
    for (const b of batchers) await b.drain();
    await emulator.stop();
    await dispatcher.close();
  });

  it("K=100 concurrent mutations become 1 PATCH, 0 429s, each caller answered with its own ids", async () => {
    const b = batcher();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => b.enqueue(target(), { kind: "upsert", records: [account(`EMU-K-${i}`)] })));
    expect(await counts("PATCH", "accounts")).toEqual({ "202": 1 });
    const requestId = results[0]!.request.requestId;
    results.forEach((r, i) => {
      expect(r.sentIds).toEqual([`EMU-K-${i}`]);
      expect(r.request.requestId).toBe(requestId);
    });
    expect(await finished(requestId)).toBe("SUCCESS");
  });

  it("a batch over 4 MB takes the minimum number of PATCHes (ceil(bytes / 4 MB)), paced without 429s", async () => {
    const b = batcher();
    const records = Array.from({ length: 60 }, (_, i) => account(`EMU-BIG-${i}`, { name: `${i}-${"x".repeat(100 * 1024)}` }));
    const total = records.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
    const results = await Promise.all(records.map((r) => b.enqueue(target(), { kind: "upsert", records: [r] })));
    expect(await counts("PATCH", "accounts")).toEqual({ "202": Math.ceil(total / MAX_PATCH_BYTES) });
    expect(new Set(results.map((r) => r.request.requestId)).size).toBe(2);
  });

  it("an oversized record is refused before sending and the rest goes", async () => {
    const b = batcher();
    const big = b.enqueue(target(), { kind: "upsert", records: [account("EMU-A-17", { name: "y".repeat(250 * 1024) })] });
    const small = b.enqueue(target(), { kind: "upsert", records: [account("EMU-SMALL")] });
    await expect(big).rejects.toMatchObject({ extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE }, message: expect.stringContaining("accounts[id=EMU-A-17]") });
    const r = await small;
    expect(r.sentIds).toEqual(["EMU-SMALL"]);
    expect(await counts("PATCH", "accounts")).toEqual({ "202": 1 });
  });

  it("keeps order: delete then upsert of one id ends with the record present", async () => {
    const b = batcher();
    await finished((await b.enqueue(target(), { kind: "upsert", records: [account("EMU-ORD", { name: "old" })] })).request.requestId);
    const [del, up] = await Promise.all([
      b.enqueue(target(), { kind: "delete", ids: ["EMU-ORD"] }),
      b.enqueue(target(), { kind: "upsert", records: [account("EMU-ORD", { name: "new" })] }),
    ]);
    expect(del.request.requestId).not.toBe(up.request.requestId);
    await finished(up.request.requestId);
    expect((await storedAccounts()).get("EMU-ORD")).toEqual([expect.objectContaining({ name: "new" })]);
    expect((await counts("PATCH", "accounts"))["429"]).toBeUndefined();
  });

  it("an injected 5xx is retried with the same request id and the record is written once", async () => {
    const b = batcher();
    await admin("PUT", "/faults", { error5xxRate: 1 });
    const pending = b.enqueue(target(), { kind: "upsert", records: [account("EMU-5XX")] });
    await waitFor(async () => (await counts("PATCH", "accounts"))["500"] === 1, 5000, "the injected 500");
    await admin("PUT", "/faults", { error5xxRate: 0 });
    const result = await pending;
    expect(await counts("PATCH", "accounts")).toEqual({ "500": 1, "202": 1 });
    expect(await finished(result.request.requestId)).toBe("SUCCESS");
    expect((await storedAccounts()).get("EMU-5XX")).toHaveLength(1);
  });

  it("a request id reused by the caller returns the same request, without a second write", async () => {
    const b = batcher();
    const id = "0b6a8f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    const first = await b.enqueue(target("lists"), { kind: "upsert", records: [{ id: "EMU-L1", name: "Cost centers" }] }, { requestId: id });
    const again = await b.enqueue(target("lists"), { kind: "upsert", records: [{ id: "EMU-L1", name: "Cost centers" }] }, { requestId: id });
    expect(first.request.requestId).toBe(id);
    expect(again.request.requestId).toBe(id);
    expect(await counts("PATCH", "lists")).toEqual({ "202": 1, "412": 1 });
  });

  it("drain() sends everything queued and answers every caller", async () => {
    // A second "process": it writes only types the shared batcher never wrote, so the two pacers cannot collide.
    const b = createWriteBatcher({ client: http, logger, batchWindowMs: 60_000 });
    batchers.push(b);
    const vendor = { id: "EMU-D1", type: "ACCOUNTING", currencyCode: "EUR", name: "ACME", companyName: "ACME GmbH" };
    const tax = { countryCode: "DE", countryDesc: "Germany", stateEntries: [] };
    const pending = [
      b.enqueue(target("vendors"), { kind: "upsert", records: [vendor] }),
      b.enqueue(target("taxData"), { kind: "upsert", records: [tax] }),
    ];
    b.close();
    await expect(b.enqueue(target("vendors"), { kind: "delete", ids: ["x"] })).rejects.toMatchObject({ extensions: { code: ErrorCode.SHUTTING_DOWN } });
    await b.drain();
    expect((await Promise.all(pending)).map((r) => r.sentIds)).toEqual([["EMU-D1"], ["DE"]]);
    expect(await counts("PATCH", "vendors")).toEqual({ "202": 1 });
    expect(await counts("POST", "taxData")).toEqual({ "202": 1 });
  });
});
