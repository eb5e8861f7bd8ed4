// Issue 21 item 1 over GraphQL: Concur's redirect may carry the company UUID in upper case. Whatever case a company id
// arrives in (a GraphQL argument, a subscription argument, an API key's scope), the gateway acts for the one
// canonical lower-case company: connected under it, found by it, allowed by a key scoped to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { ACCOUNTS, COMPANY_CONNECTION, CONNECT_COMPANY, CONNECTION_CHANGED, createApiKey, DISCONNECT_COMPANY, startStack, type ConnectionFields, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const A = DEMO.companyId;
const UPPER_A = A.toUpperCase();
const ADMIN_USER = "00000000-0000-4000-8000-0000000000a1";

describe("company ids in any letter case name one company", () => {
  let stack: Stack;
  /** Admin of A, scoped to the lower-case id. */
  let adminA: string;

  const accountIds = (res: { data?: any }) => (res.data?.erpIntegration?.accounts?.edges ?? []).map((e: { node: { id: string } }) => e.node.id);

  beforeAll(async () => {
    expect(UPPER_A).not.toBe(A);
    stack = await startStack({ managed: { connectDemo: false } });
    adminA = await createApiKey(stack, "admin", [A], "admin of A (lower case)");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("connectCompany with the upper-case id, by an admin scoped to the lower-case id: connected under the lower-case id", async () => {
    const changes = subscribe<{ companyConnectionChanged: { companyId: string; state: string } }>(stack.gateway.wsUrl, adminA, CONNECTION_CHANGED, { companyId: UPPER_A });
    // Live once a probe on the canonical id reaches the upper-case subscriber.
    await waitFor(
      () => {
        if (changes.errors) throw new Error(JSON.stringify(changes.errors));
        stack.gateway.services.pubsub.publish("CONNECTION_CHANGED", { companyId: A, state: "CONNECTED", reason: "probe" });
        return changes.events.length > 0;
      },
      10_000,
      "the upper-case subscription to hear the lower-case company",
    );

    const { requestToken } = stack.emulator.issueRequestToken(A);
    const res = await stack.graphql<{ connectCompany: ConnectionFields }>(CONNECT_COMPANY, { companyId: UPPER_A, requestToken, userId: ADMIN_USER }, adminA);
    expect(res.errors).toBeUndefined();
    expect(res.data!.connectCompany).toMatchObject({ companyId: A, state: "CONNECTED" });

    for (const companyId of [A, UPPER_A]) {
      const found = await stack.graphql<{ companyConnection: ConnectionFields | null }>(COMPANY_CONNECTION, { companyId }, adminA);
      expect(found.errors).toBeUndefined();
      expect(found.data!.companyConnection).toMatchObject({ companyId: A, state: "CONNECTED" });
    }
    const listed = await stack.graphql<{ companyConnections: Array<{ companyId: string }> }>(`{ companyConnections { companyId } }`, {}, adminA);
    expect(listed.data!.companyConnections.map((c) => c.companyId)).toEqual([A]);
    await changes.close();
  });

  it("a key scoped to the upper-case id and a key scoped to the lower-case id both read the company under either id", async () => {
    const readUpper = await createApiKey(stack, "read", [UPPER_A], "reader scoped in upper case");
    const readLower = await createApiKey(stack, "read", [A], "reader scoped in lower case");
    let expected: string[] | undefined;
    for (const key of [readUpper, readLower]) {
      for (const companyId of [A, UPPER_A, ` ${UPPER_A} `]) {
        const res = await stack.graphql(ACCOUNTS, { companyId, erpId: DEMO.erpId, first: 5 }, key);
        expect(res.errors).toBeUndefined();
        expected ??= accountIds(res);
        expect(accountIds(res)).toEqual(expected);
      }
    }
    expect(expected!.length).toBeGreaterThan(0);
    // Another company stays out of reach, in any case, with the canonical id in the message.
    const other = await stack.graphql(ACCOUNTS, { companyId: DEMO.secondCompanyId.toUpperCase(), erpId: DEMO.erpId, first: 5 }, readUpper);
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(other.errors?.[0]?.message).toContain(DEMO.secondCompanyId);
  });

  it("disconnectCompany with the upper-case id disconnects the lower-case company", async () => {
    const res = await stack.graphql<{ disconnectCompany: boolean }>(DISCONNECT_COMPANY, { companyId: UPPER_A }, adminA);
    expect(res.errors).toBeUndefined();
    expect(res.data!.disconnectCompany).toBe(true);
    const found = await stack.graphql<{ companyConnection: ConnectionFields | null }>(COMPANY_CONNECTION, { companyId: A }, adminA);
    expect(found.data!.companyConnection).toBeNull();
  });
});
