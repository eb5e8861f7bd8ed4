import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { callerKeyOf } from "../../src/datasources/client/caller.js";
import { createConcurClient } from "../../src/datasources/client/pipeline.js";
import { createRegistrar, createRegistrationClient } from "../../src/datasources/accounting/writes/registration.js";
import { ErrorCode } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";

/** Stand-in for POST/PATCH/DELETE /erps with a per-company registration window (scaled down from 60 s). */
interface Call {
  method: string;
  path: string;
  at: number;
  status: number;
}

describe("registration over real HTTP", () => {
  const SERVER_WINDOW_MS = 400;
  const calls: Call[] = [];
  const lastRegister = new Map<string, number>();
  const erps = new Map<string, Record<string, unknown>>();
  let fail500 = 0;
  let server: Server;
  let url = "";
  let dispatcher: Agent;
  const caller = { authorization: "Bearer t", key: callerKeyOf("t") };

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      const call: Call = { method: req.method!, path: req.url!, at: Date.now(), status: 0 };
      calls.push(call);
      const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        call.status = status;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(body === undefined ? "" : JSON.stringify(body));
      };
      const m = /^\/accountingintegration\/v4\/companies\/([^/]+)\/erps(?:\/([^/]+))?$/.exec(req.url!);
      if (!m) return reply(404, { errorMessage: "not found" });
      const [, companyId, erpId] = m;
      if (fail500 > 0) {
        fail500 -= 1;
        return reply(500, { errorMessage: "boom" });
      }
      if (req.method === "POST" && !erpId) {
        const last = lastRegister.get(companyId!);
        if (last !== undefined && call.at - last < SERVER_WINDOW_MS) return reply(429, { errorMessage: "once per minute" }, { "retry-after": "1" });
        lastRegister.set(companyId!, call.at);
        const id = crypto.randomUUID();
        const erp = { ...JSON.parse(text), erpId: id };
        erps.set(id, erp);
        return reply(200, erp);
      }
      const erp = erpId ? erps.get(erpId) : undefined;
      if (!erp) return reply(404, { errorMessage: "no such erp" });
      if (req.method === "PATCH") {
        Object.assign(erp, JSON.parse(text));
        return reply(200, erp);
      }
      if (req.method === "DELETE") {
        erps.delete(erpId!);
        return reply(204);
      }
      return reply(405);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dispatcher = new Agent();
  });
  beforeEach(() => {
    calls.length = 0;
    lastRegister.clear();
    fail500 = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dispatcher.close();
  });

  const client = (intervalMs: number) => {
    const logger = createLogger("silent");
    const http = createConcurClient({ baseUrl: url, timeoutMs: 5000, dispatcher, logger });
    return createRegistrationClient({ client: http, logger, intervalMs, retry: { minTimeoutMs: 10, maxTimeoutMs: 20 } });
  };
  const erp = (n: number) => ({ partnerAppName: "App", erpName: `ERP ${n}`, externalErpId: `X-${n}` });

  it("queues registrations of one company so they leave one window apart, never failing on the limit", async () => {
    const c = client(SERVER_WINDOW_MS + 50);
    const results = await Promise.all([c.register(caller, "co-1", erp(1)), c.register(caller, "co-1", erp(2)), c.register(caller, "co-1", erp(3))]);
    expect(results.map((r) => r.erpName)).toEqual(["ERP 1", "ERP 2", "ERP 3"]);
    expect(calls.map((x) => x.status)).toEqual([200, 200, 200]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(SERVER_WINDOW_MS);
  });

  it("waits out a 429 (Retry-After) and retries instead of failing", async () => {
    const c = client(10); // pacing deliberately shorter than the upstream window
    const results = await Promise.all([c.register(caller, "co-2", erp(1)), c.register(caller, "co-2", erp(2))]);
    expect(results).toHaveLength(2);
    expect(calls.map((x) => x.status)).toEqual([200, 429, 200]);
  });

  it("update sends features and posting options wholesale and retries a 5xx; unregister deletes", async () => {
    const c = client(10);
    const created = await c.register(caller, "co-3", { ...erp(1), features: ["SUPPORTS_RECEIPT_POSTING"] });
    fail500 = 1;
    const updated = await c.update(caller, "co-3", created.erpId, { features: [], postingOptions: [{ postingCode: "P", postingName: "Pay" }] });
    expect(updated.features).toEqual([]);
    expect(updated.postingOptions).toEqual([{ postingCode: "P", postingName: "Pay" }]);
    expect(calls.map((x) => `${x.method} ${x.status}`)).toEqual(["POST 200", "PATCH 500", "PATCH 200"]);
    await c.unregister(caller, "co-3", created.erpId);
    await expect(c.unregister(caller, "co-3", created.erpId)).rejects.toMatchObject({ extensions: { code: ErrorCode.NOT_FOUND } });
  });

  it("drain() waits for queued registrations; onChanged runs after each change", async () => {
    const logger = createLogger("silent");
    const http = createConcurClient({ baseUrl: url, timeoutMs: 5000, dispatcher, logger });
    const changed: string[] = [];
    const r = createRegistrar({ client: http, logger, intervalMs: SERVER_WINDOW_MS + 50, onChanged: (c, e) => void changed.push(`${c}/${e}`) });
    const all = Promise.all([r.register(caller, "co-5", erp(1)), r.register(caller, "co-5", erp(2))]);
    await r.drain();
    expect(calls.map((x) => x.status)).toEqual([200, 200]);
    const created = await all;
    expect(changed).toEqual(created.map((e) => `co-5/${e.erpId}`));
  });

  it("does not retry a registration that failed with 5xx (it could register twice)", async () => {
    const c = client(10);
    fail500 = 1;
    await expect(c.register(caller, "co-4", erp(1))).rejects.toMatchObject({ extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE } });
    expect(calls).toHaveLength(1);
  });
});
