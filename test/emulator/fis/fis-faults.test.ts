// The FIS emulation's "500 after applying" fault (fisError5xxAfterApplyRate, docs/emulator/financial-integration-v4.md):
// the acknowledgement, posting confirmation and payment confirmation are applied, the answer is a 500, and a re-send
// is answered as already done (101 / 113 / 298 NOOP) — what a partner sees when Concur's answer is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../../src/emulator/index.js";
import { call } from "../helpers.js";

const BASE = "/financialintegration/fi/v4/companies/transactiontypes/expense/transactions";

describe("FIS fault: 500 after applying", () => {
  let emu: RunningEmulator;
  let token: string;
  beforeAll(async () => {
    emu = await createEmulator({ port: 0, seed: "demo" });
    token = emu.issueToken(DEMO.companyId);
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const post = (op: string, body: unknown) => call(emu.url, "POST", `${BASE}${op}`, { token, body });
  const state = async (docId: string) => (await call(emu.url, "GET", `/_emulator/fis/documents/${docId}`, {})).json;

  it("acknowledgement, posting and payment confirmation: applied, answered 500; the re-send says already done", async () => {
    const [docId] = (await call(emu.url, "POST", `/_emulator/fis/companies/${DEMO.companyId}/documents`, { body: { docType: "expense", events: false } })).json.ids as string[];
    expect((await call(emu.url, "PUT", "/_emulator/config", { body: { fisError5xxAfterApplyRate: 1 } })).status).toBe(200);

    expect((await post("/acknowledgements", { ids: [docId], systemId: "erp-1" })).status).toBe(500);
    expect(await state(docId)).toMatchObject({ status: "ACKNOWLEDGED", systemId: "erp-1" });

    const posting = { docId, overallPostingStatusCode: "success", postingDocs: [{ companyId: "US01", documentNumber: "4711", fiscalYear: "2026", paymentRelevantLineItems: [], postingDate: "2026-12-04" }], systemMessages: [] };
    expect((await post("/postingconfirmations", { systemId: "erp-1", postingConfirmations: [posting] })).status).toBe(500);
    expect(await state(docId)).toMatchObject({ status: "POSTING_CONFIRMED_SUCCESS", postingConfirmation: posting });

    const payment = { docId, processingStatusCode: "CP", clearingDetails: [{ clearingDate: "20261204", clearingAmount: 10.5, clearingCurrency: "USD", clearingReference: { companyCode: "US01", financialDocumentId: "9", fiscalYear: "2026", paymentRef: "R1" } }] };
    expect((await post("/paymentconfirmations", { systemId: "erp-1", processingConfirmation: [payment] })).status).toBe(500);
    expect((await state(docId)).paymentStatus).toBe("CP");

    expect((await call(emu.url, "PUT", "/_emulator/config", { body: { fisError5xxAfterApplyRate: 0 } })).status).toBe(200);
    expect((await post("/acknowledgements", { ids: [docId], systemId: "erp-1" })).json[0]).toMatchObject({ code: 101, acknowledgeResult: "FAILURE" });
    expect((await post("/postingconfirmations", { systemId: "erp-1", postingConfirmations: [posting] })).json[0]).toMatchObject({ code: 113 });
    expect((await post("/paymentconfirmations", { systemId: "erp-1", processingConfirmation: [payment] })).json[0]).toMatchObject({ code: 298, paymentConfirmationResult: "NOOP" });
  });

  it("refuses a rate outside 0..1", async () => {
    expect((await call(emu.url, "PUT", "/_emulator/config", { body: { fisError5xxAfterApplyRate: 2 } })).status).toBe(400);
  });
});
