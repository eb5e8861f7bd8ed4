// Managed mode end to end (issue 10): a customer company is connected with a request token the emulator issues (as
// the App Center does), through the connectCompany mutation and through the landing route; its connection shows in
// GraphQL; queries and mutations then run with the gateway's own API keys, each company at its data center. The
// gateway's callers are checked before any upstream call, and disconnectCompany revokes at Concur.
import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } from "../../src/emulator/index.js";
import { UpsertAccountsDocument } from "../generated/graphql.js";
import { waitForFinal, waitForFinalStatus } from "../helpers/requests.js";
import {
  ACCOUNTS,
  COMPANY_CONNECTION,
  COMPANY_CONNECTIONS,
  CONNECT_COMPANY,
  CONNECTION_CHANGED,
  createApiKey,
  DISCONNECT_COMPANY,
  getLanding,
  ROUTES,
  startStack,
  sumCalls,
  tokenCalls,
  type ConnectionFields,
  type Stack,
} from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const ADMIN_USER = "00000000-0000-4000-8000-0000000000a1";
const OTHER_ADMIN_USER = "00000000-0000-4000-8000-0000000000a2";
const API = "/accountingintegration/v4";

type Change = { companyConnectionChanged: { companyId: string; state: string; reason: string } };

describe("managed mode: connecting companies and calling them with API keys", () => {
  let stack: Stack;
  /** Admin of both demo companies (the stack's demo key). */
  let admin: string;
  let readA: string;
  let writeA: string;
  let writeB: string;
  const A = DEMO.companyId;
  const B = DEMO.secondCompanyId;

  const connection = async (companyId: string, key = admin): Promise<ConnectionFields | null> => {
    const res = await stack.graphql<{ companyConnection: ConnectionFields | null }>(COMPANY_CONNECTION, { companyId }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.companyConnection;
  };
  const accounts = (companyId: string, erpId: string, key: string | null, first = 100) => stack.graphql(ACCOUNTS, { companyId, erpId, first }, key);
  const accountIds = (res: { data?: any }) => (res.data?.erpIntegration?.accounts?.edges ?? []).map((e: { node: { id: string } }) => e.node.id);
  const codesOf = (res: { errors?: any[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

  /** A connection-change subscriber proven live by a probe published on its channel (no replay exists for this topic). */
  async function liveChanges(companyId: string, key = admin): Promise<Subscriber<Change>> {
    const sub = subscribe<Change>(stack.gateway.wsUrl, key, CONNECTION_CHANGED, { companyId });
    await waitFor(
      () => {
        if (sub.errors) throw new Error(JSON.stringify(sub.errors));
        stack.gateway.services.pubsub.publish("CONNECTION_CHANGED", { companyId, state: "CONNECTED", reason: "probe" });
        return sub.events.some((e) => e.companyConnectionChanged.reason === "probe");
      },
      5_000,
      "the connection subscription to be live",
    );
    return sub;
  }
  /** The changes a subscriber heard, without the liveness probes (a late probe may still arrive). */
  const heard = (sub: Subscriber<Change>) => sub.events.map((e) => e.companyConnectionChanged).filter((c) => c.reason !== "probe");

  beforeAll(async () => {
    // Nothing connected at start: every connection below is made by the test.
    stack = await startStack({ managed: { connectDemo: false }, env: { CACHE_TTL_SECONDS: "0" } });
    admin = stack.token;
    readA = await createApiKey(stack, "read", [A], "reader of A");
    writeA = await createApiKey(stack, "write", [A], "writer of A");
    writeB = await createApiKey(stack, "write", [B], "writer of B");
  });

  afterAll(async () => {
    await stack?.stop();
  });

  // Without credentials the request token itself is the credential (test/e2e/connect-landing.test.ts); credentials
  // that are sent must be an admin's of the company.
  it("the landing route refuses credentials that are not an admin's of the company (403), and connects nothing", async () => {
    const before = await tokenCalls(stack);
    const { requestToken } = stack.emulator.issueRequestToken(A);
    const params = { id: A, requestToken, userId: ADMIN_USER };

    const writer = await getLanding(stack, params, writeA);
    expect(writer.status).toBe(403);
    expect(writer.body.code).toBe("FORBIDDEN");
    expect(writer.text).not.toContain(requestToken);

    // An admin of another company only cannot bind this one either.
    const adminOfB = await createApiKey(stack, "admin", [B], "admin of B");
    expect((await getLanding(stack, params, adminOfB)).status).toBe(403);

    expect(await tokenCalls(stack)).toBe(before);
    expect(await connection(A)).toBeNull();
    expect(await connection(B)).toBeNull();
  });

  it("before connecting, a query for the company says NEEDS_RECONNECT (connect it) without calling Concur", async () => {
    await stack.resetCounters();
    const res = await accounts(A, DEMO.erpId, readA);
    expect(codesOf(res)).toContain("NEEDS_RECONNECT");
    expect(res.errors![0].message).toMatch(/Connect/);
    expect(await stack.counters()).toEqual({});
  });

  it("connectCompany (admin key) exchanges an emulator-issued request token: CONNECTED with geolocation, scopes and expiries", async () => {
    const changes = await liveChanges(A);
    const before = await tokenCalls(stack);
    const { requestToken } = stack.emulator.issueRequestToken(A);
    const startedAt = Date.now();

    const res = await stack.graphql<{ connectCompany: ConnectionFields }>(CONNECT_COMPANY, { companyId: A, requestToken, userId: ADMIN_USER });
    expect(res.errors).toBeUndefined();
    const connected = res.data!.connectCompany;
    expect(connected).toMatchObject({ companyId: A, state: "CONNECTED", geolocation: stack.emulator.dataCenters[0].url, connectedByUserId: ADMIN_USER, lastError: null });
    expect(connected.scopes).toEqual(expect.arrayContaining(["spend.accountingintegration.read", "spend.accountingintegration.write"]));
    // The emulator's answer: a 1 h access token and a refresh token for 180 days (emulator clock = now here).
    expect(Date.parse(connected.accessTokenExpiresAt!) - startedAt).toBeGreaterThan(55 * 60_000);
    expect(Date.parse(connected.accessTokenExpiresAt!) - startedAt).toBeLessThanOrEqual(60 * 60_000 + 5_000);
    expect(Math.abs(Date.parse(connected.refreshTokenExpiresAt) - (startedAt + 180 * DAY_MS))).toBeLessThan(60_000);
    expect(Date.parse(connected.connectedAt)).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(await tokenCalls(stack)).toBe(before + 1);

    // The same through the read query, by a read key of the company.
    expect(await connection(A, readA)).toMatchObject({ state: "CONNECTED", geolocation: stack.emulator.dataCenters[0].url, scopes: connected.scopes });
    await waitFor(() => heard(changes).length >= 1, 5_000, "the CONNECTED change");
    expect(heard(changes)).toEqual([{ companyId: A, state: "CONNECTED", reason: "connected" }]);
    await changes.close();
  });

  it("the landing route connects with an admin key, reading the user from userId and from userID", async () => {
    // Reconnect A through the landing route with `userId`.
    const first = await getLanding(stack, { id: A, requestToken: stack.emulator.issueRequestToken(A).requestToken, userId: OTHER_ADMIN_USER }, admin);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ connected: true, companyId: A, state: "CONNECTED", geolocation: stack.emulator.dataCenters[0].url });
    expect((await connection(A))!.connectedByUserId).toBe(OTHER_ADMIN_USER);

    // Connect B (second data center) with `userID`, as Concur's redirect may spell it.
    const second = await getLanding(stack, { id: B, requestToken: stack.emulator.issueRequestToken(B).requestToken, userID: ADMIN_USER }, admin);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ connected: true, companyId: B, state: "CONNECTED" });
    const b = await connection(B);
    expect(b).toMatchObject({ companyId: B, state: "CONNECTED", connectedByUserId: ADMIN_USER, geolocation: stack.emulator.dataCenters[1].url });

    // The admin key lists both; a key of A only sees A.
    const all = await stack.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, admin);
    expect(all.data!.companyConnections.map((c) => c.companyId).sort()).toEqual([A, B].sort());
    const onlyA = await stack.graphql<{ companyConnections: ConnectionFields[] }>(COMPANY_CONNECTIONS, {}, readA);
    expect(onlyA.data!.companyConnections.map((c) => c.companyId)).toEqual([A]);
  });

  it("a request token that Concur refuses is a coded BAD_USER_INPUT and leaves the connection as it was", async () => {
    const before = await connection(A);
    const res = await stack.graphql(CONNECT_COMPANY, { companyId: A, requestToken: "not-a-request-token" });
    expect(codesOf(res)).toEqual(["BAD_USER_INPUT"]);
    expect(await connection(A)).toEqual(before);
  });

  it("queries and mutations run with API keys: a read key reads, a write key writes (the record lands at Concur)", async () => {
    const read = await accounts(A, DEMO.erpId, readA);
    expect(read.errors).toBeUndefined();
    expect(accountIds(read).length).toBeGreaterThan(0);

    const id = `ACC-MANAGED-${randomUUID().slice(0, 8)}`;
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id, name: "Managed", number: "70100", type: "EXPENSE" }] }, writeA);
    expect(write.errors).toBeUndefined();
    const requestId = write.data.upsertAccounts.request.requestId as string;
    expect(requestId).toBeTruthy();
    const base = `${API}/companies/${A}/erps/${DEMO.erpId}`;
    expect((await waitForFinal(stack.emulator, stack.emulator.issueToken(A), base, requestId)).status).toBe("SUCCESS");
    // Followed through the gateway too, with the read key.
    expect(await waitForFinalStatus(stack, { requestId, token: readA })).toBe("SUCCESS");
  });

  it("the company of the second data center is served from it (the emulator refuses its token anywhere else)", async () => {
    const [primary, second] = stack.emulator.dataCenters;
    expect((await connection(B))!.geolocation).toBe(second.url);

    const res = await accounts(B, DEMO.secondErpId, writeB);
    expect(res.errors).toBeUndefined();
    expect(accountIds(res)).toHaveLength(4);

    // The premise of the proof: B's own token is refused at the primary data center and accepted at the second.
    const token = await stack.gateway.services.connections!.accessToken(B);
    const path = `${API}/companies/${B}/erps/${DEMO.secondErpId}/accounts`;
    const wrong = await request(`${primary.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await wrong.body.dump();
    expect(wrong.statusCode).toBe(401);
    const right = await request(`${second.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await right.body.dump();
    expect(right.statusCode).toBe(200);

    // And a write for B goes there too.
    const id = `ACC-EU-${randomUUID().slice(0, 8)}`;
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: B, erpId: DEMO.secondErpId, accounts: [{ id, name: "EU", number: "70200", type: "EXPENSE" }] }, writeB);
    expect(write.errors).toBeUndefined();
    const base = `${API}/companies/${B}/erps/${DEMO.secondErpId}`;
    expect((await waitForFinal(second, stack.emulator.issueToken(B), base, write.data.upsertAccounts.request.requestId)).status).toBe("SUCCESS");
    await waitFor(async () => accountIds(await accounts(B, DEMO.secondErpId, writeB)).includes(id), 5_000, "the new account of B to be readable through the gateway");
  });

  it("a key of company A used on company B is FORBIDDEN before any upstream call", async () => {
    await stack.resetCounters();
    const read = await accounts(B, DEMO.secondErpId, readA);
    expect(codesOf(read)).toEqual(["FORBIDDEN"]);
    expect(read.errors![0].message).toContain(B);
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: B, erpId: DEMO.secondErpId, accounts: [{ id: "ACC-X", name: "X", number: null, type: "EXPENSE" }] }, writeA);
    expect(codesOf(write)).toEqual(["FORBIDDEN"]);
    expect(codesOf(await stack.graphql(COMPANY_CONNECTION, { companyId: B }, writeA))).toEqual(["FORBIDDEN"]);
    expect(codesOf(await stack.graphql(DISCONNECT_COMPANY, { companyId: B }, writeA))).toEqual(["FORBIDDEN"]);

    // Over graphql-ws too.
    const sub = subscribe<Change>(stack.gateway.wsUrl, readA, CONNECTION_CHANGED, { companyId: B });
    await waitFor(() => sub.errors, 5_000, "the subscription to be refused");
    expect(sub.errors!.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);

    expect(await stack.counters()).toEqual({});
    expect((await connection(B))!.state).toBe("CONNECTED");
  });

  it("a read key cannot mutate: FORBIDDEN and nothing is written", async () => {
    await stack.resetCounters();
    const id = `ACC-RO-${randomUUID().slice(0, 8)}`;
    const res = await stack.graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id, name: "Read-only", number: null, type: "EXPENSE" }] }, readA);
    expect(codesOf(res)).toEqual(["FORBIDDEN"]);
    expect(res.errors![0].message).toMatch(/role write/);
    // A read key cannot connect or disconnect either (admin).
    expect(codesOf(await stack.graphql(CONNECT_COMPANY, { companyId: A, requestToken: stack.emulator.issueRequestToken(A).requestToken }, readA))).toEqual(["FORBIDDEN"]);
    expect(codesOf(await stack.graphql(DISCONNECT_COMPANY, { companyId: A }, writeA))).toEqual(["FORBIDDEN"]);
    expect(await stack.counters()).toEqual({});
    expect(accountIds(await accounts(A, DEMO.erpId, readA))).not.toContain(id);
  });

  it("no credentials, a malformed or unknown key, a Concur token, or a revoked key: UNAUTHENTICATED, no upstream call", async () => {
    const revocable = await createApiKey(stack, "write", [A], "to revoke");
    expect((await accounts(A, DEMO.erpId, revocable)).errors).toBeUndefined();
    const keyId = (await stack.gateway.services.apiKeys!.list()).find((k) => k.name === "to revoke")!.keyId;
    await stack.gateway.services.apiKeys!.revoke(keyId);

    await stack.resetCounters();
    for (const key of [null, "nonsense", `cg_000000000000_${"x".repeat(43)}`, stack.emulator.issueToken(A), revocable]) {
      const res = await accounts(A, DEMO.erpId, key);
      expect(codesOf(res), `credentials ${key === null ? "none" : key.slice(0, 12)}`).toEqual(["UNAUTHENTICATED"]);
      expect(JSON.stringify(res)).not.toContain(key ?? "\u0000");
    }
    const revokedWrite = await stack.graphql(UpsertAccountsDocument, { companyId: A, erpId: DEMO.erpId, accounts: [{ id: "ACC-REV", name: "R", number: null, type: "EXPENSE" }] }, revocable);
    expect(codesOf(revokedWrite)).toEqual(["UNAUTHENTICATED"]);
    expect((await getLanding(stack, { id: A, requestToken: "x", userId: ADMIN_USER }, revocable)).status).toBe(401);

    const anonymousSub = subscribe<Change>(stack.gateway.wsUrl, null, CONNECTION_CHANGED, { companyId: A });
    await waitFor(() => anonymousSub.errors, 5_000, "the anonymous subscription to be refused");
    expect(anonymousSub.errors!.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(await stack.counters()).toEqual({});
  });

  it("disconnectCompany revokes at Concur, deletes the connection, and later queries say NEEDS_RECONNECT; the subscription sees it", async () => {
    const changes = await liveChanges(A, readA);
    // The refresh token that is about to be revoked, read with the gateway's own keys (test only).
    const refreshToken = await storedRefreshToken(A);
    await stack.resetCounters();

    const res = await stack.graphql<{ disconnectCompany: boolean }>(DISCONNECT_COMPANY, { companyId: A }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.disconnectCompany).toBe(true);
    expect(sumCalls(await stack.counters(), ROUTES.revokeConnection, "200")).toBe(1);
    await waitFor(() => heard(changes).length >= 1, 5_000, "the DISCONNECTED change");
    expect(heard(changes)).toEqual([{ companyId: A, state: "DISCONNECTED", reason: "disconnected" }]);

    expect(await connection(A)).toBeNull();
    const after = await accounts(A, DEMO.erpId, readA);
    expect(codesOf(after)).toEqual(["NEEDS_RECONNECT"]);
    expect(after.errors![0].message).toMatch(/Connect/);
    // Concur no longer accepts the refresh token (code 108).
    const refresh = await request(`${stack.emulator.dataCenters[0].url}/oauth2/v0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET, refresh_token: refreshToken }).toString(),
    });
    expect(((await refresh.body.json()) as { code: number }).code).toBe(108);
    // B is untouched.
    expect((await connection(B))!.state).toBe("CONNECTED");
    expect(accountIds(await accounts(B, DEMO.secondErpId, writeB)).length).toBeGreaterThanOrEqual(4);
    // A second disconnect finds nothing.
    expect((await stack.graphql(DISCONNECT_COMPANY, { companyId: A }, admin)).data!.disconnectCompany).toBe(false);

    // Connecting again with a new request token brings A back, and the subscriber hears it.
    const again = await stack.graphql<{ connectCompany: ConnectionFields }>(CONNECT_COMPANY, { companyId: A, requestToken: stack.emulator.issueRequestToken(A).requestToken });
    expect(again.data!.connectCompany.state).toBe("CONNECTED");
    await waitFor(() => heard(changes).length >= 2, 5_000, "the CONNECTED change");
    expect(heard(changes)[1]).toEqual({ companyId: A, state: "CONNECTED", reason: "connected" });
    expect((await accounts(A, DEMO.erpId, readA)).errors).toBeUndefined();
    await changes.close();
  });

  /** The plaintext refresh token of a company, through the gateway's own store (the only way to learn it). */
  async function storedRefreshToken(companyId: string): Promise<string> {
    const { openConnectionStore, parseEncryptionKeys } = await import("../../src/connections/store/index.js");
    const store = await openConnectionStore({ databaseUrl: stack.config.managed!.databaseUrl, keys: parseEncryptionKeys(stack.config.managed!.encryptionKeys) });
    try {
      return (await store.get(companyId))!.refreshToken;
    } finally {
      await store.close();
    }
  }
});
