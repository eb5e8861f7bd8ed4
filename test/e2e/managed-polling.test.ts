// Managed mode without ESS: a request-status subscription falls back to polling Concur with the company's stored
// token (the poller carries the watcher's Caller; it once polled with an empty bearer token and got UNAUTHENTICATED).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestStatusChangedDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { createApiKey, ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

describe("managed mode: polling fallback of requestStatusChanged", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Webhooks off: only polling can tell the subscriber.
    stack = await startStack({ managed: {}, webhooks: false, env: { POLL_FALLBACK_MS: "100" }, emulator: { processingDelayMs: 300 } });
  });
  afterAll(() => stack.stop());

  it("a write key's subscriber gets the final status from polls made with the company's token", async () => {
    const key = await createApiKey(stack, "write", [stack.companyId]);
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: "POLL-1", name: "Polled", type: "EXPENSE" }] }, key);
    expect(write.errors).toBeUndefined();
    const requestId = write.data.upsertAccounts.request.requestId as string;
    await stack.resetCounters();
    const sub = subscribe(stack.gateway.wsUrl, key, RequestStatusChangedDocument, { companyId: stack.companyId, erpId: stack.erpId, requestId });
    await waitFor(() => sub.events.some((e: any) => e.requestStatusChanged.status === "SUCCESS"), 10_000, "SUCCESS through polling");
    expect(sub.errors).toBeUndefined();
    // The answer came from GETs of the request (its initial read and the polls), all accepted (200) by Concur.
    const counters = await stack.counters();
    expect(sumCalls(counters, ROUTES.request, "200")).toBeGreaterThanOrEqual(1);
    expect(sumCalls(counters, ROUTES.request, "401")).toBe(0);
    await sub.close();
  });
});
