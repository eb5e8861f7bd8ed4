// Conformance of the FIS emulation over HTTP (docs/emulator/financial-integration-v4.md): shapes, paging, service
// codes, the state machine, DocumentFormatAs, scope, limits, signed readyForIntegration events.
import { constants, createPublicKey, createPrivateKey, verify } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseLossless } from "lossless-json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, FIS_AMOUNTS, FIS_DEMO_COUNTS, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";
import { waitFor } from "../../helpers/wait.js";

const BASE = "/financialintegration/fi/v4/companies/transactiontypes";
const JSON_DOCS = { documentformatas: "json" };

describe("FIS emulation over HTTP", () => {
  let emu: RunningEmulator;
  let token: string;
  const received: { body: Buffer; signature: string | undefined }[] = [];
  let hook: ReturnType<typeof createServer>;

  beforeAll(async () => {
    hook = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ body: Buffer.concat(chunks), signature: req.headers["concur-signature"] as string | undefined });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    emu = await createEmulator({ port: 0, seed: "demo", privateKeyPem: testKeyPem(), webhookUrls: [`http://127.0.0.1:${(hook.address() as AddressInfo).port}/`] });
    token = emu.issueToken(DEMO.companyId);
  });
  afterAll(async () => {
    await emu?.stop();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  const get = (docType: string, query = "", headers: Record<string, string> = JSON_DOCS) => call(emu.url, "GET", `${BASE}/${docType}/transactions${query}`, { token, headers });
  const post = (docType: string, op: string, body: unknown) => call(emu.url, "POST", `${BASE}/${docType}/transactions/${op}`, { token, body });
  const create = async (docType: string, count = 1, extra: Record<string, unknown> = {}) =>
    (await call(emu.url, "POST", `/_emulator/fis/companies/${DEMO.companyId}/documents`, { body: { docType, count, events: false, ...extra } })).json.ids as string[];
  const admin = (path: string, body?: unknown) => call(emu.url, body === undefined ? "GET" : "POST", `/_emulator/fis${path}`, body === undefined ? {} : { body });

  it("GET transactions: PagedResources with 0-based page metadata and links; limit default 25, capped at 100", async () => {
    await create("invoice", 118);
    const total = FIS_DEMO_COUNTS.invoice + 118;
    const first = await get("invoice");
    expect(first.status).toBe(200);
    expect(first.json.page).toEqual({ size: 25, totalElements: total, totalPages: Math.ceil(total / 25), number: 0 });
    expect(first.json.links.map((l: { rel: string }) => l.rel)).toEqual(["first", "self", "next", "last"]);
    expect(first.json.links[2]).toEqual({ rel: "next", href: `${emu.url}${BASE}/invoice/transactions?limit=25&page=1&size=25`, hreflang: null, media: null, title: null, type: null, deprecation: null });
    const doc = first.json.content[0];
    expect(Object.keys(doc)).toEqual(["id", "docType", "companyId", "entityId", "companyUuid", "erpSystemId", "document", "docStatus", "links"]);
    expect(doc).toMatchObject({ docType: "invoice", companyUuid: DEMO.companyId, docStatus: "READY", links: [] });
    expect(doc.id).toMatch(/^[0-9a-f]{32}$/);
    const capped = await get("invoice", "?limit=500&page=1");
    expect(capped.json.page).toEqual({ size: total - 100, totalElements: total, totalPages: 2, number: 1 });
    expect(capped.json.links.map((l: { rel: string }) => l.rel)).toEqual(["first", "self", "last"]);
    expect((await get("invoice", "?page=-1")).status).toBe(400);
    expect((await get("nope")).status).toBe(400);
  });

  it("amounts leave as exact JSON numbers (12345678901234.12345678, 0E-8); DocumentFormatAs text sends the document as a JSON string", async () => {
    const [id] = await create("expense", 1, { amount: FIS_AMOUNTS.exact });
    const res = await get("expense", `?docId=${id}`);
    expect(res.text).toContain('"totalApprovedAmount":12345678901234.12345678');
    expect(res.text).toContain('"cashAdvanceReturnsAmount":0E-8');
    const doc = (parseLossless(res.text) as any).content[0];
    expect(doc.document.report.totalApprovedAmount.value).toBe(FIS_AMOUNTS.exact);
    const text = await get("expense", `?docId=${id}`, { documentformatas: "text" });
    const asText = (parseLossless(text.text) as any).content[0].document;
    expect(typeof asText).toBe("string");
    expect(asText).toContain("12345678901234.12345678");
    expect((await get("expense", `?docId=${id}`, { documentformatas: "xml" })).status).toBe(400);
    // By business id (the report id) too (spec Q1).
    const byReport = await get("expense", `?docId=${doc.document.report.reportId}`);
    expect(byReport.json.content.map((d: { id: string }) => d.id)).toEqual([id]);
  });

  it("acknowledgements: per-document codes in a bare 200 array (0, 101 with the system id, 102 recalled, 104 unknown, 105 wrong type); > 100 ids is a 400", async () => {
    const [a, b, recalled] = await create("cashadvance", 3);
    const [invoice] = await create("invoice", 1);
    expect((await admin(`/documents/${recalled}/recall`, { when: "nextAcknowledge" })).status).toBe(200);
    const res = await post("cashadvance", "acknowledgements", { ids: [a, b, a, recalled, "0".repeat(32), invoice], systemId: "erp-1" });
    expect(res.status).toBe(200);
    expect(res.json.map((i: { code: number }) => i.code)).toEqual([0, 0, 101, 102, 104, 105]);
    expect(res.json[2]).toEqual({ code: 101, docId: a, systemId: "erp-1", acknowledgeResult: "FAILURE", errorMessage: "This document was previously acknowledged by SystemId: erp-1." });
    expect(res.json[0]).toEqual({ code: 0, docId: a, systemId: "erp-1", acknowledgeResult: "SUCCESS", errorMessage: "" });
    // Acknowledged and recalled documents left the READY queue.
    const ready = (await get("cashadvance", "?limit=100")).json.content.map((d: { id: string }) => d.id);
    expect(ready).not.toContain(a);
    expect(ready).not.toContain(recalled);
    expect((await post("cashadvance", "acknowledgements", { ids: Array.from({ length: 101 }, (_, i) => String(i)) })).status).toBe(400);
    expect((await post("reportobligation", "acknowledgements", { ids: [a] })).status).toBe(400);
  });

  it("posting confirmations: 0, 111 not acknowledged, 113 already posted, 116 unknown, 99 system id mismatch, 198 invalid item", async () => {
    const [acked, ready, other] = await create("expense", 3);
    await post("expense", "acknowledgements", { ids: [acked], systemId: "erp-1" });
    await post("expense", "acknowledgements", { ids: [other], systemId: "erp-2" });
    const ok = { docId: acked, overallPostingStatusCode: "success", systemMessages: [], postingDocs: [{ companyId: "0100", documentNumber: "0123456", fiscalYear: "2018", paymentRelevantLineItems: [], postingDate: "2018-03-02" }] };
    const res = await post("expense", "postingconfirmations", {
      systemId: "erp-1",
      postingConfirmations: [ok, { ...ok, docId: ready }, { ...ok, docId: "f".repeat(32) }, { ...ok, docId: other }, { docId: acked, overallPostingStatusCode: "maybe", systemMessages: [] }],
    });
    expect(res.json.map((i: { code: number; postingConfirmationResult: string }) => [i.code, i.postingConfirmationResult])).toEqual([
      [0, "SUCCESS"],
      [111, "NOT_YET_ACKNOWLEDGED"],
      [116, "DOCUMENT_NOT_FOUND"],
      [99, "FAILURE"],
      [198, "FAILURE"],
    ]);
    const again = await post("expense", "postingconfirmations", { systemId: "erp-1", postingConfirmations: [ok] });
    expect(again.json[0]).toMatchObject({ code: 113, postingConfirmationResult: "FAILURE" });
    expect((await post("expense", "postingconfirmations", { postingConfirmations: [ok] })).status).toBe(400); // systemId required
    expect((await admin(`/documents/${acked}`)).json.status).toBe("POSTING_CONFIRMED_SUCCESS");
  });

  it("payment confirmations (expense only): 0, a repeated paymentRef 298 NOOP, 114 before a successful posting, 298 for a bad clearingDate", async () => {
    const [paid, unposted] = await create("expense", 2);
    await post("expense", "acknowledgements", { ids: [paid, unposted], systemId: "" });
    await post("expense", "postingconfirmations", {
      systemId: "",
      postingConfirmations: [{ docId: paid, overallPostingStatusCode: "success", systemMessages: [], postingDocs: [{ companyId: "US01", documentNumber: "95432", fiscalYear: "2019", paymentRelevantLineItems: [], postingDate: "2019-02-05" }] }],
    });
    const detail = (paymentRef: string, clearingDate = "2019-02-06T12:00:00.000Z") => ({
      clearingDate,
      clearingAmount: 50.5,
      clearingCurrency: "USD",
      receiver: { receiverId: "E1", receiverName: "Ada", receiverType: "EMPLOYEE" },
      clearingReference: { companyCode: "US01", financialDocumentId: "95432", fiscalYear: "2019", paymentRef, paymentMethod: "E" },
    });
    const pay = (docId: string, paymentRef: string, clearingDate?: string) => ({ docId, processingStatusCode: "PP", clearingDetails: [detail(paymentRef, clearingDate)] });
    const res = await post("expense", "paymentconfirmations", { systemId: "", processingConfirmation: [pay(paid, "2"), pay(paid, "2"), pay(unposted, "3"), pay(paid, "4", "2019-02-06")] });
    expect(res.json).toEqual([
      { code: 0, docId: paid, systemId: "", paymentConfirmationResult: "SUCCESS", errorMessage: null, paymentRef: "2", detailMessage: "" },
      { code: 298, docId: paid, systemId: "", paymentConfirmationResult: "NOOP", errorMessage: "Payment confirmation already exist US01/95432/2019/2.", paymentRef: "2", detailMessage: "" },
      expect.objectContaining({ code: 114, paymentConfirmationResult: "NOT_POSTING_CONFIRMED" }),
      expect.objectContaining({ code: 298, paymentConfirmationResult: "FAILURE" }),
    ]);
    expect((await post("invoice", "paymentconfirmations", { systemId: "", processingConfirmation: [pay(paid, "9")] })).status).toBe(400);
  });

  it("re-approval of a recalled document: a new id, READY, announced by a signed expense.readyForIntegration event", async () => {
    const [id] = await create("expense", 1);
    expect((await admin(`/documents/${id}/recall`, {})).status).toBe(200);
    received.length = 0;
    const next = await admin(`/documents/${id}/reapprove`, {});
    expect(next.status).toBe(201);
    expect(next.json.id).not.toBe(id);
    expect(next.json.status).toBe("READY");
    await waitFor(() => received.length > 0, 5_000, "the event");
    const { body, signature } = received[0];
    const key = createPublicKey(createPrivateKey(testKeyPem()));
    expect(verify("sha256", body, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, Buffer.from(signature!, "base64"))).toBe(true);
    const event = JSON.parse(body.toString());
    expect(event).toMatchObject({ eventType: "expense.readyForIntegration", topic: "public.concur.financialintegration", data: null, route: "stable", facts: { companyId: DEMO.companyId, documentId: next.json.id } });
    expect(event.timeStamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(event.facts.href).toBe(`https://financial-integration.service.cnqr.tech/fi/v4/companies/transactiontypes/expense/transactions?docId=${next.json.id}`);
    // The old id stays recalled: acknowledging it is 102.
    expect((await post("expense", "acknowledgements", { ids: [id] })).json[0].code).toBe(102);
  });

  it("FISVC is required (403); 199 fault answers documents 'retry later' without applying them; calls are counted", async () => {
    const noScope = emu.issueToken(DEMO.companyId, ["spend.accountingintegration.read"]);
    expect((await call(emu.url, "GET", `${BASE}/expense/transactions`, { token: noScope })).status).toBe(403);
    const [id] = await create("payroll", 1);
    await call(emu.url, "PUT", "/_emulator/config", { body: { fisUnknownErrorRate: 1 } });
    expect((await post("payroll", "acknowledgements", { ids: [id] })).json[0].code).toBe(199);
    await call(emu.url, "PUT", "/_emulator/config", { body: { fisUnknownErrorRate: 0 } });
    expect((await post("payroll", "acknowledgements", { ids: [id] })).json[0].code).toBe(0);
    const counters = (await call(emu.url, "GET", "/_emulator/counters")).json.counters;
    expect(counters[`POST ${BASE}/{docType}/transactions/acknowledgements`]["200"]).toBeGreaterThan(0);
  });
});

describe("FIS demo seed", () => {
  it("seeds the Accounting demo companies (the ids are repeated in src/emulator/fis/seed.ts)", async () => {
    const { FIS_DEMO_COMPANIES } = await import("../../../src/emulator/fis/index.js");
    expect([...FIS_DEMO_COMPANIES]).toEqual([DEMO.companyId, DEMO.secondCompanyId]);
  });
});
