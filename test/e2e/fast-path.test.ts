// The compiled fast path (src/server/graphql-http.ts) must answer exactly what Apollo's pipeline answers:
// the first request of a query text goes through Apollo, repeats of it through the fast path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print, type DocumentNode } from "graphql";
import { request } from "undici";
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

  it("writes a large answer (in chunks, answer-bytes.ts) byte for byte as Apollo wrote it, with its Content-Length", async () => {
    const body = JSON.stringify({ query: print(ACCOUNTS), variables: { companyId: stack.companyId, erpId: stack.erpId, first: 1000 } });
    const post = async () => {
      const res = await request(stack.gateway.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` }, body });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, length: res.headers["content-length"], chunked: res.headers["transfer-encoding"], bytes };
    };
    const viaApollo = await post();
    const viaFastPath = await post();
    expect(viaApollo.status).toBe(200);
    expect(JSON.parse(viaApollo.bytes.toString("utf8")).data.erpIntegration.accounts.edges).toHaveLength(1000);
    // Over 32 K characters: the fast path writes it in chunks.
    expect(viaFastPath.bytes.length).toBeGreaterThan(100_000);
    expect(viaFastPath.status).toBe(200);
    expect(viaFastPath.chunked).toBeUndefined();
    expect(viaFastPath.length).toBe(String(viaFastPath.bytes.length));
    expect(viaFastPath.bytes.equals(viaApollo.bytes)).toBe(true);
  });

  it("leaves variables that do not coerce to Apollo (request error, not a field error)", async () => {
    await stack.graphql(ACCOUNTS, { companyId: stack.companyId, erpId: stack.erpId, first: 3 });
    const res = await stack.graphql(ACCOUNTS, { companyId: stack.companyId, erpId: stack.erpId, first: "three" });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
