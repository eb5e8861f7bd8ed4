// The Connect page's attempt limits: per key within the window, 0 = no limit, and with Redis (the machine's shared
// server, keys unique to this run) one limit across two replicas' limiters.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createConnectLimits } from "../../src/http/connect-limits.js";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1, lazyConnect: false });
afterAll(async () => {
  await redis.quit();
});

describe("Connect page limits", () => {
  it("in memory: the (n+1)th attempt of a key waits; other keys and kinds are counted apart; 0 turns a limit off", async () => {
    const limits = createConnectLimits({ perIp: 2, perCompany: 0, windowSeconds: 60 });
    expect(await limits.overLimit("ip", "10.0.0.1")).toBeUndefined();
    expect(await limits.overLimit("ip", "10.0.0.1")).toBeUndefined();
    const wait = await limits.overLimit("ip", "10.0.0.1");
    expect(wait).toBeGreaterThan(1_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await limits.overLimit("ip", "10.0.0.2")).toBeUndefined();
    for (let i = 0; i < 20; i++) expect(await limits.overLimit("company", "c")).toBeUndefined();
  });

  it("with Redis: two replicas share one limit per company", async () => {
    const company = `company-${randomUUID()}`;
    const replicaA = createConnectLimits({ perIp: 0, perCompany: 3, windowSeconds: 60, redis });
    const replicaB = createConnectLimits({ perIp: 0, perCompany: 3, windowSeconds: 60, redis });
    expect(await replicaA.overLimit("company", company)).toBeUndefined();
    expect(await replicaB.overLimit("company", company)).toBeUndefined();
    expect(await replicaA.overLimit("company", company)).toBeUndefined();
    expect(await replicaB.overLimit("company", company)).toBeGreaterThan(0);
    await redis.del(`concur-graph:connect-company:${company}`);
  });
});
