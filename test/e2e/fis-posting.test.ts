// The FIS posting loop end to end: GraphQL over HTTP and graphql-ws against a gateway on the emulator (passthrough
// mode), upstream calls counted by the emulator. Covers the Done-when list of issue 11.
import { constants, createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIS_AMOUNTS, FIS_ROUTES } from "../../src/emulator/index.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor, elapse } from "../helpers/wait.js";

const concurPrivatePem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const signBody = (body: Buffer) =>
  sign("sha256", body, { key: createPrivateKey(concurPrivatePem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");

const GET = `GET ${FIS_ROUTES.transactions}`;
const ACK = `POST ${FIS_ROUTES.acknowledgements}`;

const WALK = /* GraphQL */ `
  query Walk($companyId: ID!, $after: String) {
    financialDocuments(companyId: $companyId, docType: EXPENSE, first: 40, after: $after) {
      edges { node { id status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const ACKNOWLEDGE = /* GraphQL */ `
  mutation Ack($companyId: ID!, $docType: FinancialDocType!, $ids: [ID!]!) {
    acknowledgeFinancialDocuments(companyId: $companyId, docType: $docType, ids: $ids) { docId status code result message final retryable attempts }
  }
`;
const CLAIM = /* GraphQL */ `
  mutation Claim($companyId: ID!, $docType: FinancialDocType!, $max: Int!) {
    claimFinancialDocuments(companyId: $companyId, docType: $docType, max: $max) {
      documents { id status cashAdvance { cashAdvanceData { requestAmount } journalData { debitOrCredit amount } } invoice { requestHeader { requestId } } }
      outcomes { docId status code result message final }
    }
  }
`;
const POSTINGS = /* GraphQL */ `
  mutation Postings($companyId: ID!, $docType: FinancialDocType!, $confirmations: [FinancialPostingInput!]!) {
    confirmFinancialPostings(companyId: $companyId, docType: $docType, confirmations: $confirmations) { docId status code result message final }
  }
`;
const PAYMENTS = /* GraphQL */ `
  mutation Payments($companyId: ID!, $confirmations: [FinancialPaymentInput!]!) {
    confirmFinancialPayments(companyId: $companyId, confirmations: $confirmations) { docId status code result message paymentRef final }
  }
`;
const ONE = /* GraphQL */ `
  query One($companyId: ID!, $docType: FinancialDocType!, $docId: ID!) {
    financialDocument(companyId: $companyId, docType: $docType, docId: $docId) {
      id status docType
      expense {
        report { reportId totalApprovedAmount cashAdvanceReturnsAmount customFields { index code value } orgUnits { index code value } }
        expenseEntry { reportEntryTransactionAmount entryApprovedAmount allocation { journal { amountGross amountNetOfTax amountTax } } }
      }
      document
    }
  }
`;
const READY = /* GraphQL */ `
  subscription Ready($companyId: ID!, $docType: FinancialDocType!) {
    financialDocumentReady(companyId: $companyId, docType: $docType) {
      id docType status
      obligation { employee { employeeId } }
      cashAdvance { cashAdvanceData { cashAdvanceId requestAmount } }
    }
  }
`;

type Ready = { financialDocumentReady: { id: string; docType: string; status: string } };

/** New READY documents through the emulator's admin API (the Concur side: reports becoming final-approved). */
async function createDocs(stack: Stack, docType: string, count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const res = await stack.admin("POST", `/fis/companies/${stack.companyId}/documents`, { docType, count, events: false, ...extra });
  return res.ids;
}

/** An emulator admin document view, parsed losslessly (amounts as sent). */
async function adminDoc(stack: Stack, docId: string): Promise<{ text: string; json: any }> {
  const res = await request(`${stack.emulator.url}/_emulator/fis/documents/${docId}`);
  const text = await res.body.text();
  return { text, json: parseLossless(text) };
}

/** Every READY id of a doc type, read from the emulator directly (nothing else runs meanwhile). */
async function readyIds(stack: Stack, docType: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ; page++) {
    const res = await request(`${stack.emulator.url}/financialintegration/fi/v4/companies/transactiontypes/${docType}/transactions?limit=100&page=${page}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    const body = (await res.body.json()) as { content: { id: string }[]; page: { totalPages: number } };
    ids.push(...body.content.map((d) => d.id));
    if (page + 1 >= body.page.totalPages) return ids;
  }
}

function fisEvent(stack: Stack, docType: string, documentId: string, id = randomUUID()) {
  return {
    id,
    data: null,
    eventType: `${docType}.readyForIntegration`,
    correlationId: "901bc0ccbaae426c54f3bcc650ae9ec4",
    topic: "public.concur.financialintegration",
    subtopic: "p0608532bdtt",
    timeStamp: "2023-09-26T21:17:44.570+0000",
    route: "stable",
    facts: {
      companyId: stack.companyId,
      documentId,
      href: `https://financial-integration.service.cnqr.tech/fi/v4/companies/transactiontypes/${docType}/transactions?docId=${documentId}`,
      entityId: "p0608532bdtt",
    },
  };
}

async function postWebhook(stack: Stack, body: Buffer): Promise<number> {
  const res = await request(`${stack.gateway.origin}/webhooks/concur`, { method: "POST", headers: { "content-type": "application/json", "concur-signature": signBody(body) }, body });
  await res.body.dump();
  return res.statusCode;
}

describe("FIS posting loop through GraphQL (events on)", () => {
  let stack: Stack;
  const open: Subscriber<unknown>[] = [];

  beforeAll(async () => {
    stack = await startStack({ emulator: { privateKeyPem: concurPrivatePem } });
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await stack?.stop();
  });

  it("walks a READY queue of 500+ expense documents with first: 40 while another caller acknowledges: each document exactly once", async () => {
    await createDocs(stack, "expense", 500);
    const initial = await readyIds(stack, "expense");
    expect(initial.length).toBeGreaterThanOrEqual(500);
    const other = stack.emulator.issueToken(stack.companyId);
    await stack.resetCounters();

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let acknowledgedByOther = 0;
    for (;;) {
      const res: { data?: any; errors?: any[] } = await stack.graphql(WALK, { companyId: stack.companyId, after });
      expect(res.errors).toBeUndefined();
      const conn = res.data.financialDocuments;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
      // Another caller acknowledges documents in between: 3 not reached yet (ahead in the queue) and 2 already seen.
      const unseen = initial.filter((id) => !seen.includes(id));
      const ids = [...unseen.slice(0, 3), ...seen.slice(-2)];
      const ack = await stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, docType: "EXPENSE", ids }, other);
      expect(ack.errors).toBeUndefined();
      acknowledgedByOther += ack.data.acknowledgeFinancialDocuments.filter((o: { status: string }) => o.status === "SUCCEEDED").length;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...initial].sort());
    expect(pages).toBe(Math.ceil(initial.length / 40));
    expect(acknowledgedByOther).toBeGreaterThan(50);
    // Upstream: the snapshot costs ceil(n/100) pages + page 0 twice; later pages come from the snapshot.
    const counters = await stack.counters();
    const gets = sumCalls(counters, GET);
    console.log(`[fis walk] ${initial.length} documents, ${pages} GraphQL pages of 40, ${gets} upstream GETs (limit 100), ${acknowledgedByOther} acknowledged by another caller meanwhile`);
    expect(gets).toBe(Math.ceil(initial.length / 100) + 1);
  });

  it("200 concurrent acknowledge mutations share the fewest POSTs the batch limit (100) allows", async () => {
    const ids = await createDocs(stack, "payroll", 200);
    await stack.resetCounters();
    const results = await Promise.all(ids.map((id) => stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, docType: "PAYROLL", ids: [id] })));
    for (const [i, res] of results.entries()) {
      expect(res.errors).toBeUndefined();
      expect(res.data.acknowledgeFinancialDocuments).toEqual([{ docId: ids[i], status: "SUCCEEDED", code: 0, result: "SUCCESS", message: "", final: true, retryable: false, attempts: 1 }]);
    }
    const posts = sumCalls(await stack.counters(), ACK);
    console.log(`[fis ack] 200 concurrent mutations -> ${posts} POST acknowledgements (lower bound ceil(200/100) = 2)`);
    expect(posts).toBe(Math.ceil(200 / 100));
    // Acknowledged again: "already done", final, never SUCCEEDED twice; the claim ledger answers, nothing is sent.
    const again = await stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, docType: "PAYROLL", ids: ids.slice(0, 2) });
    expect(again.data.acknowledgeFinancialDocuments.map((o: { status: string; code: number }) => [o.status, o.code])).toEqual([["ALREADY_DONE", null], ["ALREADY_DONE", null]]);
  });

  it("claimFinancialDocuments returns only what it acknowledged: a document recalled before the acknowledgement is left out (102), and comes back under a new id", async () => {
    const created = await createDocs(stack, "cashadvance", 3);
    const queue = await readyIds(stack, "cashadvance");
    const recalled = created[1];
    await stack.admin("POST", `/fis/documents/${recalled}/recall`, { when: "nextAcknowledge" });
    const res = await stack.graphql(CLAIM, { companyId: stack.companyId, docType: "CASH_ADVANCE", max: 10 });
    expect(res.errors).toBeUndefined();
    const { documents, outcomes } = res.data.claimFinancialDocuments;
    expect(documents.map((d: { id: string }) => d.id).sort()).toEqual(queue.filter((id) => id !== recalled).sort());
    for (const d of documents) {
      expect(d.status).toBe("ACKNOWLEDGED");
      expect(d.cashAdvance.cashAdvanceData.requestAmount).toBe("500.00000000");
      expect(d.cashAdvance.journalData.map((j: { debitOrCredit: string; amount: string }) => [j.debitOrCredit, j.amount])).toEqual([["DR", "500.00000000"], ["CR", "-500.00000000"]]);
    }
    expect(outcomes.find((o: { docId: string }) => o.docId === recalled)).toEqual({ docId: recalled, status: "FAILED", code: 102, result: "FAILURE", message: "This document has been recalled.", final: true });
    // Resubmitted and approved again: a new document id, READY.
    const reapproved = await stack.admin("POST", `/fis/documents/${recalled}/reapprove`);
    const next = await stack.graphql(CLAIM, { companyId: stack.companyId, docType: "CASH_ADVANCE", max: 10 });
    expect(next.data.claimFinancialDocuments.documents.map((d: { id: string }) => d.id)).toEqual([reapproved.id]);
    expect(reapproved.id).not.toBe(recalled);
  });

  it("posting confirmations (success with ERP documents, error with messages) reach FIS in the spec's exact shapes; a repeat is already done", async () => {
    const claimed = await stack.graphql(CLAIM, { companyId: stack.companyId, docType: "INVOICE", max: 2 });
    const [ok, failed] = claimed.data.claimFinancialDocuments.documents.map((d: { id: string }) => d.id);
    expect(failed).toBeDefined();
    const confirmations = [
      { docId: ok, status: "SUCCESS", postingDocuments: [{ companyCode: "0100", documentNumber: "0123456", fiscalYear: "2018", postingDate: "2018-03-02" }] },
      { docId: failed, status: "ERROR", messages: [{ messageId: "003-CC", language: "EN", shortText: "Profit centre /company code assignment is not correct. Check the entry." }] },
    ];
    const res = await stack.graphql(POSTINGS, { companyId: stack.companyId, docType: "INVOICE", confirmations });
    expect(res.errors).toBeUndefined();
    expect(res.data.confirmFinancialPostings.map((o: { status: string; code: number }) => [o.status, o.code])).toEqual([["SUCCEEDED", 0], ["SUCCEEDED", 0]]);
    // As the spec's example request sends them (§2.3), key order included.
    expect((await adminDoc(stack, ok)).json.postingConfirmation).toEqual({
      docId: ok,
      overallPostingStatusCode: "success",
      postingDocs: [{ companyId: "0100", documentNumber: "0123456", fiscalYear: "2018", paymentRelevantLineItems: [], postingDate: "2018-03-02" }],
      systemMessages: [],
    });
    expect(stringifyLossless((await adminDoc(stack, failed)).json.postingConfirmation)).toBe(
      JSON.stringify({
        docId: failed,
        overallPostingStatusCode: "error",
        postingDocs: [],
        systemMessages: [{ concurTransactionLineItemId: "", messageId: "003-CC", messageLanguage: "EN", messageLongText: "", messageShortText: "Profit centre /company code assignment is not correct. Check the entry." }],
      }),
    );
    expect((await adminDoc(stack, ok)).json.status).toBe("POSTING_CONFIRMED_SUCCESS");
    expect((await adminDoc(stack, failed)).json.status).toBe("POSTING_CONFIRMED_FAILURE");
    const repeat = await stack.graphql(POSTINGS, { companyId: stack.companyId, docType: "INVOICE", confirmations: [confirmations[0]] });
    // The same values again: already done, answered by the claim ledger (nothing sent).
    expect(repeat.data.confirmFinancialPostings[0]).toMatchObject({ status: "ALREADY_DONE", code: null, final: true });
    // A success without ERP documents is refused before anything is sent.
    const invalid = await stack.graphql(POSTINGS, { companyId: stack.companyId, docType: "INVOICE", confirmations: [{ docId: ok, status: "SUCCESS" }] });
    expect(invalid.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("an amount of 12345678901234.12345678 survives digit for digit, in and out; a repeated paymentRef is already done (298 NOOP)", async () => {
    const [docId] = await createDocs(stack, "expense", 1, { amount: FIS_AMOUNTS.exact });
    const read = await stack.graphql(ONE, { companyId: stack.companyId, docType: "EXPENSE", docId });
    expect(read.errors).toBeUndefined();
    const doc = read.data.financialDocument;
    expect(doc.expense.report.totalApprovedAmount).toBe("12345678901234.12345678");
    expect(doc.expense.report.cashAdvanceReturnsAmount).toBe("0.00000000"); // FIS sent 0E-8
    expect(doc.expense.expenseEntry[0].allocation[0].journal[0]).toEqual({ amountGross: "12345678901234.12345678", amountNetOfTax: "12345678901234.12345678", amountTax: "0.00000000" });
    expect(doc.document.report.totalApprovedAmount).toBe("12345678901234.12345678");
    expect(doc.expense.report.customFields).toEqual([{ index: 1, code: "TRV", value: "Travel" }]);
    expect(doc.expense.report.orgUnits).toEqual([{ index: 1, code: "0100", value: "Company 0100" }, { index: 2, code: "CC0101", value: "Cost center 0101" }]);

    expect((await stack.graphql(ACKNOWLEDGE, { companyId: stack.companyId, docType: "EXPENSE", ids: [docId] })).data.acknowledgeFinancialDocuments[0].status).toBe("SUCCEEDED");
    const posted = await stack.graphql(POSTINGS, {
      companyId: stack.companyId,
      docType: "EXPENSE",
      confirmations: [{ docId, status: "SUCCESS", postingDocuments: [{ companyCode: "US01", documentNumber: "95432", fiscalYear: "2019", postingDate: "2019-02-05" }] }],
    });
    expect(posted.data.confirmFinancialPostings[0].status).toBe("SUCCEEDED");
    const payment = (paymentRef: string, status = "PP") => ({
      docId,
      status,
      clearingDetails: [
        {
          clearingDate: "2019-02-06T12:00:00.000Z",
          amount: FIS_AMOUNTS.exact,
          currency: "USD",
          receiver: { receiverId: "EMP01000", receiverName: "Ada Lovelace" },
          reference: { companyCode: "US01", financialDocumentId: "95432", fiscalYear: "2019", paymentRef, paymentMethod: "EFT" },
        },
      ],
    });
    const paid = await stack.graphql(PAYMENTS, { companyId: stack.companyId, confirmations: [payment("2")] });
    expect(paid.errors).toBeUndefined();
    expect(paid.data.confirmFinancialPayments).toEqual([{ docId, status: "SUCCEEDED", code: 0, result: "SUCCESS", message: "", paymentRef: "2", final: true }]);
    // The amount reached FIS as the JSON number 12345678901234.12345678, not a rounded float.
    const stored = await adminDoc(stack, docId);
    expect(stored.text).toContain('"clearingAmount":12345678901234.12345678');
    expect(stored.json.paymentConfirmations[0].clearingDetails[0].clearingReference).toEqual({ companyCode: "US01", financialDocumentId: "95432", fiscalYear: "2019", paymentRef: "2", paymentMethod: "E" });

    const repeated = await stack.graphql(PAYMENTS, { companyId: stack.companyId, confirmations: [payment("2", "CP")] });
    expect(repeated.data.confirmFinancialPayments[0]).toEqual({
      docId,
      status: "ALREADY_DONE",
      code: 298,
      result: "NOOP",
      message: "Payment confirmation already exist US01/95432/2019/2.",
      paymentRef: "2",
      final: true,
    });
    // A clearing date in neither accepted format never leaves the gateway.
    const badDate = await stack.graphql(PAYMENTS, { companyId: stack.companyId, confirmations: [{ ...payment("3"), clearingDetails: [{ ...payment("3").clearingDetails[0], clearingDate: "2019-02-06" }] }] });
    expect(badDate.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("a signed expense-style readyForIntegration event reaches a subscriber as the typed document, once — also when redelivered", async () => {
    const s = subscribe<Ready>(stack.gateway.wsUrl, stack.token, READY, { companyId: stack.companyId, docType: "REQUEST_OBLIGATION" });
    open.push(s as Subscriber<unknown>);
    // Live once a probe (a new document, announced by the emulator's own signed event) arrives.
    await waitFor(
      async () => {
        const before = s.events.length;
        await stack.admin("POST", `/fis/companies/${stack.companyId}/documents`, { docType: "requestobligation", count: 1, events: true });
        try {
          await waitFor(() => s.events.length > before, 500);
          return true;
        } catch {
          return false;
        }
      },
      15_000,
      "financialDocumentReady to be live",
    );
    const seenBefore = s.events.length;
    const [documentId] = await createDocs(stack, "requestobligation", 1);
    // The same event twice (an ESS redelivery), and the same document under a new event id (an ESS re-publish).
    const event = Buffer.from(JSON.stringify(fisEvent(stack, "requestObligation", documentId, "ett80969-9d7b-4b4f-9c27-0e0c6e0d0b6a")));
    expect(await postWebhook(stack, event)).toBe(202);
    expect(await postWebhook(stack, event)).toBe(200);
    expect(await postWebhook(stack, Buffer.from(JSON.stringify(fisEvent(stack, "requestObligation", documentId))))).toBe(202);
    await waitFor(() => s.events.some((e) => e.financialDocumentReady.id === documentId), 5_000, "the document");
    await stack.gateway.services.webhookHandler.drain();
    await elapse(300); // proves nothing more arrives: a second copy would come within this
    const mine = s.events.slice(seenBefore).filter((e) => e.financialDocumentReady.id === documentId);
    expect(mine).toEqual([{ financialDocumentReady: { id: documentId, docType: "REQUEST_OBLIGATION", status: "READY", obligation: { employee: { employeeId: expect.any(String) } }, cashAdvance: null } }]);
  });
});

describe("FIS READY documents with events off: the poller", () => {
  let stack: Stack;
  const INTERVAL = 300;

  beforeAll(async () => {
    stack = await startStack({ webhooks: false, env: { FIS_POLL_INTERVAL_MS: String(INTERVAL) } });
    await stack.admin("PUT", "/faults", { webhooksEnabled: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("tells a subscriber within one poll interval; pollFinancialDocumentsNow tells it at once", async () => {
    const s = subscribe<Ready>(stack.gateway.wsUrl, stack.token, READY, { companyId: stack.companyId, docType: "CASH_ADVANCE" });
    // Live once a probe document is announced by a poll (no events reach the gateway).
    await waitFor(
      async () => {
        const before = s.events.length;
        await createDocs(stack, "cashadvance", 1);
        try {
          await waitFor(() => s.events.length > before, 4 * INTERVAL + 500);
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      "financialDocumentReady to be live",
    );
    // A poll just found something: the poller is at its configured pace.
    const [documentId] = await createDocs(stack, "cashadvance", 1);
    const started = Date.now();
    await waitFor(() => s.events.some((e) => e.financialDocumentReady.id === documentId), 5_000, "the polled document");
    const took = Date.now() - started;
    console.log(`[fis poll] events off: told after ${took} ms (interval ${INTERVAL} ms)`);
    expect(took).toBeLessThanOrEqual(INTERVAL + 200);
    const event = s.events.find((e) => e.financialDocumentReady.id === documentId)!;
    expect(event.financialDocumentReady).toMatchObject({ docType: "CASH_ADVANCE", status: "READY", cashAdvance: { cashAdvanceData: { requestAmount: "500.00000000" } } });

    const [urgent] = await createDocs(stack, "cashadvance", 1);
    const now = await stack.graphql(`mutation($c: ID!) { pollFinancialDocumentsNow(companyId: $c, docType: CASH_ADVANCE) { ready announced } }`, { c: stack.companyId });
    expect(now.errors).toBeUndefined();
    expect(now.data.pollFinancialDocumentsNow.announced).toBe(1);
    await waitFor(() => s.events.some((e) => e.financialDocumentReady.id === urgent), 1_000, "the document of the poll-now");
    expect(s.events.filter((e) => e.financialDocumentReady.id === urgent)).toHaveLength(1);
    await s.close();
  });
});
