// /healthz (liveness) and /readyz (readiness) through HTTP; readiness follows upstream health from the gateway's
// own recent calls (no probe of its own), and its pure rule covers draining, Redis and the webhook key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { AccountsPageDocument } from "../generated/graphql.js";
import { readiness } from "../../src/http/health.js";
import { createUpstreamHealth } from "../../src/observability/upstream-health.js";
import { startStack, type Stack } from "../helpers/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { CACHE_TTL_SECONDS: "0" } });
});
afterAll(() => stack?.stop());

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await request(`${stack.gateway.origin}${path}`);
  return { status: res.statusCode, body: await res.body.json() };
}

describe("health endpoints", () => {
  it("/healthz answers ok while the process serves", async () => {
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("/readyz is ready with its checks, makes no upstream call, and follows upstream health from recent calls", async () => {
    await stack.resetCounters();
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready", checks: { config: "ok", lifecycle: "started", webhookKey: "ok", redis: "not configured", upstream: { healthy: true, consecutiveFailures: 0 } } });
    for (let i = 0; i < 5; i++) await get("/readyz");
    expect(Object.keys(await stack.counters())).toHaveLength(0); // probes cost Concur nothing

    // Concur answers 503 to everything: each query fails after its GET's retries; three failures in a row -> not ready.
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    try {
      const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 5 };
      const failed = await stack.graphql(AccountsPageDocument, vars);
      expect(failed.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
      const notReady = await get("/readyz");
      expect(notReady.status).toBe(503);
      expect(notReady.body.status).toBe("not ready");
      expect(notReady.body.checks.upstream.healthy).toBe(false);
      expect(notReady.body.checks.upstream.consecutiveFailures).toBeGreaterThanOrEqual(3);
      expect((await get("/healthz")).status).toBe(200); // alive all the same
    } finally {
      await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    }
    // The next answered call makes it ready again.
    expect((await stack.graphql(AccountsPageDocument, { companyId: stack.companyId, erpId: stack.erpId, first: 5 })).errors).toBeUndefined();
    expect((await get("/readyz")).status).toBe(200);
  });
});

describe("readiness rule", () => {
  const healthy = createUpstreamHealth();
  const base = { lifecycle: () => "started", webhookKeyPresent: true, upstream: healthy };

  it("is not ready while draining, with Redis configured but down, or without a webhook key", () => {
    expect(readiness(base).ready).toBe(true);
    expect(readiness({ ...base, lifecycle: () => "stopping" })).toMatchObject({ ready: false, checks: { lifecycle: "stopping" } });
    expect(readiness({ ...base, redisReady: () => false })).toMatchObject({ ready: false, checks: { redis: "down" } });
    expect(readiness({ ...base, redisReady: () => true })).toMatchObject({ ready: true, checks: { redis: "ok" } });
    expect(readiness({ ...base, webhookKeyPresent: false })).toMatchObject({ ready: false, checks: { webhookKey: "missing" } });
  });

  it("counts 5xx and transport failures in a row within the window; a 4xx is Concur answering", () => {
    let now = 0;
    const upstream = createUpstreamHealth({ windowMs: 60_000, now: () => now });
    upstream.record({ status: 503 });
    upstream.record({ errorCode: "UPSTREAM_TIMEOUT" });
    expect(upstream.status().healthy).toBe(true);
    upstream.record({ status: 502 });
    expect(upstream.status()).toMatchObject({ healthy: false, consecutiveFailures: 3 });
    now += 61_000; // an old run of failures no longer counts
    expect(upstream.status().healthy).toBe(true);
    upstream.record({ status: 500 });
    expect(upstream.status().healthy).toBe(false);
    upstream.record({ status: 401 });
    expect(upstream.status()).toMatchObject({ healthy: true, consecutiveFailures: 0 });
  });
});
