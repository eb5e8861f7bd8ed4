// Identical queries share one execution (src/http/result-sharing.ts): concurrent ones wait for it, later ones get its
// serialized answer back, but only while every cached page under it is unchanged, the token is still trusted and
// (managed mode) the caller's company checks still pass. Expired tokens: test/e2e/token-trust.test.ts. Through HTTP against the gateway and the emulator.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountsPageDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { waitForFinalStatus } from "../helpers/requests.js";
import { createApiKey, ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

async function gauge(stack: Stack, name: string): Promise<number> {
  const res = await request(`${stack.gateway.origin}/metrics`);
  const text = await res.body.text();
  const line = text.split("\n").find((l) => l.startsWith(`concur_graph_${name} `));
  if (!line) throw new Error(`metric concur_graph_${name} not found`);
  return Number(line.split(" ")[1]);
}

const names = (res: { data?: any }) => res.data?.erpIntegration?.accounts?.edges?.map((e: any) => `${e.node.id}:${e.node.name}`);

describe("answer sharing, page cache on (default)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { pageBytes: 20_000 } });
  });
  afterAll(() => stack?.stop());
  const vars = (first: number) => ({ companyId: stack.companyId, erpId: stack.erpId, first });

  it("a repeated query is answered again from its first execution, and a write makes the next answer fresh", async () => {
    const first = await stack.graphql(AccountsPageDocument, vars(4)); // Apollo validates and runs this text
    expect(first.errors).toBeUndefined();
    const reusedBefore = await gauge(stack, "answers_reused");
    await stack.resetCounters();
    const again = [await stack.graphql(AccountsPageDocument, vars(4)), await stack.graphql(AccountsPageDocument, vars(4)), await stack.graphql(AccountsPageDocument, vars(4))];
    for (const res of again) expect(res).toEqual(first);
    expect(await gauge(stack, "answers_reused")).toBeGreaterThanOrEqual(reusedBefore + 2);
    expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(0);

    // Rename the first account: once Concur has processed the write, the cache is invalidated and so is the answer.
    const target = first.data.erpIntegration.accounts.edges[0].node;
    const write = await stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: target.id, name: "Renamed by the sharing test", type: target.type }] });
    expect(write.errors).toBeUndefined();
    expect(await waitForFinalStatus(stack, { requestId: write.data.upsertAccounts.request.requestId })).toBe("SUCCESS");
    const fresh = await waitFor(async () => {
      const res = await stack.graphql(AccountsPageDocument, vars(4));
      return names(res)?.[0] === `${target.id}:Renamed by the sharing test` ? res : undefined;
    }, 10_000, "the renamed account in the answer");
    expect(names(fresh).slice(1)).toEqual(names(first).slice(1));
  });

  it("never hands an answer to other credentials: another company's token is refused, another token of the same company is checked by Concur first", async () => {
    const ok = await stack.graphql(AccountsPageDocument, vars(6));
    await stack.graphql(AccountsPageDocument, vars(6)); // stored for reuse
    const { companyId: otherCompany } = await stack.admin("POST", "/companies", {});
    const foreign = await stack.graphql(AccountsPageDocument, vars(6), stack.emulator.issueToken(otherCompany));
    expect(foreign.data?.erpIntegration ?? null).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    await stack.resetCounters();
    const sameCompany = await stack.graphql(AccountsPageDocument, vars(6), stack.emulator.issueToken(stack.companyId));
    expect(names(sameCompany)).toEqual(names(ok));
    // A token the gateway has not seen Concur accept is not served anything cached: its read went to Concur.
    expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBeGreaterThanOrEqual(1);
  });
});

describe("answer sharing, page cache off (CACHE_TTL_SECONDS=0)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { pageBytes: 20_000 }, env: { CACHE_TTL_SECONDS: "0" } });
  });
  afterAll(() => stack?.stop());

  it("identical queries in flight together run once; later ones run again (nothing is kept)", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 8 };
    await stack.graphql(AccountsPageDocument, vars); // through Apollo once: the fast path knows the text
    await stack.admin("PUT", "/faults", { latencyMs: 150 });
    try {
      await stack.resetCounters();
      const together = await Promise.all(Array.from({ length: 12 }, () => stack.graphql(AccountsPageDocument, vars)));
      for (const res of together) expect(res).toEqual(together[0]);
      expect(together[0].errors).toBeUndefined();
      expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(1);
      expect(await gauge(stack, "answers_joined")).toBeGreaterThanOrEqual(1);

      await stack.resetCounters();
      await stack.graphql(AccountsPageDocument, vars);
      await stack.graphql(AccountsPageDocument, vars);
      expect(sumCalls(await stack.counters(), ROUTES.accounts)).toBe(2);
      expect(await gauge(stack, "answers_reused")).toBe(0);
    } finally {
      await stack.admin("PUT", "/faults", { latencyMs: 0 });
    }
  });
});

describe("answer sharing, managed mode", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ managed: {} });
  });
  afterAll(() => stack?.stop());

  it("a revoked API key gets no reused answer", async () => {
    const created = await stack.gateway.services.apiKeys!.create({ name: "sharing test", role: "read", companies: [stack.companyId] });
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 5 };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await stack.graphql(AccountsPageDocument, vars, created.key));
    expect(answers[0].errors).toBeUndefined();
    expect(answers[2]).toEqual(answers[0]);
    expect(await gauge(stack, "answers_reused")).toBeGreaterThanOrEqual(1);

    await stack.gateway.services.apiKeys!.revoke(created.record.keyId);
    const refused = await waitFor(async () => {
      const res = await stack.graphql(AccountsPageDocument, vars, created.key);
      return res.errors?.length ? res : undefined;
    }, 10_000, "the revoked key to be refused");
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(refused.data?.erpIntegration ?? null).toBeNull();
  });

  it("a key for another company only does not get the answer a key of this company made", async () => {
    const mine = await createApiKey(stack, "read", [stack.companyId]);
    const theirs = await createApiKey(stack, "read", [stack.secondCompanyId]);
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 7 };
    for (let i = 0; i < 3; i++) expect((await stack.graphql(AccountsPageDocument, vars, mine)).errors).toBeUndefined();
    const res = await stack.graphql(AccountsPageDocument, vars, theirs);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
