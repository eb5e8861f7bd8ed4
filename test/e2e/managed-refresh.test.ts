// Managed mode end to end (issue 10): the gateway refreshes a company's access token once for many concurrent
// queries when Concur stops accepting it (the emulator's clock moves past its hour), and when Concur refuses the
// refresh token (revoked or expired at the emulator) the connection turns NEEDS_RECONNECT, queries get a coded
// error that says what to do, and no further token calls are made.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { RequestStatusDocument as REQUEST_STATUS, UpsertAccountsDocument } from "../generated/graphql.js";
import {
  ACCOUNTS,
  COMPANY_CONNECTION,
  CONNECT_COMPANY,
  CONNECTION_CHANGED,
  createApiKey,
  ROUTES,
  startStack,
  sumCalls,
  tokenCalls,
  type ConnectionFields,
  type Stack,
} from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

/** Past the access token's hour on the emulator clock (the refresh token's 180 days are far away). */
const PAST_ACCESS_EXPIRY_MS = 61 * 60_000;
const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const ERP: Record<string, string> = { [A]: DEMO.erpId, [B]: DEMO.secondErpId };

type Change = { companyConnectionChanged: { companyId: string; state: string; reason: string } };

describe("managed mode: token refresh and reconnect", () => {
  let stack: Stack;
  let reader: string;
  let writer: string;

  const codesOf = (res: { errors?: any[] }) => (res.errors ?? []).map((e) => e.extensions?.code);
  /** `count` concurrent queries for the company, each a distinct upstream call (distinct page sizes, no cache). */
  const burst = (companyId: string, count: number) =>
    Promise.all(Array.from({ length: count }, (_, i) => stack.graphql(ACCOUNTS, { companyId, erpId: ERP[companyId], first: i + 1 }, reader)));
  const connection = async (companyId: string): Promise<ConnectionFields> => {
    const res = await stack.graphql<{ companyConnection: ConnectionFields }>(COMPANY_CONNECTION, { companyId });
    expect(res.errors).toBeUndefined();
    return res.data!.companyConnection;
  };

  beforeAll(async () => {
    // Both demo companies connected through the landing route; no page cache, so every query reaches Concur.
    stack = await startStack({ managed: {}, env: { CACHE_TTL_SECONDS: "0" } });
    reader = await createApiKey(stack, "read", [A, B]);
    writer = await createApiKey(stack, "write", [A]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("an access token Concur no longer accepts (emulator clock +1 h): 50 concurrent queries, exactly one refresh", async () => {
    for (const companyId of [A, B]) expect((await burst(companyId, 1))[0].errors).toBeUndefined();
    const before = await connection(A);
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();

    const results = await burst(A, 50);
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    results.forEach((r, i) => expect(r.data.erpIntegration.accounts.edges).toHaveLength(i + 1));
    const counters = await stack.counters();
    expect(counters[ROUTES.token]).toEqual({ "200": 1 });
    // The old token was refused (401) and every query was answered with the refreshed one.
    expect(Object.values(counters).reduce((n, byStatus) => n + (byStatus["401"] ?? 0), 0)).toBeGreaterThan(0);

    const after = await connection(A);
    expect(after.state).toBe("CONNECTED");
    expect(Date.parse(after.lastRefreshAt!)).toBeGreaterThan(Date.parse(before.lastRefreshAt!));
    // The second company (other data center) refreshes on its own, once as well.
    await stack.resetCounters();
    expect((await burst(B, 50)).flatMap((r) => r.errors ?? [])).toEqual([]);
    expect((await stack.counters())[ROUTES.token]).toEqual({ "200": 1 });

    // With fresh tokens nothing refreshes again.
    await stack.resetCounters();
    expect((await burst(A, 10)).flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(await tokenCalls(stack)).toBe(0);
  });

  it("50 concurrent queries, each its own upstream call, Concur slow to answer (401s still arriving after the refresh): exactly one refresh", async () => {
    // Each `request` query is its own upstream GET (distinct ids: nothing shared in flight). One request is real;
    // Concur allows one accounts write per second, so the other 49 ids are unknown to it (answered 404 once authorised).
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id: "ACC-REFRESH", name: "Refresh", number: null, type: "EXPENSE" }] }, writer);
    expect(write.errors).toBeUndefined();
    const real = write.data.upsertAccounts.request.requestId as string;
    const requestIds = [real, ...Array.from({ length: 49 }, () => randomUUID())];
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();
    // Concur's API answers take a while (the token endpoint does not): 401s keep arriving after the refresh is done.
    await stack.admin("PUT", "/faults", { latencyMs: 150 });

    const results = await Promise.all(requestIds.map((requestId) => stack.graphql(REQUEST_STATUS, { companyId: A, erpId: DEMO.erpId, requestId }, reader)));
    expect(results[0].errors).toBeUndefined();
    expect(results[0].data.request.requestId).toBe(real);
    for (const res of results.slice(1)) expect(codesOf(res)).toEqual(["NOT_FOUND"]);
    await stack.admin("PUT", "/faults", { latencyMs: 0 });
    const counters = await stack.counters();
    expect(counters[ROUTES.token]).toEqual({ "200": 1 });
    // Every query was answered with the refreshed token (200 or 404); all that went out before the refresh got 401.
    expect(sumCalls(counters, ROUTES.request, "200") + sumCalls(counters, ROUTES.request, "404")).toBe(50);
    expect(sumCalls(counters, ROUTES.request, "401")).toBeGreaterThan(1);
  });

  it("a refresh token revoked (A) or expired (B) at Concur: NEEDS_RECONNECT, a coded error saying what to do, bounded token calls", async () => {
    const subs: Subscriber<Change>[] = [];
    for (const companyId of [A, B]) {
      const sub = subscribe<Change>(stack.gateway.wsUrl, reader, CONNECTION_CHANGED, { companyId });
      await waitFor(
        () => {
          if (sub.errors) throw new Error(JSON.stringify(sub.errors));
          stack.gateway.services.pubsub.publish("CONNECTION_CHANGED", { companyId, state: "CONNECTED", reason: "probe" });
          return sub.events.length > 0;
        },
        5_000,
        "the connection subscription to be live",
      );
      subs.push(sub);
    }
    const heard = (sub: Subscriber<Change>) => sub.events.map((e) => e.companyConnectionChanged).filter((c) => c.reason !== "probe");

    expect((await stack.admin("POST", `/companies/${A}/refresh-tokens/revoke`, {})).revoked).toBeGreaterThan(0);
    expect((await stack.admin("POST", `/companies/${B}/refresh-tokens/expire`, {})).expired).toBeGreaterThan(0);
    await stack.admin("POST", "/clock/advance", { ms: PAST_ACCESS_EXPIRY_MS });
    await stack.resetCounters();

    for (const companyId of [A, B]) {
      // 20 concurrent queries after the access token died: one refresh attempt, refused (108), all get the coded error.
      const first = await burst(companyId, 20);
      for (const res of first) {
        expect(codesOf(res)).toEqual(["NEEDS_RECONNECT"]);
        expect(res.errors![0].message).toContain(companyId);
        expect(res.errors![0].message).toMatch(/click Connect/);
        expect(res.errors![0].extensions).toMatchObject({ code: "NEEDS_RECONNECT", companyId, connectionState: "NEEDS_RECONNECT" });
      }
      const connection_ = await connection(companyId);
      expect(connection_.state).toBe("NEEDS_RECONNECT");
      expect(connection_.lastError).toMatchObject({ code: "108" });
      expect(connection_.accessTokenExpiresAt).toBeNull();
    }
    const counters = await stack.counters();
    expect(counters[ROUTES.token]).toEqual({ "400": 2 });

    // 20 more queries per company: no token call and no API call at all (no retry storm).
    await stack.resetCounters();
    for (const companyId of [A, B]) for (const res of await burst(companyId, 20)) expect(codesOf(res)).toEqual(["NEEDS_RECONNECT"]);
    expect(await stack.counters()).toEqual({});

    for (const [i, companyId] of [A, B].entries()) {
      await waitFor(() => heard(subs[i]).length >= 1, 5_000, `the NEEDS_RECONNECT change of ${companyId}`);
      expect(heard(subs[i])).toEqual([{ companyId, state: "NEEDS_RECONNECT", reason: expect.stringContaining("108") }]);
    }
    await Promise.all(subs.map((s) => s.close()));
  });

  it("a new request token brings a NEEDS_RECONNECT company back: CONNECTED, queries work again", async () => {
    for (const companyId of [A, B]) {
      const { requestToken } = stack.emulator.issueRequestToken(companyId);
      const res = await stack.graphql<{ connectCompany: ConnectionFields }>(CONNECT_COMPANY, { companyId, requestToken });
      expect(res.errors).toBeUndefined();
      expect(res.data!.connectCompany).toMatchObject({ state: "CONNECTED", lastError: null });
      const [query] = await burst(companyId, 1);
      expect(query.errors).toBeUndefined();
    }
  });
});
