// Mutations end to end: real HTTP GraphQL against the gateway in front of the Concur emulator. Batching is proven
// by the emulator's own counters (PATCH calls by status, 429s) and by the final upstream data, read back page by
// page from the emulator's Concur API.
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_PATCH_BYTES, MAX_RECORD_BYTES } from "../../src/datasources/accounting/writes/limits.js";
import { fromAccountInput } from "../../src/datasources/accounting/mappers.js";
import { jsonBytes, planPatchBatches } from "../../src/datasources/accounting/writes/plan.js";
import { UpsertAccountsDocument as UPSERT_ACCOUNTS } from "../generated/graphql.js";
import { waitForFinal } from "../helpers/requests.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const API = "/accountingintegration/v4";

/** The selection of every write result below; the same as test/operations/writes.graphql selects. */
const RESULT = "request { requestId status } requests { requestId } sentIds rejected { id code message }";

interface Result {
  request: { requestId: string; status: string | null };
  requests: Array<{ requestId: string }>;
  sentIds: string[];
  rejected: Array<{ id: string; code: string; message: string }>;
}

const account = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `Account ${id}`, number: null, type: "EXPENSE", ...extra });

/** Shared helpers over one stack. */
function helpers(stack: () => Stack) {
  const base = () => `${API}/companies/${stack().companyId}/erps/${stack().erpId}`;

  /** Waits until Concur finished every given request (so its records are visible in GETs). */
  async function processed(requestIds: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(requestIds)) out.set(id, (await waitForFinal(stack().emulator, stack().token, base(), id, 15_000)).status);
    return out;
  }

  /** Every record of `segment` stored upstream (all pages), by id, with how often each id occurs. */
  async function stored(segment: "accounts" | "vendors" | "lists" | "taxData" = "accounts"): Promise<Map<string, Array<Record<string, unknown>>>> {
    const out = new Map<string, Array<Record<string, unknown>>>();
    let href: string | undefined = `${base()}/${segment}`;
    while (href) {
      const res = await request(new URL(href, stack().emulator.url), { headers: { authorization: `Bearer ${stack().token}` } });
      expect(res.statusCode).toBe(200);
      const page = (await res.body.json()) as { data: Array<Record<string, unknown>>; links?: { next?: { href: string } } };
      for (const record of page.data) {
        const id = String(record.id ?? record.countryCode);
        out.set(id, [...(out.get(id) ?? []), record]);
      }
      href = page.links?.next?.href;
    }
    return out;
  }

  /** PATCH /accounts calls by status, e.g. { "202": 1 }. */
  async function patches(route: string = ROUTES.patchAccounts): Promise<Record<string, number>> {
    return (await stack().counters())[route] ?? {};
  }

  const vars = (extra: Record<string, unknown>) => ({ c: stack().companyId, e: stack().erpId, ...extra });
  /** Variables of the shared UpsertAccounts document (test/operations/writes.graphql). */
  const upsertVars = (extra: Record<string, unknown>) => ({ companyId: stack().companyId, erpId: stack().erpId, ...extra });
  return { processed, stored, patches, vars, upsertVars };
}

/** One operation with `n` aliased root fields `f0…f{n-1}` of `field`, each taking its records in `$v{i}`. */
function aliased(field: string, argName: string, inputType: string, n: number): string {
  const params = Array.from({ length: n }, (_, i) => `$v${i}: [${inputType}!]!`).join(", ");
  const fields = Array.from({ length: n }, (_, i) => `f${i}: ${field}(companyId: $c, erpId: $e, ${argName}: $v${i}) { ${RESULT} }`).join("\n  ");
  return `mutation Many($c: ID!, $e: ID!, ${params}) {\n  ${fields}\n}`;
}

/** A same-size account (every record serializes to exactly `bytes` bytes on the wire). */
function sizedAccount(id: string, bytes: number) {
  const shell = fromAccountInput({ id, name: "", type: "EXPENSE" } as never);
  return { id, name: "n".repeat(bytes - jsonBytes(shell)), type: "EXPENSE" };
}

describe("mutations over HTTP", () => {
  let stack: Stack;
  const { processed, stored, patches, vars, upsertVars } = helpers(() => stack);

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" } });
  });
  afterEach(async () => {
    await stack.admin("PUT", "/faults", { error5xxRate: 0, rate429: 0, latencyMs: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("K=100 concurrent single-record upsertAccounts requests become 1 PATCH, 0 429s; each caller gets its own id and request", async () => {
    // Take the accounts slot first (this also warms the cold process): the 100 callers then all arrive while the
    // endpoint waits for its next 1-second slot, which is when Concur's limit forces them to wait anyway.
    const warm = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("K100-warm")] }));
    expect(warm.errors).toBeUndefined();
    await stack.resetCounters();
    const ids = Array.from({ length: 100 }, (_, i) => `K100-${i}`);
    const answers = await Promise.all(ids.map((id) => stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account(id)] }))));
    expect(await patches()).toEqual({ "202": 1 });
    const requestIds = new Set<string>();
    answers.forEach((answer, i) => {
      expect(answer.errors).toBeUndefined();
      const r = answer.data!.upsertAccounts;
      expect(r.sentIds).toEqual([ids[i]]);
      expect(r.rejected).toEqual([]);
      expect(r.request.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(r.requests).toEqual([{ requestId: r.request.requestId }]);
      requestIds.add(r.request.requestId);
    });
    expect(requestIds.size).toBe(1);
    expect(await processed(requestIds)).toEqual(new Map([[[...requestIds][0]!, "SUCCESS"]]));
    const data = await stored();
    for (const id of ids) expect(data.get(id), id).toHaveLength(1);
  });

  it("K=50 aliased upsertAccounts fields in ONE operation share 1 PATCH; each field gets its own id", async () => {
    await stack.resetCounters();
    const ids = Array.from({ length: 50 }, (_, i) => `K50-${i}`);
    const variables = vars(Object.fromEntries(ids.map((id, i) => [`v${i}`, [account(id)]])));
    const answer = await stack.graphql<Record<string, Result>>(aliased("upsertAccounts", "accounts", "AccountInput", 50), variables);
    expect(answer.errors).toBeUndefined();
    expect(await patches()).toEqual({ "202": 1 });
    const requestIds = new Set(ids.map((id, i) => {
      expect(answer.data![`f${i}`]!.sentIds).toEqual([id]);
      return answer.data![`f${i}`]!.request.requestId;
    }));
    expect(requestIds.size).toBe(1);
    await processed(requestIds);
    const data = await stored();
    for (const id of ids) expect(data.get(id), id).toHaveLength(1);
  });

  it("~2.5 x 4 MiB from 30 concurrent callers goes in the minimum number of PATCHes, paced without a 429", async () => {
    const RECORD_BYTES = 3_700;
    const callers = Array.from({ length: 30 }, (_, c) => Array.from({ length: 100 }, (_, r) => sizedAccount(`BIG-${String(c).padStart(2, "0")}-${String(r).padStart(3, "0")}`, RECORD_BYTES)));
    const all = callers.flat();
    // The wire form is what the limit measures; every record has the same size, so the minimum is order-independent.
    const wireRecords = all.map((a) => fromAccountInput(a as never));
    for (const w of wireRecords) expect(jsonBytes(w)).toBe(RECORD_BYTES);
    const totalBytes = wireRecords.reduce((n, w) => n + jsonBytes(w), 0);
    const minimum = planPatchBatches(wireRecords.map((record) => ({ kind: "upsert" as const, record }))).patches.length;
    expect(totalBytes).toBeGreaterThan(2.5 * MAX_PATCH_BYTES);
    expect(minimum).toBe(Math.ceil(totalBytes / MAX_PATCH_BYTES)); // JSON commas/envelope do not add a body here

    const warm = await stack.graphql(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("BIG-warm")] }));
    expect(warm.errors).toBeUndefined();
    await stack.resetCounters();
    const started = Date.now();
    const answers = await Promise.all(callers.map((records) => stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: records }))));
    const elapsed = Date.now() - started;
    const requestIds = new Set<string>();
    answers.forEach((answer, c) => {
      expect(answer.errors).toBeUndefined();
      const r = answer.data!.upsertAccounts;
      expect(r.sentIds).toEqual(callers[c]!.map((a) => a.id));
      for (const req of r.requests) requestIds.add(req.requestId);
    });
    expect(await patches()).toEqual({ "202": minimum });
    expect(requestIds.size).toBe(minimum);
    // The slot after the warm-up write, then one per second: (minimum) slots end no sooner than this.
    expect(elapsed).toBeGreaterThanOrEqual((minimum - 1) * 1000);
    console.info(`[mutations] ${all.length} records, ${totalBytes} bytes: ${minimum} PATCHes (lower bound ceil(bytes/4 MiB) = ${Math.ceil(totalBytes / MAX_PATCH_BYTES)}), 0 429s, ${elapsed} ms`);
    await processed(requestIds);
    const data = await stored();
    for (const a of all) expect(data.get(a.id)?.length, a.id).toBe(1);
  });

  it("keeps order: delete then upsert of one id in one operation -> separate PATCHes and the record exists; upsert then delete -> gone", async () => {
    const seed = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("ORD-1", { name: "old" }), account("ORD-2", { name: "old" })] }));
    await processed([seed.data!.upsertAccounts.request.requestId]);
    await stack.resetCounters();
    const answer = await stack.graphql<Record<string, Result>>(
      `mutation Order($c: ID!, $e: ID!) {
        d: deleteAccounts(companyId: $c, erpId: $e, ids: ["ORD-1"]) { ${RESULT} }
        u: upsertAccounts(companyId: $c, erpId: $e, accounts: [{ id: "ORD-1", name: "new", type: EXPENSE }]) { ${RESULT} }
        u2: upsertAccounts(companyId: $c, erpId: $e, accounts: [{ id: "ORD-2", name: "newer", type: EXPENSE }]) { ${RESULT} }
        d2: deleteAccounts(companyId: $c, erpId: $e, ids: ["ORD-2"]) { ${RESULT} }
      }`,
      vars({}),
    );
    expect(answer.errors).toBeUndefined();
    const { d, u, u2, d2 } = answer.data!;
    expect(d!.sentIds).toEqual(["ORD-1"]);
    expect(u!.sentIds).toEqual(["ORD-1"]);
    // Concur applies deletes after upserts within one body: the upsert after the delete needs the next PATCH…
    expect(u!.request.requestId).not.toBe(d!.request.requestId);
    // …while an upsert followed by a delete may share one (and does: they ride with the re-upsert of ORD-1).
    expect(u2!.request.requestId).toBe(d2!.request.requestId);
    expect(await patches()).toEqual({ "202": 2 });
    await processed([d!.request.requestId, u!.request.requestId, d2!.request.requestId]);
    const data = await stored();
    expect(data.get("ORD-1")).toEqual([expect.objectContaining({ id: "ORD-1", name: "new" })]);
    expect(data.get("ORD-2")).toBeUndefined();
  });

  it("oversized record: refused with PAYLOAD_TOO_LARGE naming its id and the limit; the rest of the mutation is sent", async () => {
    await stack.resetCounters();
    const big = account("HUGE-1", { name: "h".repeat(210 * 1024) });
    const answer = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("SMALL-1"), big, account("SMALL-2")] }));
    expect(answer.errors).toBeUndefined();
    const r = answer.data!.upsertAccounts;
    expect(r.sentIds).toEqual(["SMALL-1", "SMALL-2"]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ id: "HUGE-1", code: "PAYLOAD_TOO_LARGE" });
    expect(r.rejected[0]!.message).toContain("HUGE-1");
    expect(r.rejected[0]!.message).toContain(`${MAX_RECORD_BYTES / 1024} KB`);
    expect(await patches()).toEqual({ "202": 1 });
    await processed([r.request.requestId]);
    const data = await stored();
    expect(data.get("SMALL-1")).toHaveLength(1);
    expect(data.get("SMALL-2")).toHaveLength(1);
    expect(data.get("HUGE-1")).toBeUndefined();

    // A mutation whose only record is too big sends nothing and answers with the error.
    await stack.resetCounters();
    const alone = await stack.graphql<{ upsertAccounts: Result | null }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [big] }));
    expect(alone.data!.upsertAccounts).toBeNull();
    expect(alone.errors?.[0]).toMatchObject({ path: ["upsertAccounts"], extensions: { code: "PAYLOAD_TOO_LARGE" } });
    expect(alone.errors![0].message).toMatch(/HUGE-1.*200 KB/);
    expect(sumCalls(await stack.counters(), ROUTES.patchAccounts)).toBe(0);
  });

  it("validation: bad currency / missing EMPLOYEE fields -> BAD_USER_INPUT naming path and value, nothing sent", async () => {
    await stack.resetCounters();
    const answer = await stack.graphql(
      `mutation V($c: ID!, $e: ID!, $v: [VendorInput!]!) { upsertVendors(companyId: $c, erpId: $e, vendors: $v) { ${RESULT} } }`,
      vars({
        v: [
          { id: "V-OK", type: "ACCOUNTING", currencyCode: "USD", name: "Acme", companyName: "Acme Inc" },
          { id: "V-CUR", type: "ACCOUNTING", currencyCode: "EURO", name: "Acme", companyName: "Acme Inc" },
          { id: "V-EMP", type: "EMPLOYEE", currencyCode: "USD", lastName: "Doe" },
        ],
      }),
    );
    expect(answer.data).toEqual({ upsertVendors: null });
    expect(answer.errors).toHaveLength(1);
    const error = answer.errors![0];
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.message).toContain('vendors[1].currencyCode: "EURO" is not an ISO 4217 currency code');
    for (const field of ["firstName", "email", "employeeId"]) expect(error.message).toContain(`vendors[2].${field}: is required for EMPLOYEE vendors`);
    expect(error.message).not.toContain("vendors[2].lastName");
    expect(error.extensions.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: "vendors[1].currencyCode" })]));
    expect(sumCalls(await stack.counters(), ROUTES.patchVendors)).toBe(0);
  });

  it("one invalid and one valid field in an operation: the valid one is sent and returned, the invalid one is null with its error", async () => {
    await stack.resetCounters();
    const answer = await stack.graphql<Record<string, Result | null>>(
      `mutation Mixed($c: ID!, $e: ID!) {
        bad: upsertVendors(companyId: $c, erpId: $e, vendors: [{ id: "MIX-BAD", type: ACCOUNTING, currencyCode: "XXQ", name: "A", companyName: "A" }]) { ${RESULT} }
        good: upsertVendors(companyId: $c, erpId: $e, vendors: [{ id: "MIX-GOOD", type: ACCOUNTING, currencyCode: "EUR", name: "B", companyName: "B GmbH" }]) { ${RESULT} }
      }`,
      vars({}),
    );
    expect(answer.data!.bad).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ path: ["bad"], extensions: { code: "BAD_USER_INPUT" } });
    expect(answer.errors![0].message).toContain('vendors[0].currencyCode: "XXQ"');
    expect(answer.data!.good!.sentIds).toEqual(["MIX-GOOD"]);
    expect(await patches(ROUTES.patchVendors)).toEqual({ "202": 1 });
    await processed([answer.data!.good!.request.requestId]);
    const data = await stored("vendors");
    expect(data.get("MIX-GOOD")).toHaveLength(1);
    expect(data.get("MIX-BAD")).toBeUndefined();
  });

  it("a 5xx injected on the PATCH is retried (500 then 202); each record is written once and the caller gets one request", async () => {
    await stack.resetCounters();
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    const pending = stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("R5XX-1"), account("R5XX-2")] }));
    await waitFor(async () => sumCalls(await stack.counters(), ROUTES.patchAccounts, "500") >= 1, 10_000, "the injected 500");
    await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    const answer = await pending;
    expect(answer.errors).toBeUndefined();
    const r = answer.data!.upsertAccounts;
    expect(r.sentIds).toEqual(["R5XX-1", "R5XX-2"]);
    expect(r.requests).toHaveLength(1);
    expect(await patches()).toEqual({ "500": 1, "202": 1 });
    await processed([r.request.requestId]);
    const data = await stored();
    expect(data.get("R5XX-1")).toHaveLength(1);
    expect(data.get("R5XX-2")).toHaveLength(1);

    // The retry keeps the If-None-Match id: with a caller-supplied id, the request accepted after the 500 is that id.
    // (The emulator's 500 fault never applies the write, so a retry under a new id would look the same in the
    // counters above; the 412 read-back after a lost response is proven against a stand-in in test/integration.)
    await stack.resetCounters();
    const requestId = "5c4b3a29-1807-4f6e-9d5c-4b3a29180706";
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    const withId = stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("R5XX-3")], requestId }));
    await waitFor(async () => sumCalls(await stack.counters(), ROUTES.patchAccounts, "500") >= 1, 10_000, "the injected 500");
    await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    const answered = await withId;
    expect(answered.data!.upsertAccounts.requests).toEqual([{ requestId }]);
    expect(await patches()).toEqual({ "500": 1, "202": 1 });
  });

  it("a caller-supplied requestId sent twice returns the same request both times; Concur accepts it once (412 on the repeat)", async () => {
    await stack.resetCounters();
    const requestId = "3f1c2b4a-5d6e-4f70-8a91-b2c3d4e5f607";
    const first = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("IDEM-1")], requestId }));
    const again = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("IDEM-1")], requestId }));
    expect(first.errors).toBeUndefined();
    expect(again.errors).toBeUndefined();
    expect(first.data!.upsertAccounts.request.requestId).toBe(requestId);
    expect(again.data!.upsertAccounts.request.requestId).toBe(requestId);
    expect(await patches()).toEqual({ "202": 1, "412": 1 });
    await processed([requestId]);
    expect((await stored()).get("IDEM-1")).toHaveLength(1);

    const invalid = await stack.graphql(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("IDEM-2")], requestId: "not-a-uuid" }));
    expect(invalid.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringContaining("requestId") });
  });
  // Runs last in this file: it wipes the chart of accounts the tests above wrote.
  it("replaceAllAccounts: Concur ends with exactly those records; over 4 MiB the overflow continues without deleteAll", async () => {
    await stack.resetCounters();
    const small = [account("REP-1"), account("REP-2"), account("REP-3")];
    const answer = await stack.graphql<{ replaceAllAccounts: Result }>(
      `mutation R($c: ID!, $e: ID!, $a: [AccountInput!]!) { replaceAllAccounts(companyId: $c, erpId: $e, accounts: $a) { ${RESULT} } }`,
      vars({ a: small }),
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.replaceAllAccounts.sentIds).toEqual(["REP-1", "REP-2", "REP-3"]);
    expect(await patches()).toEqual({ "202": 1 });
    await processed([answer.data!.replaceAllAccounts.request.requestId]);
    // deleteAll went with it: the 5,000 demo accounts and every earlier test's records are gone.
    expect([...(await stored()).keys()].sort()).toEqual(["REP-1", "REP-2", "REP-3"]);

    // 1,200 records of 4,000 bytes (4.8 MB): 2 PATCHes; were the second one sent with deleteAll, the first 1,0xx would be gone.
    await stack.resetCounters();
    const large = Array.from({ length: 1_200 }, (_, i) => sizedAccount(`REPL-${String(i).padStart(4, "0")}`, 4_000));
    const big = await stack.graphql<{ replaceAllAccounts: Result }>(
      `mutation R($c: ID!, $e: ID!, $a: [AccountInput!]!) { replaceAllAccounts(companyId: $c, erpId: $e, accounts: $a) { ${RESULT} } }`,
      vars({ a: large }),
    );
    expect(big.errors).toBeUndefined();
    const r = big.data!.replaceAllAccounts;
    expect(r.sentIds).toEqual(large.map((a) => a.id));
    expect(r.requests).toHaveLength(2);
    expect(r.request.requestId).toBe(r.requests[1]!.requestId);
    expect(await patches()).toEqual({ "202": 2 });
    await processed(r.requests.map((q) => q.requestId));
    const data = await stored();
    expect(data.size).toBe(1_200);
    for (const a of large) expect(data.get(a.id)?.length, a.id).toBe(1);
  });
});

describe("mutations over HTTP: upstream failures, tax data, replace-all with an oversized record", () => {
  let stack: Stack;
  const { processed, stored, patches, vars, upsertVars } = helpers(() => stack);
  const TAX = (code: string, name: string) => ({
    countryCode: code,
    countryName: name,
    stateEntries: [{ reclaimEntries: [{ reclaimCode: `R-${code}`, reclaimDetails: [{ taxCode: `T-${code}`, percentage: 19, validFrom: "2024-01-01" }] }] }],
  });

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" } });
  });
  afterEach(async () => {
    await stack.admin("PUT", "/faults", { error5xxRate: 0, rate429: 0, latencyMs: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a 429 injected by Concur is waited out (Retry-After) and the write still lands once", async () => {
    await stack.resetCounters();
    await stack.admin("PUT", "/faults", { rate429: 1 });
    const pending = stack.graphql<{ upsertListNames: Result }>(
      `mutation L($c: ID!, $e: ID!) { upsertListNames(companyId: $c, erpId: $e, listNames: [{ id: "RL-429", name: "after 429" }]) { ${RESULT} } }`,
      vars({}),
    );
    await waitFor(async () => sumCalls(await stack.counters(), ROUTES.patchLists, "429") >= 1, 10_000, "the injected 429");
    await stack.admin("PUT", "/faults", { rate429: 0 });
    const answer = await pending;
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.upsertListNames.sentIds).toEqual(["RL-429"]);
    expect(await patches(ROUTES.patchLists)).toEqual({ "429": 1, "202": 1 });
    await processed([answer.data!.upsertListNames.request.requestId]);
    expect((await stored("lists")).get("RL-429")).toHaveLength(1);
  });

  it("a PATCH that keeps failing (5xx on every retry) fails exactly its callers, with a coded error; nothing is written", async () => {
    await stack.resetCounters();
    await stack.admin("PUT", "/faults", { error5xxRate: 1 });
    const answers = await Promise.all(
      ["FAIL-1", "FAIL-2"].map((id) => stack.graphql<{ upsertAccounts: Result | null }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account(id)] }))),
    );
    await stack.admin("PUT", "/faults", { error5xxRate: 0 });
    for (const answer of answers) {
      expect(answer.data).toEqual({ upsertAccounts: null });
      expect(answer.errors?.[0]).toMatchObject({ path: ["upsertAccounts"], extensions: { code: "UPSTREAM_UNAVAILABLE" } });
    }
    // Both callers rode in one body; it was tried 5 times (1 + 4 retries) and never accepted.
    expect(await patches()).toEqual({ "500": 5 });
    const data = await stored();
    expect(data.has("FAIL-1") || data.has("FAIL-2")).toBe(false);

    // The endpoint is not stuck afterwards.
    const after = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: [account("FAIL-3")] }));
    expect(after.data!.upsertAccounts.sentIds).toEqual(["FAIL-3"]);
  }, 60_000);

  it("a caller requestId on an upload over 4 MiB: both parts get ids derived from it, and the repeat returns the same two requests", async () => {
    await stack.resetCounters();
    const requestId = "7d0e9c1b-2a3f-4b5c-9d6e-7f8a9b0c1d2e";
    const records = Array.from({ length: 1_100 }, (_, i) => sizedAccount(`IDEM-BIG-${String(i).padStart(4, "0")}`, 4_000));
    const first = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: records, requestId }));
    expect(first.errors).toBeUndefined();
    const parts = first.data!.upsertAccounts.requests.map((r) => r.requestId);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(requestId);
    expect(await patches()).toEqual({ "202": 2 });

    const again = await stack.graphql<{ upsertAccounts: Result }>(UPSERT_ACCOUNTS, upsertVars({ accounts: records, requestId }));
    expect(again.errors).toBeUndefined();
    expect(again.data!.upsertAccounts.requests.map((r) => r.requestId)).toEqual(parts);
    expect(again.data!.upsertAccounts.sentIds).toHaveLength(1_100);
    expect(await patches()).toEqual({ "202": 2, "412": 2 });
    await processed(parts);
    const data = await stored();
    for (const r of records) expect(data.get(r.id)?.length, r.id).toBe(1);
  });

  it("tax data: addTaxData POSTs, replaceAllTaxData PUTs the full set", async () => {
    await stack.resetCounters();
    const TAX_RESULT = `mutation T($c: ID!, $e: ID!, $t: [TaxDataInput!]!) { addTaxData(companyId: $c, erpId: $e, taxData: $t) { ${RESULT} } }`;
    const added = await stack.graphql<{ addTaxData: Result }>(TAX_RESULT, vars({ t: [TAX("DE", "Germany"), TAX("FR", "France")] }));
    expect(added.errors).toBeUndefined();
    expect(added.data!.addTaxData.sentIds).toEqual(["DE", "FR"]);
    await processed([added.data!.addTaxData.request.requestId]);
    const replaced = await stack.graphql<{ replaceAllTaxData: Result }>(
      `mutation R($c: ID!, $e: ID!, $t: [TaxDataInput!]!) { replaceAllTaxData(companyId: $c, erpId: $e, taxData: $t) { ${RESULT} } }`,
      vars({ t: [TAX("AT", "Austria")] }),
    );
    expect(replaced.errors).toBeUndefined();
    await processed([replaced.data!.replaceAllTaxData.request.requestId]);
    const c = await stack.counters();
    expect(c[`POST ${API}/companies/{companyId}/erps/{erpId}/taxData`]).toEqual({ "202": 1 });
    expect(c[`PUT ${API}/companies/{companyId}/erps/{erpId}/taxData`]).toEqual({ "202": 1 });
    expect([...(await stored("taxData")).keys()]).toEqual(["AT"]);

    const bad = await stack.graphql(TAX_RESULT, vars({ t: [TAX("XX", "Nowhere")] }));
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringContaining('taxData[0].countryCode: "XX"') });
  });

  it("replaceAll with one oversized record replaces with the others; when every record is oversized nothing is wiped", async () => {
    await stack.resetCounters();
    const REPLACE = `mutation R($c: ID!, $e: ID!, $l: [ListNameInput!]!) { replaceAllListNames(companyId: $c, erpId: $e, listNames: $l) { ${RESULT} } }`;
    const huge = { id: "RLN-HUGE", name: "z".repeat(MAX_RECORD_BYTES) };
    const answer = await stack.graphql<{ replaceAllListNames: Result }>(REPLACE, vars({ l: [{ id: "RLN-1", name: "one" }, huge, { id: "RLN-2", name: "two" }] }));
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.replaceAllListNames.sentIds).toEqual(["RLN-1", "RLN-2"]);
    expect(answer.data!.replaceAllListNames.rejected).toEqual([expect.objectContaining({ id: "RLN-HUGE", code: "PAYLOAD_TOO_LARGE" })]);
    await processed([answer.data!.replaceAllListNames.request.requestId]);
    expect([...(await stored("lists")).keys()].sort()).toEqual(["RLN-1", "RLN-2"]);

    const onlyHuge = await stack.graphql<{ replaceAllListNames: Result | null }>(REPLACE, vars({ l: [huge] }));
    expect(onlyHuge.data!.replaceAllListNames).toBeNull();
    expect(onlyHuge.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await patches(ROUTES.patchLists)).toEqual({ "202": 1 });
    expect([...(await stored("lists")).keys()].sort()).toEqual(["RLN-1", "RLN-2"]);
  });
});

describe("registration mutations over HTTP", () => {
  let stack: Stack;
  const REGISTER = "POST /accountingintegration/v4/companies/{companyId}/erps";
  const ERP_FIELDS = "companyId erpId partnerAppName erpName externalErpId features postingOptions { postingCode postingName availableForOutOfPocketExpenses configurationFields { configurationFieldType isRequired } }";

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" }, webhooks: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("registerErp -> updateErp (features and posting options replaced wholesale) -> unregisterErp -> erpIntegration is NOT_FOUND", async () => {
    const { companyId } = await stack.admin("POST", "/companies", {});
    const { access_token: token } = await stack.admin("POST", "/tokens", { companyId });
    await stack.resetCounters();

    const registered = await stack.graphql<{ registerErp: Record<string, any> }>(
      `mutation Reg($c: ID!, $input: ErpRegistrationInput!) { registerErp(companyId: $c, input: $input) { ${ERP_FIELDS} } }`,
      {
        c: companyId,
        input: {
          partnerAppName: "Partner",
          erpName: "Acme ERP",
          externalErpId: "acme-1",
          features: ["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"],
          postingOptions: [{ postingCode: "P1", postingName: "Posting one", configurationFields: [{ configurationFieldType: "POSTING_DATE", isRequired: true }] }],
        },
      },
      token,
    );
    expect(registered.errors).toBeUndefined();
    const erp = registered.data!.registerErp;
    expect(erp).toMatchObject({ companyId, erpName: "Acme ERP", externalErpId: "acme-1", features: ["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"] });
    expect(erp.erpId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sumCalls(await stack.counters(), REGISTER)).toBe(1);

    const UPDATE = `mutation Upd($c: ID!, $e: ID!, $input: ErpUpdateInput!) { updateErp(companyId: $c, erpId: $e, input: $input) { ${ERP_FIELDS} } }`;
    const updated = await stack.graphql<{ updateErp: Record<string, any> }>(
      UPDATE,
      { c: companyId, e: erp.erpId, input: { features: ["ENABLE_TAX_INTEGRATION"], postingOptions: [{ postingCode: "P2", postingName: "Posting two", availableForOutOfPocketExpenses: true }] } },
      token,
    );
    expect(updated.errors).toBeUndefined();
    // Wholesale: the two registered flags and option P1 are gone, not merged.
    expect(updated.data!.updateErp).toMatchObject({
      erpId: erp.erpId,
      features: ["ENABLE_TAX_INTEGRATION"],
      postingOptions: [{ postingCode: "P2", postingName: "Posting two", availableForOutOfPocketExpenses: true, configurationFields: [] }],
    });
    const read = await stack.graphql<{ erpIntegration: Record<string, any> }>(
      `query E($c: ID!, $e: ID!) { erpIntegration(companyId: $c, erpId: $e) { features postingOptions { postingCode } } }`,
      { c: companyId, e: erp.erpId },
      token,
    );
    expect(read.data!.erpIntegration).toEqual({ features: ["ENABLE_TAX_INTEGRATION"], postingOptions: [{ postingCode: "P2" }] });

    // The update input has no optional lists: leaving postingOptions out is a schema error, not a silent wipe.
    const partial = await stack.graphql(UPDATE, { c: companyId, e: erp.erpId, input: { features: [] } }, token);
    expect(partial.errors?.[0]?.message).toMatch(/postingOptions/);

    const removed = await stack.graphql<{ unregisterErp: boolean }>(
      `mutation Del($c: ID!, $e: ID!) { unregisterErp(companyId: $c, erpId: $e) }`,
      { c: companyId, e: erp.erpId },
      token,
    );
    expect(removed).toEqual({ data: { unregisterErp: true } });
    const gone = await stack.graphql(`query E($c: ID!, $e: ID!) { erpIntegration(companyId: $c, erpId: $e) { erpId } }`, { c: companyId, e: erp.erpId }, token);
    expect(gone.errors?.[0]).toMatchObject({ path: ["erpIntegration"], extensions: { code: "NOT_FOUND" } });
  });

  it("registerErp with an invalid input is BAD_USER_INPUT and nothing is sent", async () => {
    const { companyId } = await stack.admin("POST", "/companies", {});
    const { access_token: token } = await stack.admin("POST", "/tokens", { companyId });
    await stack.resetCounters();
    const answer = await stack.graphql(
      `mutation Reg($c: ID!, $input: ErpRegistrationInput!) { registerErp(companyId: $c, input: $input) { erpId } }`,
      { c: companyId, input: { partnerAppName: "P", erpName: " ", externalErpId: "x", postingOptions: [{ postingCode: "A", postingName: "A" }, { postingCode: "A", postingName: "B" }] } },
      token,
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(answer.errors![0].message).toContain("input.erpName");
    expect(answer.errors![0].message).toContain("input.postingOptions[1].postingCode");
    expect(sumCalls(await stack.counters(), REGISTER)).toBe(0);
  });
});
