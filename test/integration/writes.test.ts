import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callerKeyOf, type Caller } from "../../src/datasources/client/caller.js";
import { createConcurClient } from "../../src/datasources/client/pipeline.js";
import { createWriteBatcher, type WriteBatcherOptions } from "../../src/datasources/accounting/writes/batcher.js";
import type { WriteTarget, WriteType } from "../../src/datasources/accounting/writes/types.js";
import { ErrorCode } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import { elapse, waitFor } from "../helpers/wait.js";

/**
 * A tiny stand-in for Concur's bulk write endpoints, with just the semantics the batcher relies on:
 * 202 RequestStatus, If-None-Match -> requestId, 412 on reuse, 429 + Retry-After when a (company, ERP, type)
 * is called twice within 1 s, injectable 500s (before or after applying), and call counters.
 */
interface Call {
  method: string;
  type: string;
  at: number;
  status: number;
  requestId: string;
  authorization: string;
  body: { deleteAll?: boolean; data: Array<Record<string, unknown>> };
}

interface FakeConcur {
  url: string;
  calls: Call[];
  /** Applied records per "company/erp/type" then id. */
  data: Map<string, Map<string, Record<string, unknown>>>;
  /** How many times each "type/id" was applied (upsert or delete). */
  applied: Map<string, number>;
  /** Next N writes answer 500 without applying. */
  fail500: number;
  /** Next N writes are applied, then answered 500 (the response is "lost"). */
  fail500AfterApply: number;
  /** Next N writes answer 400. */
  fail400: number;
  writes(): Call[];
  count(status: number): number;
  reset(): void;
  stop(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WRITE = /^\/accountingintegration\/v4\/companies\/([^/]+)\/erps\/([^/]+)\/(accounts|vendors|lists|taxData)$/;
const REQUEST = /^\/accountingintegration\/v4\/companies\/([^/]+)\/erps\/([^/]+)\/requests\/([^/]+)$/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function startFakeConcur(): Promise<FakeConcur> {
  const requests = new Map<string, Record<string, unknown>>();
  const lastCall = new Map<string, number>();
  const fake = {
    calls: [] as Call[],
    data: new Map<string, Map<string, Record<string, unknown>>>(),
    applied: new Map<string, number>(),
    fail500: 0,
    fail500AfterApply: 0,
    fail400: 0,
  } as FakeConcur;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const text = await readBody(req);
    const r = REQUEST.exec(url.pathname);
    if (req.method === "GET" && r) {
      const found = requests.get(`${r[1]}/${r[2]}/${r[3]}`);
      return found ? reply(200, { ...found, status: "SUCCESS" }) : reply(404, { errorMessage: "no such request" });
    }
    const w = WRITE.exec(url.pathname);
    if (!w || !["PATCH", "POST", "PUT"].includes(req.method!)) return reply(404, { errorMessage: "not found" });
    const [, companyId, erpId, type] = w as unknown as [string, string, string, string];
    const body = JSON.parse(text) as Call["body"];
    const requestId = String(req.headers["if-none-match"] ?? "");
    const call: Call = { method: req.method!, type, at: Date.now(), status: 0, requestId, authorization: String(req.headers.authorization), body };
    fake.calls.push(call);
    const send = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      call.status = status;
      reply(status, payload, headers);
    };
    const paceKey = `${companyId}/${erpId}/${type}`;
    const last = lastCall.get(paceKey);
    if (last !== undefined && call.at - last < 1000) {
      return send(429, { httpStatus: "429 - Too Many Requests", errorMessage: "once per second" }, { "retry-after": "1" });
    }
    lastCall.set(paceKey, call.at);
    if (!UUID.test(requestId)) return send(400, { errorMessage: "If-None-Match must be a UUID" });
    if (Buffer.byteLength(text) > 4 * 1024 * 1024) return send(400, { errorMessage: "payload too large" });
    if (fake.fail400 > 0) {
      fake.fail400 -= 1;
      return send(400, { errorMessage: "Failed to validate the input data", errorCode: "dataInvalid" });
    }
    if (fake.fail500 > 0) {
      fake.fail500 -= 1;
      return send(500, { errorMessage: "boom" });
    }
    const requestKey = `${companyId}/${erpId}/${requestId}`;
    if (requests.has(requestKey)) return send(412, { errorMessage: "request id already used" });
    // Apply: deleteAll, then upserts in order, then deletes (spec Q19).
    const storeKey = `${companyId}/${erpId}/${type}`;
    let store = fake.data.get(storeKey);
    if (!store || body.deleteAll || req.method === "PUT") fake.data.set(storeKey, (store = new Map()));
    const bump = (id: string) => fake.applied.set(`${type}/${id}`, (fake.applied.get(`${type}/${id}`) ?? 0) + 1);
    for (const record of body.data) {
      const id = String(record.id ?? record.countryCode);
      if (record.isDeleted) continue;
      store.set(id, record);
      bump(id);
    }
    for (const record of body.data) {
      if (!record.isDeleted) continue;
      store.delete(String(record.id));
      bump(String(record.id));
    }
    const status = { requestId, status: "PROCESSING", companyId, erpId, links: { self: { href: `/v4/companies/${companyId}/erps/${erpId}/requests/${requestId}` } } };
    requests.set(requestKey, status);
    if (fake.fail500AfterApply > 0) {
      fake.fail500AfterApply -= 1;
      return send(500, { errorMessage: "lost response" });
    }
    return send(202, status);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.writes = () => fake.calls;
  fake.count = (status) => fake.calls.filter((c) => c.status === status).length;
  fake.reset = () => {
    fake.calls.length = 0;
    fake.data.clear();
    fake.applied.clear();
    requests.clear();
    lastCall.clear();
    fake.fail500 = fake.fail500AfterApply = fake.fail400 = 0;
  };
  fake.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}

const caller = (token: string): Caller => ({ authorization: `Bearer ${token}`, key: callerKeyOf(token) });
const account = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `Account ${id}`, type: "EXPENSE", ...extra });

describe("WriteBatcher over real HTTP", () => {
  let fake: FakeConcur;
  let dispatcher: Agent;
  const batchers: Array<ReturnType<typeof createWriteBatcher>> = [];
  const target = (type: WriteType = "accounts", token = "tok-a", companyId = "c1"): WriteTarget => ({ caller: caller(token), companyId, erpId: "e1", type });

  function batcher(overrides: Partial<WriteBatcherOptions> = {}) {
    const logger = createLogger("silent");
    const http = createConcurClient({ baseUrl: fake.url, timeoutMs: 10_000, dispatcher, logger });
    const b = createWriteBatcher({ client: http, logger, batchWindowMs: 20, retry: { minTimeoutMs: 10, maxTimeoutMs: 50 }, ...overrides });
    batchers.push(b);
    return b;
  }

  beforeAll(async () => {
    fake = await startFakeConcur();
    dispatcher = new Agent({ connections: 16 });
  });
  afterEach(async () => {
    for (const b of batchers.splice(0)) {
      b.close();
      await b.drain();
    }
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
    await dispatcher.close();
  });

  it("K=100 concurrent single-record writes become 1 PATCH with 0 429s, each caller getting its own ids", async () => {
    const b = batcher();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => b.enqueue(target(), { kind: "upsert", records: [account(`A-${i}`)] })));
    expect(fake.calls).toHaveLength(1);
    expect(fake.count(429)).toBe(0);
    expect(fake.calls[0]!.method).toBe("PATCH");
    expect(fake.calls[0]!.body.data).toHaveLength(100);
    const requestId = fake.calls[0]!.requestId;
    results.forEach((r, i) => {
      expect(r.sentIds).toEqual([`A-${i}`]);
      expect(r.request).toMatchObject({ requestId, status: "PROCESSING", companyId: "c1", erpId: "e1" });
      expect(r.requests).toHaveLength(1);
    });
  });

  it("a burst arriving over longer than the quiet window still shares one PATCH (the first window debounces)", async () => {
    const b = batcher({ batchWindowMs: 20 });
    const pending: Array<Promise<unknown>> = [];
    // 40 writes, one every 5 ms: 200 ms in all, ten times the 20 ms quiet window, never 20 ms apart.
    for (let i = 0; i < 40; i++) {
      pending.push(b.enqueue(target(), { kind: "upsert", records: [account(`B-${i}`)] }));
      await elapse(5); // spaces the arrivals (the input of this test), waits for nothing
    }
    await Promise.all(pending);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.body.data).toHaveLength(40);
  });

  it("a lone write leaves after the quiet window, and a steady stream is cut at the pacing interval", async () => {
    const b = batcher({ batchWindowMs: 20, maxBatchWindowMs: 150 });
    const started = Date.now();
    await b.enqueue(target(), { kind: "upsert", records: [account("alone")] });
    expect(Date.now() - started).toBeLessThan(1000);
    fake.reset();
    const stream: Array<Promise<unknown>> = [];
    const streamStart = Date.now();
    while (Date.now() - streamStart < 400) {
      stream.push(b.enqueue(target("vendors"), { kind: "upsert", records: [{ id: `S-${stream.length}`, type: "EMPLOYEE" }] }));
      await elapse(10); // spaces the arrivals (the input of this test), waits for nothing
    }
    await waitFor(() => fake.calls.length >= 1, 5000, "first PATCH of the stream");
    // The first PATCH left at the 150 ms cap, while the stream was still arriving.
    expect(fake.calls[0]!.at - streamStart).toBeLessThan(400);
    await Promise.all(stream);
  });

  it("writes arriving while the key waits for its next slot join the next PATCH, 1 s apart, no 429", async () => {
    const b = batcher();
    const first = b.enqueue(target(), { kind: "upsert", records: [account("first")] });
    await waitFor(() => fake.calls.length === 1, 5000, "first PATCH");
    const later = Array.from({ length: 30 }, (_, i) => b.enqueue(target(), { kind: "upsert", records: [account(`L-${i}`)] }));
    await Promise.all([first, ...later]);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]!.body.data.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `L-${i}`));
    expect(fake.calls[1]!.at - fake.calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(fake.count(429)).toBe(0);
  });

  it("splits a delete-then-upsert of one id into two PATCHes and keeps order", async () => {
    const b = batcher();
    await b.enqueue(target(), { kind: "upsert", records: [account("X", { name: "old" })] });
    const del = b.enqueue(target(), { kind: "delete", ids: ["X"] });
    const up = b.enqueue(target(), { kind: "upsert", records: [account("X", { name: "new" })] });
    const [d, u] = await Promise.all([del, up]);
    expect(fake.calls).toHaveLength(3);
    expect(d.request.requestId).not.toBe(u.request.requestId);
    expect(fake.data.get("c1/e1/accounts")!.get("X")).toMatchObject({ name: "new" });
    expect(fake.count(429)).toBe(0);
  });

  it("a batch over 4 MB goes out in ceil(bytes / 4 MB) PATCHes; a caller split over two gets both requests; an oversized record is refused and the rest goes", async () => {
    const b = batcher();
    const pad = "x".repeat(100 * 1024);
    const big = b.enqueue(target(), { kind: "upsert", records: Array.from({ length: 60 }, (_, i) => account(`B-${i}`, { name: pad })) });
    const tooLarge = b.enqueue(target(), { kind: "upsert", records: [account("A-17", { name: "y".repeat(250 * 1024) })] });
    const mixed = b.enqueue(target(), { kind: "upsert", records: [account("ok-1"), account("A-18", { name: "z".repeat(210 * 1024) })] });
    await expect(tooLarge).rejects.toMatchObject({
      extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE },
      message: expect.stringMatching(/^accounts\[id=A-17\] is 250\.\d KB; Concur accepts at most 200 KB per record$/),
    });
    const [bigResult, mixedResult] = await Promise.all([big, mixed]);
    expect(fake.calls).toHaveLength(2);
    for (const call of fake.calls) expect(Buffer.byteLength(JSON.stringify(call.body))).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(bigResult.requests.map((r) => r.requestId)).toEqual(fake.calls.map((c) => c.requestId));
    expect(bigResult.request.requestId).toBe(fake.calls[1]!.requestId);
    expect(bigResult.sentIds).toHaveLength(60);
    expect(mixedResult.sentIds).toEqual(["ok-1"]);
    expect(mixedResult.rejected).toEqual([expect.objectContaining({ id: "A-18", code: ErrorCode.PAYLOAD_TOO_LARGE })]);
    expect(fake.applied.has("accounts/A-17")).toBe(false);
    expect(fake.count(429)).toBe(0);
  });

  it("replaceAll sends deleteAll:true first and its overflow without it", async () => {
    const b = batcher({ maxPatchBytes: 600 }); // ~40-byte records: 3 bodies
    const records = Array.from({ length: 30 }, (_, i) => account(`R-${i}`));
    const result = await b.enqueue(target("lists"), { kind: "replaceAll", records: records.map((r) => ({ id: r.id, name: r.name })) });
    expect(fake.calls.length).toBeGreaterThan(1);
    expect(fake.calls.map((c) => c.body.deleteAll)).toEqual([true, ...fake.calls.slice(1).map(() => false)]);
    expect(result.sentIds).toEqual(records.map((r) => r.id));
    expect(result.requests).toHaveLength(fake.calls.length);
    expect(fake.data.get("c1/e1/lists")!.size).toBe(30);
  }, 20_000);

  it("a 500 is retried with the same request id and the write is applied once", async () => {
    const b = batcher();
    fake.fail500 = 1;
    const result = await b.enqueue(target(), { kind: "upsert", records: [account("R5")] });
    expect(fake.calls.map((c) => c.status)).toEqual([500, 202]);
    expect(fake.calls[0]!.requestId).toBe(fake.calls[1]!.requestId);
    expect(result.request.requestId).toBe(fake.calls[0]!.requestId);
    expect(fake.applied.get("accounts/R5")).toBe(1);
    expect(fake.count(429)).toBe(0);
  });

  it("a 500 whose write was applied (lost response) ends in 412 and returns the accepted request", async () => {
    const b = batcher();
    fake.fail500AfterApply = 1;
    const result = await b.enqueue(target(), { kind: "upsert", records: [account("L5")] });
    expect(fake.calls.map((c) => c.status)).toEqual([500, 412]);
    expect(result.request.requestId).toBe(fake.calls[0]!.requestId);
    expect(result.request.status).toBe("SUCCESS"); // read back with GET …/requests/{id}
    expect(fake.applied.get("accounts/L5")).toBe(1);
  });

  it("a caller-supplied request id goes alone, and reusing it returns the same request without a second write", async () => {
    const b = batcher();
    const id = "6f1c7a52-3a8e-4f7e-9a51-5d2c3b1e0f11";
    const [mine, other] = await Promise.all([
      b.enqueue(target(), { kind: "upsert", records: [account("mine")] }, { requestId: id }),
      b.enqueue(target(), { kind: "upsert", records: [account("other")] }),
    ]);
    expect(mine.request.requestId).toBe(id);
    expect(other.request.requestId).not.toBe(id);
    expect(fake.calls.find((c) => c.requestId === id)!.body.data.map((r) => r.id)).toEqual(["mine"]);
    const again = await b.enqueue(target(), { kind: "upsert", records: [account("mine")] }, { requestId: id });
    expect(again.request.requestId).toBe(id);
    expect(fake.calls.at(-1)!.status).toBe(412);
    expect(fake.applied.get("accounts/mine")).toBe(1);
    await expect(b.enqueue(target(), { kind: "delete", ids: ["x"] }, { requestId: "not-a-uuid" })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  });

  it("never mixes two callers' tokens in one PATCH, and paces them together (1 per second, 0 429s)", async () => {
    const b = batcher();
    const [a, c] = await Promise.all([
      b.enqueue(target("vendors", "tok-a"), { kind: "delete", ids: ["V1"] }),
      b.enqueue(target("vendors", "tok-b"), { kind: "delete", ids: ["V2"] }),
    ]);
    expect(fake.calls).toHaveLength(2);
    expect(new Set(fake.calls.map((x) => x.authorization))).toEqual(new Set(["Bearer tok-a", "Bearer tok-b"]));
    expect(Math.abs(fake.calls[1]!.at - fake.calls[0]!.at)).toBeGreaterThanOrEqual(1000);
    expect(a.sentIds).toEqual(["V1"]);
    expect(c.sentIds).toEqual(["V2"]);
    expect(fake.count(429)).toBe(0);
  });

  it("a failed PATCH rejects exactly the callers in it; other callers' writes still go", async () => {
    const b = batcher();
    fake.fail400 = 1;
    const a = expect(b.enqueue(target("accounts", "tok-a"), { kind: "upsert", records: [account("F1")] })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT, upstreamStatus: 400 },
    });
    const a2 = expect(b.enqueue(target("accounts", "tok-a"), { kind: "upsert", records: [account("F2")] })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
    await waitFor(() => fake.calls.length === 1, 5000, "first PATCH");
    const other = b.enqueue(target("accounts", "tok-b"), { kind: "upsert", records: [account("F3")] });
    await a;
    await a2;
    await expect(other).resolves.toMatchObject({ sentIds: ["F3"] });
    expect(fake.calls.map((c) => c.status)).toEqual([400, 202]);
  });

  it("tax data uses PUT for replace and POST for add", async () => {
    const b = batcher();
    const tax = (countryCode: string) => ({ countryCode, countryDesc: null, stateEntries: [] });
    const replace = await b.enqueue(target("taxData"), { kind: "replaceAll", records: [tax("DE")] });
    const add = await b.enqueue(target("taxData"), { kind: "upsert", records: [tax("FR")] });
    expect(fake.calls.map((c) => c.method)).toEqual(["PUT", "POST"]);
    expect(replace.sentIds).toEqual(["DE"]);
    expect(add.sentIds).toEqual(["FR"]);
    await expect(b.enqueue(target("taxData"), { kind: "delete", ids: ["DE"] })).rejects.toMatchObject({ extensions: { code: ErrorCode.BAD_USER_INPUT } });
    await expect(b.enqueue(target(), { kind: "upsert", records: [] })).rejects.toMatchObject({ extensions: { code: ErrorCode.BAD_USER_INPUT } });
    expect(fake.calls).toHaveLength(2);
  });

  it("calls onWritten after each accepted write", async () => {
    const seen: string[] = [];
    const b = batcher({ onWritten: (c, e, t) => void seen.push(`${c}/${e}/${t}`) });
    await b.enqueue(target("lists"), { kind: "upsert", records: [{ id: "L1", name: "Cost centers" }] });
    expect(seen).toEqual(["c1/e1/lists"]);
  });

  it("drain() sends everything queued and answers every caller; close() refuses new writes", async () => {
    const b = batcher({ batchWindowMs: 60_000 }); // only drain can make these leave
    const pending = [
      b.enqueue(target("accounts"), { kind: "upsert", records: [account("D1")] }),
      b.enqueue(target("vendors"), { kind: "delete", ids: ["D2"] }),
      b.enqueue(target("lists", "tok-b", "c2"), { kind: "upsert", records: [{ id: "D3", name: "n" }] }),
    ];
    expect(b.pending).toBe(3);
    b.close();
    await expect(b.enqueue(target(), { kind: "delete", ids: ["late"] })).rejects.toMatchObject({
      extensions: { code: ErrorCode.SHUTTING_DOWN },
      message: "the gateway is shutting down; retry on another instance",
    });
    await b.drain();
    expect(b.pending).toBe(0);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.sentIds)).toEqual([["D1"], ["D2"], ["D3"]]);
    expect(fake.calls).toHaveLength(3);
  });
});
