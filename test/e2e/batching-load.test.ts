// Batching must not depend on the machine's load: K concurrent mutations take the packing lower bound of PATCH
// calls (here 1: they are tiny) also while two CPU hogs compete with the gateway for the 2 cores.
import { spawn, type ChildProcess } from "node:child_process";
import { print } from "graphql";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpsertAccountsDocument } from "../generated/graphql.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";

/** A process that keeps one core busy until killed (bounded: it exits by itself after 60 s). */
function cpuHog(): ChildProcess {
  const hog = spawn(process.execPath, ["-e", "const end = Date.now() + 60000; while (Date.now() < end) {}"], { stdio: "ignore" });
  registerCleanup("cpu hog", () => void hog.kill("SIGKILL"));
  return hog;
}

describe("write batching under CPU load", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ webhooks: false });
  });
  afterAll(() => stack.stop());

  it("K=200 concurrent single-record upserts with two CPU hogs running: 1 PATCH (the lower bound), every caller answered", async () => {
    const vars = (id: string) => ({ companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id, name: `hog ${id}`, type: "EXPENSE" }] });
    // Take the accounts slot first (and warm the process), as a steady stream would have.
    expect((await stack.graphql(UpsertAccountsDocument, vars("HOG-warm"))).errors).toBeUndefined();
    // The client shares this process with the gateway: open its 200 keep-alive sockets before the hogs start, so the
    // mutations leave at once (a client that is itself slow to send spreads arrivals, which no batching rule can see).
    const pool = new Pool(stack.gateway.origin, { connections: 200, pipelining: 1 });
    registerCleanup("client pool", () => pool.close());
    await Promise.all(Array.from({ length: 200 }, () => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.text())));
    const query = print(UpsertAccountsDocument);
    const ids = Array.from({ length: 200 }, (_, i) => `HOG-${i}`);
    const bodies = ids.map((id) => JSON.stringify({ query, variables: vars(id) }));
    const send = (body: string) =>
      pool
        .request({ method: "POST", path: "/graphql", headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` }, body })
        .then((r) => r.body.json() as Promise<{ data?: any; errors?: unknown[] }>);
    const hogs = [cpuHog(), cpuHog()];
    try {
      await stack.resetCounters();
      const answers = await Promise.all(bodies.map(send));
      for (const [i, answer] of answers.entries()) {
        expect(answer.errors, ids[i]).toBeUndefined();
        expect(answer.data.upsertAccounts.sentIds).toEqual([ids[i]]);
      }
      const patches = (await stack.counters())[ROUTES.patchAccounts] ?? {};
      expect(patches).toEqual({ "202": 1 });
      expect(sumCalls(await stack.counters(), ROUTES.patchAccounts, "429")).toBe(0);
    } finally {
      for (const hog of hogs) hog.kill("SIGKILL");
    }
  });
});
