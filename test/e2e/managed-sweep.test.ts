// Managed mode: the connection sweep runs on its configured interval (issue 25 needed it sooner than daily to be
// measured). With a 1 s interval and a window wider than any refresh token's life, every connected company is
// renewed by the sweep alone, without a read: each a refresh grant at Concur, and its refresh time moves on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPANY_CONNECTIONS, createApiKey, ROUTES, startStack, sumCalls, type ConnectionFields, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

describe("managed mode: the connection sweep on a short interval", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ webhooks: false, managed: { sweepIntervalSeconds: 1, sweepWindowDays: 366 } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("renews every connected company's refresh token without any read", async () => {
    const key = await createApiKey(stack, "admin", "*");
    const before = (await stack.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, key)).data!.companyConnections;
    // The demo's three companies (two Professional, one Standard).
    expect(before.length).toBe(3);
    await stack.resetCounters();
    const since = Date.now();
    await waitFor(async () => {
      const now = (await stack.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, key)).data!.companyConnections;
      return now.every((c) => c.lastRefreshAt !== null && Date.parse(c.lastRefreshAt) >= since);
    }, 30_000, "the sweep to renew every connection");
    const counters = await stack.counters();
    expect(sumCalls(counters, ROUTES.token, "200")).toBeGreaterThanOrEqual(3);
    expect(sumCalls(counters, ROUTES.accounts)).toBe(0);
  }, 60_000);
});
