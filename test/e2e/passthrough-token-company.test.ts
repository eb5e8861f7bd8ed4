// Passthrough mode forwards the caller's Concur token; APIs scoped by the token alone (FIS, List v4, Extracts,
// Payment Batches, Profile) would answer the token's own company whatever `companyId` says. The gateway learns the
// token's company once per token and trust window (Profile v1 /me) and answers FORBIDDEN, with no data and no data
// call, when they differ.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILES_DEMO } from "../../src/emulator/index.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";

const PROFILE = "GET /profile/v1/me";

const EVERY_TOKEN_SCOPED_FIELD = `query Everything($companyId: ID!) {
  financialDocuments(companyId: $companyId, docType: EXPENSE, first: 5) { edges { cursor } }
  concurLists(companyId: $companyId) { __typename }
  extractDefinitions(companyId: $companyId) { __typename }
  paymentBatches(companyId: $companyId) { __typename }
  companyEdition(companyId: $companyId) { companyId companyUuid }
}`;
const FIELDS = ["financialDocuments", "concurLists", "extractDefinitions", "paymentBatches", "companyEdition"];
/** One operation per field: the fields are non-null, so one refusal would null the whole answer and hide the others. */
const oneField = (field: string) => `query One($companyId: ID!) {${EVERY_TOKEN_SCOPED_FIELD.split("\n").find((line) => line.trim().startsWith(`${field}(`))}\n}`;

/** Upstream calls other than the token-company lookup (Profile v1 /me) and the emulator's own admin routes. */
function dataCalls(counters: Record<string, Record<string, number>>): number {
  return Object.keys(counters)
    .filter((route) => route !== PROFILE && !route.includes("/_emulator"))
    .reduce((sum, route) => sum + sumCalls(counters, route), 0);
}

describe("passthrough: a token of company B asking about company A", () => {
  let stack: Stack;
  // Company B: another company of the same data center (passthrough forwards every token to one base URL).
  const companyB = FILES_DEMO.standardCompanyId;
  let tokenB: string;
  beforeAll(async () => {
    stack = await startStack({ env: { FIS_COMPANIES: "*", TOKEN_TRUST_SECONDS: "60" } });
    tokenB = stack.emulator.issueToken(companyB);
  });
  afterAll(() => stack?.stop());

  it("is answered FORBIDDEN on every token-scoped field, with no data and no data call; one lookup per token", async () => {
    await stack.resetCounters();
    for (let round = 0; round < 2; round++) {
      for (const field of FIELDS) {
        const answer = await stack.graphql(oneField(field), { companyId: stack.companyId }, tokenB);
        expect(answer.data, field).toBeNull();
        expect(answer.errors?.map((e) => [e.path?.[0], e.extensions?.code]), field).toEqual([[field, "FORBIDDEN"]]);
        expect(JSON.stringify(answer)).not.toContain(companyB);
      }
    }
    const counters = await stack.counters();
    expect(dataCalls(counters)).toBe(0);
    expect(sumCalls(counters, PROFILE)).toBe(1);
  });

  it("the same id in upper case, and B's own company, are answered as before", async () => {
    await stack.resetCounters();
    const own = await stack.graphql(EVERY_TOKEN_SCOPED_FIELD, { companyId: companyB.toUpperCase() }, tokenB);
    expect((own.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN")).toEqual([]);
    expect(own.data?.companyEdition.companyUuid?.toLowerCase()).toBe(companyB.toLowerCase());

    const a = await stack.graphql(EVERY_TOKEN_SCOPED_FIELD, { companyId: stack.companyId }, stack.token);
    expect((a.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN")).toEqual([]);
    expect(a.data?.companyEdition.companyId).toBe(stack.companyId);
    // B's answer was remembered (trust window 60 s); A's token was looked up once, beside the edition's own Profile read.
    expect(sumCalls(await stack.counters(), PROFILE)).toBeLessThanOrEqual(2);
  });

  it("where Profile v1 cannot tell (it fails for this company), Accounting Integration decides: A's data is still refused", async () => {
    const failing = stack.emulator.issueToken(FILES_DEMO.profileFailsCompanyId);
    const refused = await stack.graphql(oneField("concurLists"), { companyId: stack.companyId }, failing);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    const own = await stack.graphql(oneField("concurLists"), { companyId: FILES_DEMO.profileFailsCompanyId }, failing);
    expect((own.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN")).toEqual([]);
  });
});
