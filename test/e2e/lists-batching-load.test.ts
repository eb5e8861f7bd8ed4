// List item writes batch by the same load-independent rule as accounting writes: K concurrent createConcurListItem
// mutations take the lower bound of bulk POSTs, ceil(K / 250), also while two CPU hogs compete with the gateway for
// the 2 cores (test/e2e/batching-load.test.ts is the accounting twin).
import { spawn, type ChildProcess } from "node:child_process";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerCleanup } from "../helpers/cleanup.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";

const B1 = "POST /list/v4/lists/{listId}/bulk";
const CREATE = `mutation Create($c: ID!, $l: ID!, $s: String!, $v: String!) {
  createConcurListItem(companyId: $c, listId: $l, shortCode: $s, value: $v) { code succeeded error { id message } }
}`;

/** A process that keeps one core busy until killed (bounded: it exits by itself after 60 s). */
function cpuHog(): ChildProcess {
  const hog = spawn(process.execPath, ["-e", "const end = Date.now() + 60000; while (Date.now() < end) {}"], { stdio: "ignore" });
  registerCleanup("cpu hog", () => void hog.kill("SIGKILL"));
  return hog;
}

describe("list item write batching under CPU load", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ webhooks: false });
  });
  afterAll(() => stack.stop());

  // First in the file: the company's bulk slot must be free, or waiting for it would let every write join anyway.
  it("a create under a parentId holds the window open while it reads its parent: it shares the bulk call of a create queued meanwhile", async () => {
    const list = await stack.admin("POST", `/lists/companies/${stack.companyId}/lists`, { value: "Parent read", levelCount: 2, generate: [1] });
    const parentId = (await stack.admin("GET", `/lists/companies/${stack.companyId}/lists/${list.id}/items`)).items[0].id;
    const UNDER = `mutation Under($c: ID!, $l: ID!, $s: String!, $p: ID!) { createConcurListItem(companyId: $c, listId: $l, shortCode: $s, value: "under", parentId: $p) { code succeeded } }`;
    // Every upstream answer takes 400 ms: the parent read outlasts the 25 ms quiet time of the window the other create opens.
    await stack.admin("PUT", "/faults", { latencyMs: 400 });
    try {
      await stack.resetCounters();
      const [under, top] = await Promise.all([
        stack.graphql(UNDER, { c: stack.companyId, l: list.id, s: "D99", p: parentId }),
        stack.graphql(CREATE, { c: stack.companyId, l: list.id, s: "R99", v: "top" }),
      ]);
      expect(under.data.createConcurListItem).toEqual({ code: "R01-D99", succeeded: true });
      expect(top.data.createConcurListItem).toEqual({ code: "R99", succeeded: true, error: null });
      expect((await stack.counters())[B1]).toEqual({ "201": 1 });
    } finally {
      await stack.admin("PUT", "/faults", { latencyMs: 0 });
    }
  });

  it("K=296 concurrent item creates with two CPU hogs running: 2 bulk POSTs (ceil(296 / 250)), every caller answered", async () => {
    const K = 296;
    const list = await stack.admin("POST", `/lists/companies/${stack.companyId}/lists`, { value: "Load 296", levelCount: 1 });
    // Warm the mutation path without taking the company's bulk slot: a hyphen is refused before any call.
    const warm = await stack.graphql(CREATE, { c: stack.companyId, l: list.id, s: "WARM-UP", v: "warm" });
    expect(warm.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // The client shares this process with the gateway: open its K keep-alive sockets before the hogs start, so the
    // mutations leave at once (a client that is itself slow to send spreads arrivals, which no batching rule can see).
    const pool = new Pool(stack.gateway.origin, { connections: K, pipelining: 1 });
    registerCleanup("client pool", () => pool.close());
    await Promise.all(Array.from({ length: K }, () => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.text())));
    const codes = Array.from({ length: K }, (_, i) => `L${String(i).padStart(3, "0")}`);
    const bodies = codes.map((s) => JSON.stringify({ query: CREATE, variables: { c: stack.companyId, l: list.id, s, v: `Load ${s}` } }));
    const send = (body: string) =>
      pool
        .request({ method: "POST", path: "/graphql", headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` }, body, headersTimeout: 120_000, bodyTimeout: 120_000 })
        .then((r) => r.body.json() as Promise<{ data?: any; errors?: unknown[] }>);
    const hogs = [cpuHog(), cpuHog()];
    try {
      await stack.resetCounters();
      const answers = await Promise.all(bodies.map(send));
      answers.forEach((answer, i) => {
        expect(answer.errors, codes[i]).toBeUndefined();
        expect(answer.data.createConcurListItem).toEqual({ code: codes[i], succeeded: true, error: null });
      });
      const counters = await stack.counters();
      expect(counters[B1]).toEqual({ "201": 2 });
      expect(sumCalls(counters, B1, "429")).toBe(0);
    } finally {
      for (const hog of hogs) hog.kill("SIGKILL");
    }
    const items = (await stack.admin("GET", `/lists/companies/${stack.companyId}/lists/${list.id}/items`)).items as unknown[];
    expect(items).toHaveLength(K);
  }, 60_000);
});
