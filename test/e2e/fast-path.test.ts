// The compiled fast path (src/server/graphql-http.ts) must answer exactly what Apollo's pipeline answers:
// the first request of a query text goes through Apollo, repeats of it through the fast path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentNode } from "graphql";
import { AccountsPageDocument } from "../generated/graphql.js";
import { startStack, type Stack } from "../helpers/stack.js";

let stack: Stack;
let otherCompanyToken: string;

beforeAll(async () => {
  stack = await startStack({ emulator: { pageBytes: 20_000 } });
  const { companyId } = await stack.admin("POST", "/companies", {});
  otherCompanyToken = stack.emulator.issueToken(companyId);
});
afterAll(() => stack?.stop());

const ACCOUNTS = AccountsPageDocument;

/** Correlation ids are per upstream call; everything else must match. */
const withoutCorrelation = (response: unknown) => JSON.parse(JSON.stringify(response).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>"));

async function twice(query: string | DocumentNode, variables: Record<string, unknown>, token?: string | null) {
  const first = await stack.graphql(query, variables, token);
  const second = await stack.graphql(query, variables, token);
  return [first, second];
}

describe("compiled fast path", () => {
  it("answers a repeated query with the same data as Apollo did the first time", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 25 };
    const [viaApollo, viaFastPath] = await twice(ACCOUNTS, vars);
    expect(viaApollo.errors).toBeUndefined();
    expect(viaApollo.data.erpIntegration.accounts.edges).toHaveLength(25);
    expect(viaFastPath).toEqual(viaApollo);
  });

  it("formats errors like Apollo: coded, no stack, same shape", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 5 };
    await stack.graphql(ACCOUNTS, vars); // Apollo validates and runs this text once
    const [a, b] = await twice(ACCOUNTS, vars, otherCompanyToken);
    expect(a.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(withoutCorrelation(b)).toEqual(withoutCorrelation(a));
    expect(JSON.stringify(b)).not.toMatch(/stack|at .*\.ts/);
  });

  it("leaves variables that do not coerce to Apollo (request error, not a field error)", async () => {
    await stack.graphql(ACCOUNTS, { companyId: stack.companyId, erpId: stack.erpId, first: 3 });
    const res = await stack.graphql(ACCOUNTS, { companyId: stack.companyId, erpId: stack.erpId, first: "three" });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
