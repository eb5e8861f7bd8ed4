// Passthrough mode: no stale access after expiry or revocation. A cached answer reaches a token only while Concur
// accepted that token within TOKEN_TRUST_SECONDS; a token Concur refuses is forgotten at once, on every replica.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../src/emulator/index.js";
import { AccountsPageDocument, VendorsPageDocument } from "../generated/graphql.js";
import { startEmulator } from "../helpers/emulator.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

/** A real 1-hour company access token from the emulator's password grant (not a never-expiring test token). */
async function companyToken(emulator: RunningEmulator, companyId: string): Promise<string> {
  const form = new URLSearchParams({ client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET, grant_type: "password", username: companyId, password: emulator.issueRequestToken(companyId).requestToken, credtype: "authtoken" });
  const res = await request(`${emulator.url}/oauth2/v0/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
  return ((await res.body.json()) as { access_token: string }).access_token;
}

const advanceClock = async (emulator: RunningEmulator, ms: number) => {
  const res = await request(`${emulator.url}/_emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms }) });
  await res.body.text();
};

const codeOf = (result: { errors?: any[] }) => result.errors?.[0]?.extensions?.code;

describe("token trust (passthrough)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ webhooks: false, env: { TOKEN_TRUST_SECONDS: "1", CACHE_TTL_SECONDS: "300" } });
  });
  afterAll(() => stack.stop());

  it("an expired token stops getting cached answers within TOKEN_TRUST_SECONDS, and a refused one at once", async () => {
    const token = await companyToken(stack.emulator, stack.companyId);
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 5 };
    // Three times: Apollo runs it, the fast path runs it and keeps its answer, the third is that answer reused.
    for (let i = 0; i < 3; i++) expect((await stack.graphql(AccountsPageDocument, vars, token)).errors).toBeUndefined();
    await advanceClock(stack.emulator, 2 * 60 * 60 * 1000); // the token has expired at Concur
    const started = Date.now();
    // The page is still cached for 300 s, but within the 1 s trust window the token must be checked again.
    await waitFor(async () => codeOf(await stack.graphql(AccountsPageDocument, vars, token)) === "UNAUTHENTICATED", 5_000, "UNAUTHENTICATED for the expired token");
    expect(Date.now() - started).toBeLessThan(3_000);
    // Refused: no cached answer for it any more, not even once.
    expect(codeOf(await stack.graphql(AccountsPageDocument, vars, token))).toBe("UNAUTHENTICATED");
    // A good token still reads the cached page.
    expect((await stack.graphql(AccountsPageDocument, vars)).errors).toBeUndefined();
  });
});

describe.runIf(redisAvailable())("token trust across replicas (Redis)", () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let a: Stack;
  let b: Stack;
  beforeAll(async () => {
    redis = await startRedis();
    emulator = await startEmulator({ seed: "demo" });
    const env = { REDIS_URL: redis.url, TOKEN_TRUST_SECONDS: "300", CACHE_TTL_SECONDS: "300" };
    a = await startStack({ sharedEmulator: emulator, webhooks: false, env });
    b = await startStack({ sharedEmulator: emulator, webhooks: false, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await emulator?.stop();
    await redis?.stop();
  });

  it("a 401 seen by one replica makes the other stop serving that token's cached pages at once, whatever the window", async () => {
    const token = await companyToken(emulator, a.companyId);
    const vars = { companyId: a.companyId, erpId: a.erpId, first: 5 };
    expect((await b.graphql(AccountsPageDocument, vars, token)).errors).toBeUndefined(); // cached and trusted on B for 300 s
    await advanceClock(emulator, 2 * 60 * 60 * 1000);
    // Replica A reads something uncached with the expired token: Concur answers 401.
    expect(codeOf(await a.graphql(VendorsPageDocument, vars, token))).toBe("UNAUTHENTICATED");
    // B heard it: its cached accounts page is no longer served to that token.
    await waitFor(async () => codeOf(await b.graphql(AccountsPageDocument, vars, token)) === "UNAUTHENTICATED", 2_000, "replica B to refuse the token");
  });
});
