// One operation's independent upstream reads run in parallel: `erpIntegration { erpName accounts mappings }` starts
// the accounts and mappings GETs beside the ERP GET (not after it), and each resource is still read once. Observed
// on the emulator's own HTTP server (arrival and answer of each request), with a latency that makes overlap certain.
import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";

interface Seen {
  path: string;
  arrived: number;
  answered?: number;
}
const seen: Seen[] = [];
const byRequest = new WeakMap<IncomingMessage, Seen>();
let order = 0;
const onStart = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  const entry = { path: new URL(request.url ?? "/", "http://x").pathname, arrived: ++order };
  byRequest.set(request, entry);
  seen.push(entry);
};
const onFinish = (message: unknown) => {
  const { request } = message as { request: IncomingMessage; response: ServerResponse };
  const entry = byRequest.get(request);
  if (entry) entry.answered = ++order;
};

const QUERY = `query ErpAndChildren($companyId: ID!, $erpId: ID!) {
  erpIntegration(companyId: $companyId, erpId: $erpId) {
    erpName
    accounts(first: 3) { edges { node { id } } }
    same: accounts(first: 3) { edges { node { name } } }
    mappings { erpId }
  }
}`;

describe.each([
  ["page cache on", {}],
  ["page cache off", { CACHE_TTL_SECONDS: "0" }],
])("parallel upstream reads (%s)", (_name, env) => {
  let stack: Stack;
  beforeAll(async () => {
    diagnosticsChannel.subscribe("http.server.request.start", onStart);
    diagnosticsChannel.subscribe("http.server.response.finish", onFinish);
    stack = await startStack({ env });
  });
  afterAll(async () => {
    await stack?.stop();
    diagnosticsChannel.unsubscribe("http.server.request.start", onStart);
    diagnosticsChannel.unsubscribe("http.server.response.finish", onFinish);
  });

  it("the lists and mappings of an ERP start before its package has answered, and each is read once", async () => {
    await stack.admin("PUT", "/faults", { latencyMs: 200 });
    try {
      await stack.resetCounters();
      seen.length = 0;
      const res = await stack.graphql(QUERY, { companyId: stack.companyId, erpId: stack.erpId });
      expect(res.errors).toBeUndefined();
      expect(res.data.erpIntegration.accounts.edges).toHaveLength(3);
      expect(res.data.erpIntegration.mappings.erpId).toBe(stack.erpId);

      const erpPath = `/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}`;
      const erp = seen.find((s) => s.path === erpPath);
      const accounts = seen.find((s) => s.path === `${erpPath}/accounts`);
      const mappings = seen.find((s) => s.path === `${erpPath}/mappings`);
      expect(erp?.answered).toBeDefined();
      // Started while the ERP GET was still waiting on its latency: in parallel, not in series.
      expect(accounts!.arrived).toBeLessThan(erp!.answered!);
      expect(mappings!.arrived).toBeLessThan(erp!.answered!);
      const counters = await stack.counters();
      expect(sumCalls(counters, ROUTES.accounts)).toBe(1);
      expect(seen.filter((s) => s.path === `${erpPath}/accounts`)).toHaveLength(1);
      expect(seen.filter((s) => s.path === `${erpPath}/mappings`)).toHaveLength(1);
      expect(seen.filter((s) => s.path === erpPath)).toHaveLength(1);
    } finally {
      await stack.admin("PUT", "/faults", { latencyMs: 0 });
    }
  });

  it("a prefetched read that fails is reported by its field, once", async () => {
    const res = await stack.graphql(`query { erpIntegration(companyId: "${stack.companyId}", erpId: "${stack.erpId}") { erpName accounts(first: 3, after: "not-a-cursor") { edges { node { id } } } } }`);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].path).toEqual(["erpIntegration", "accounts"]);
    expect(res.errors![0].extensions?.code).toBe("BAD_USER_INPUT");
    // `accounts` is non-null, so the error nulls its parents (as without prefetching).
    expect(res.data?.erpIntegration ?? null).toBeNull();
  });
});
