import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWriteBatcher } from "../../src/datasources/accounting/writes/batcher.js";
import { pino } from "pino";
import { Agent } from "undici";
import { createConcurClient } from "../../src/datasources/client/pipeline.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";

/** Two gateway replicas (two batchers) pace one (company, ERP, type) together through a real Redis. */
describe.runIf(redisAvailable())("write pacing across replicas on a shared Redis", () => {
  let redisServer: RedisServer;
  const clients: Redis[] = [];
  let server: Server;
  let url = "";
  const calls: Array<{ at: number; status: number }> = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    let last: number | undefined;
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const at = Date.now();
        const limited = last !== undefined && at - last < 1000;
        if (!limited) last = at;
        calls.push({ at, status: limited ? 429 : 202 });
        res.writeHead(limited ? 429 : 202, { "content-type": "application/json", ...(limited ? { "retry-after": "1" } : {}) });
        res.end(JSON.stringify(limited ? { errorMessage: "once per second" } : { requestId: req.headers["if-none-match"], status: "PROCESSING" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await redisServer.stop();
  });

  // The real client pipeline against a minimal server: this test is about pacing across replicas.
  const agent = new Agent();
  const client = () => createConcurClient({ baseUrl: url, timeoutMs: 5_000, dispatcher: agent, logger: pino({ level: "silent" }) });

  it("two replicas never send within 1 s of each other (0 429s)", async () => {
    const replicas = [0, 1].map(() => {
      const redis = new Redis(redisServer.url);
      clients.push(redis);
      return createWriteBatcher({ client: client(), redis, batchWindowMs: 5 });
    });
    const caller = (t: string) => ({ authorization: `Bearer ${t}`, key: t });
    const writes = [];
    for (let i = 0; i < 3; i++) {
      for (const [n, b] of replicas.entries()) {
        writes.push(b.enqueue({ caller: caller(`tok-${n}-${i}`), companyId: "c", erpId: "e", type: "accounts" }, { kind: "delete", ids: [`${n}-${i}`] }));
      }
    }
    await Promise.all(writes);
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    expect(calls).toHaveLength(6); // six different tokens: six PATCHes
    const times = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});
