// A Redis outage must not hang the gateway: with the shared Redis killed, reads answer (uncached, from Concur) and
// writes are still paced and sent; once Redis is back on the same address, the gateway carries on by itself.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountsPageDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

describe.runIf(redisAvailable())("Redis outage (one replica on a real Redis)", () => {
  let redis: RedisServer;
  let stack: Stack;
  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack({ webhooks: false, env: { REDIS_URL: redis.url } });
  });
  afterAll(() => stack?.stop());

  const timed = async <T>(run: () => Promise<T>) => {
    const started = Date.now();
    const value = await run();
    return { value, ms: Date.now() - started };
  };

  it("reads and writes keep answering while Redis is down, and after it returns", async () => {
    const vars = (after: string | null = null) => ({ companyId: stack.companyId, erpId: stack.erpId, first: 5, after });
    expect((await stack.graphql(AccountsPageDocument, vars())).errors).toBeUndefined();
    await redis.stop();

    const read = await timed(() => stack.graphql(AccountsPageDocument, vars()));
    expect(read.value.errors).toBeUndefined();
    expect(read.ms).toBeLessThan(5_000);
    // Not cached anywhere: the read goes to Concur instead of waiting for Redis.
    const uncached = await timed(() => stack.graphql(AccountsPageDocument, { ...vars(), first: 7 }));
    expect(uncached.value.errors).toBeUndefined();
    expect(uncached.value.data.erpIntegration.accounts.edges).toHaveLength(7);
    expect(uncached.ms).toBeLessThan(5_000);
    const write = await timed(() => stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: "OUTAGE-1", name: "During the outage", type: "EXPENSE" }] }));
    expect(write.value.errors).toBeUndefined();
    expect(write.value.data.upsertAccounts.sentIds).toEqual(["OUTAGE-1"]);
    expect(write.ms).toBeLessThan(8_000);

    // Redis back on the same address.
    const port = new URL(redis.url).port;
    const revived = spawn("redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    registerCleanup("revived redis-server", () => void revived.kill("SIGTERM"));
    await waitFor(async () => (await stack.graphql(AccountsPageDocument, vars())).errors === undefined, 10_000, "reads after Redis returned");
    const again = await stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: "OUTAGE-2", name: "After the outage", type: "EXPENSE" }] });
    expect(again.errors).toBeUndefined();
  }, 60_000);
});
