// The FIS claim ledger in passthrough mode (process memory) through GraphQL over HTTP against the emulator: three
// callers with their own tokens claim one queue while 30 % of FIS POSTs are answered 500 after being applied; a claim
// whose every answer was lost is settled by reading the document back; rows a vanished owner left (the process died
// between send and answer) are settled by the next caller once their lease has run out — an acknowledgement that
// landed is handed over, a confirmation is completed with the values on record and a caller with others told CONFLICT.
import { stringify as stringifyLossless } from "lossless-json";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemIdFor } from "../../src/datasources/index.js";
import { FIS_ROUTES } from "../../src/emulator/index.js";
import { PostingOutcome } from "../../src/schema/index.js";
import { toWirePosting } from "../../src/services/fis-writes.js";
import { redisAvailable, startRedis, type RedisServer } from "../helpers/redis.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const LEASE_MS = 1_500;
const CLAIM = /* GraphQL */ `
  mutation Claim($companyId: ID!, $max: Int!) {
    claimFinancialDocuments(companyId: $companyId, docType: EXPENSE, max: $max) { documents { id status } outcomes { docId status code message } }
  }
`;
const POSTINGS = /* GraphQL */ `
  mutation Postings($companyId: ID!, $confirmations: [FinancialPostingInput!]!) {
    confirmFinancialPostings(companyId: $companyId, docType: EXPENSE, confirmations: $confirmations) {
      docId status code message final retryable recordedPosting { status postingDocuments { companyCode documentNumber fiscalYear postingDate } }
    }
  }
`;
type Claim = { claimFinancialDocuments: { documents: Array<{ id: string; status: string }>; outcomes: Array<{ docId: string; status: string; code: number | null; message: string }> } };

describe("FIS claim ledger in passthrough mode", () => {
  let stack: Stack;
  let tokens: string[];
  const companyId = () => stack.companyId;
  const create = async (count: number): Promise<string[]> => (await stack.admin("POST", `/fis/companies/${companyId()}/documents`, { docType: "expense", count, events: false })).ids;
  const claim = (token: string, max = 10) => stack.graphql<Claim>(CLAIM, { companyId: companyId(), max }, token);
  const ledgerKey = (scope: string, docId: string) => ({ companyId: companyId(), scope, itemKey: docId });

  beforeAll(async () => {
    // Fault draws spread evenly (golden-ratio steps): 30 % is 30 % of the POSTs in every run, never none by chance.
    let draws = 0;
    stack = await startStack({ webhooks: false, env: { FIS_CLAIM_LEASE_MS: String(LEASE_MS) }, emulator: { random: () => (++draws * 0.6180339887) % 1 } });
    // Three posters, each with its own company token (passthrough: the caller's token goes to Concur).
    tokens = [stack.token, stack.emulator.issueToken(stack.companyId), stack.emulator.issueToken(stack.companyId)];
    // The seeded documents out of the way: each test below knows every READY document.
    while ((await claim(tokens[0], 100)).data!.claimFinancialDocuments.documents.length > 0);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("three callers, 30 % of acknowledgements answered 500 after applying: every document handed to exactly one", async () => {
    const ids = await create(60);
    await stack.resetCounters();
    await stack.admin("PUT", "/config", { fisError5xxAfterApplyRate: 0.3 });
    const handed = new Map<string, number>();
    try {
      await waitFor(
        async () => {
          const rounds = await Promise.all(tokens.map((token) => claim(token)));
          for (const res of rounds) {
            expect(res.errors).toBeUndefined();
            for (const d of res.data!.claimFinancialDocuments.documents) handed.set(d.id, (handed.get(d.id) ?? 0) + 1);
          }
          return ids.every((id) => handed.has(id));
        },
        60_000,
        "every document claimed",
      );
    } finally {
      await stack.admin("PUT", "/config", { fisError5xxAfterApplyRate: 0 });
    }
    expect(sumCalls(await stack.counters(), `POST ${FIS_ROUTES.acknowledgements}`, "500")).toBeGreaterThan(0);
    expect([...handed].filter(([, n]) => n > 1)).toEqual([]);
  });

  it("every answer lost (each attempt 500 after applying): settled by reading the document back, handed to the caller", async () => {
    const [docId] = await create(1);
    await stack.admin("PUT", "/config", { fisError5xxAfterApplyRate: 1 });
    let res: Awaited<ReturnType<typeof claim>>;
    try {
      res = await claim(tokens[0], 100);
    } finally {
      await stack.admin("PUT", "/config", { fisError5xxAfterApplyRate: 0 });
    }
    expect(res.errors).toBeUndefined();
    expect(res.data!.claimFinancialDocuments.documents.map((d) => d.id)).toEqual([docId]);
    expect(res.data!.claimFinancialDocuments.outcomes).toEqual([expect.objectContaining({ docId, status: "SUCCEEDED", code: null })]);
    expect(res.data!.claimFinancialDocuments.outcomes[0].message).toMatch(/read back/);
    expect((await claim(tokens[1], 100)).data!.claimFinancialDocuments.documents).toEqual([]);
  });

  it("claims left by a vanished owner: the one that landed is handed to the next caller after the lease, the one that did not is acknowledged then", async () => {
    const { ledger } = stack.gateway.services.fis;
    const [landed, lost] = await create(2);
    // The vanished owner wrote its rows, and only its first POST reached Concur.
    for (const docId of [landed, lost]) expect((await ledger.acquire(ledgerKey("ack:expense", docId), { docId, token: "ghost", leaseMs: 3_000, fingerprint: "acknowledge" })).acquired).toBe(true);
    const ack = await request(`${stack.emulator.url}${FIS_ROUTES.acknowledgements.replace("{docType}", "expense")}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
      body: JSON.stringify({ ids: [landed], systemId: systemIdFor(companyId()) }),
    });
    expect(ack.statusCode).toBe(200);
    await ack.body.dump();
    // While the lease lasts nobody gets them (the READY one is held, the acknowledged one is not in the queue).
    const early = await claim(tokens[1], 100);
    expect(early.data!.claimFinancialDocuments.documents).toEqual([]);
    expect(early.data!.claimFinancialDocuments.outcomes).toEqual([expect.objectContaining({ docId: lost, status: "ALREADY_DONE" })]);
    const later: string[] = [];
    await waitFor(
      async () => {
        const res = await claim(tokens[2], 100);
        later.push(...res.data!.claimFinancialDocuments.documents.map((d) => d.id));
        return later.length >= 2;
      },
      10_000,
      "the leases to run out",
    );
    expect(later.sort()).toEqual([landed, lost].sort());
    expect((await ledger.get(ledgerKey("ack:expense", landed)))!.state).toBe("DONE");
    expect((await stack.admin("GET", `/fis/documents/${lost}`)).status).toBe("ACKNOWLEDGED");
  });

  it("a confirmation left by a vanished owner is completed with its values; other values are told CONFLICT with them, the same values ALREADY_DONE", async () => {
    const { ledger } = stack.gateway.services.fis;
    const [docId] = await create(1);
    expect((await claim(tokens[0], 100)).data!.claimFinancialDocuments.documents.map((d) => d.id)).toEqual([docId]);
    const input = (documentNumber: string) => ({ docId, status: PostingOutcome.SUCCESS, postingDocuments: [{ companyCode: "0100", documentNumber, fiscalYear: "2026", postingDate: "2026-12-04" }] });
    const ghost = stringifyLossless(toWirePosting(input("GHOST-1"), 0))!;
    await ledger.acquire(ledgerKey("posting:expense", docId), { docId, token: "ghost", leaseMs: 1, fingerprint: ghost, record: { kind: "posting", wire: ghost } });
    await waitFor(async () => (await ledger.expired(companyId(), "posting:expense", 10)).length > 0, 5_000, "the ghost's lease to run out");

    const mine = await stack.graphql(POSTINGS, { companyId: companyId(), confirmations: [input("MINE-2")] }, tokens[1]);
    expect(mine.errors).toBeUndefined();
    expect(mine.data.confirmFinancialPostings).toEqual([
      expect.objectContaining({
        docId,
        status: "CONFLICT",
        final: true,
        recordedPosting: { status: "SUCCESS", postingDocuments: [{ companyCode: "0100", documentNumber: "GHOST-1", fiscalYear: "2026", postingDate: "2026-12-04" }] },
      }),
    ]);
    expect((await stack.admin("GET", `/fis/documents/${docId}`)).postingConfirmation.postingDocs[0].documentNumber).toBe("GHOST-1");
    const same = await stack.graphql(POSTINGS, { companyId: companyId(), confirmations: [input("GHOST-1")] }, tokens[2]);
    expect(same.data.confirmFinancialPostings[0]).toMatchObject({ status: "ALREADY_DONE", code: null });
  });

  it("the ledger cannot record an answer: that document is UNCERTAIN for its caller (nobody holds it) and the next claim after the lease hands it over", async () => {
    const { ledger } = stack.gateway.services.fis;
    const [docId] = await create(1);
    // The store fails exactly when the acknowledgement's answer is to be recorded (a store outage mid-claim).
    const settle = ledger.settle;
    ledger.settle = async () => {
      ledger.settle = settle;
      throw new Error("store unavailable (injected)");
    };
    const first = await claim(tokens[0], 100);
    ledger.settle = settle;
    expect(first.errors).toBeUndefined();
    expect(first.data!.claimFinancialDocuments.documents).toEqual([]);
    expect(first.data!.claimFinancialDocuments.outcomes).toEqual([expect.objectContaining({ docId, status: "UNCERTAIN", code: 0 })]);
    expect((await stack.admin("GET", `/fis/documents/${docId}`)).status).toBe("ACKNOWLEDGED");
    const later: string[] = [];
    await waitFor(
      async () => {
        later.push(...(await claim(tokens[1], 100)).data!.claimFinancialDocuments.documents.map((d) => d.id));
        return later.length > 0;
      },
      10_000,
      "the lease to run out",
    );
    expect(later).toEqual([docId]);
  });
});

describe.skipIf(!redisAvailable())("FIS claim ledger in passthrough mode with two replicas on one Redis", () => {
  let redis: RedisServer;
  let one: Stack;
  let two: Stack;
  beforeAll(async () => {
    redis = await startRedis();
    let draws = 0;
    const env = { REDIS_URL: redis.url, FIS_CLAIM_LEASE_MS: String(LEASE_MS) };
    one = await startStack({ webhooks: false, env, emulator: { random: () => (++draws * 0.6180339887) % 1 } });
    two = await startStack({ webhooks: false, env, sharedEmulator: one.emulator });
    while ((await one.graphql<Claim>(CLAIM, { companyId: one.companyId, max: 100 })).data!.claimFinancialDocuments.documents.length > 0);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await redis?.stop();
  });

  it("four callers on two replicas, 30 % of acknowledgements answered 500 after applying: every document handed to exactly one", async () => {
    const ids: string[] = (await one.admin("POST", `/fis/companies/${one.companyId}/documents`, { docType: "expense", count: 60, events: false })).ids;
    const callers = [0, 1, 2, 3].map((i) => ({ stack: i % 2 === 0 ? one : two, token: i === 0 ? one.token : one.emulator.issueToken(one.companyId) }));
    await one.resetCounters();
    await one.admin("PUT", "/config", { fisError5xxAfterApplyRate: 0.3 });
    const handed = new Map<string, number>();
    try {
      await waitFor(
        async () => {
          const rounds = await Promise.all(callers.map(({ stack, token }) => stack.graphql<Claim>(CLAIM, { companyId: one.companyId, max: 10 }, token)));
          for (const res of rounds) {
            expect(res.errors).toBeUndefined();
            for (const d of res.data!.claimFinancialDocuments.documents) handed.set(d.id, (handed.get(d.id) ?? 0) + 1);
          }
          return ids.every((id) => handed.has(id));
        },
        60_000,
        "every document claimed",
      );
    } finally {
      await one.admin("PUT", "/config", { fisError5xxAfterApplyRate: 0 });
    }
    expect(sumCalls(await one.counters(), `POST ${FIS_ROUTES.acknowledgements}`, "500")).toBeGreaterThan(0);
    expect([...handed].filter(([, n]) => n > 1)).toEqual([]);
  });
});
