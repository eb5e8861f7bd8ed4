// Images for posting (issue 23): receipt and invoice images beside the FIS documents, over real HTTP against a gateway
// on the emulator (passthrough mode). The emulator's Image v1 serves the documents its FIS emulation holds; upstream
// calls are counted by the emulator.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerKeyOf } from "../../src/datasources/index.js";
import { IMAGE_FORMS, IMAGE_ROUTES, SPEND_DOCUMENTS_ROUTES } from "../../src/emulator/images/index.js";
import { createFileLinks } from "../../src/services/extract-files.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const XML = `GET ${IMAGE_ROUTES.image}`;
const FILE = `GET ${IMAGE_ROUTES.file}`;
const SD_RECEIPTS = `GET ${SPEND_DOCUMENTS_ROUTES.receipts}`;
const SD_REPRESENTATION = `GET ${SPEND_DOCUMENTS_ROUTES.representations}`;
/** The gateway's download cap in this file (IMAGE_DOWNLOAD_MAX_BYTES): 1 MiB; the documents' own images are a few KB. */
const CAP = 1024 * 1024;
const SECRET = "images-test-secret-0123456789-abcdefghijklmnop";
const IMAGE_FIELDS = "of id imageId contentType size servedBy download { url expiresAt }";

const CLAIM = /* GraphQL */ `
  mutation Claim($companyId: ID!) {
    claimFinancialDocuments(companyId: $companyId, docType: EXPENSE, max: 100) {
      documents { id expense { report { reportId image { ${IMAGE_FIELDS} } } expenseEntry { entryId entryReceiptId image { ${IMAGE_FIELDS} } } } }
      outcomes { docId status }
    }
  }
`;
const CLAIM_INVOICES = /* GraphQL */ `
  mutation Claim($companyId: ID!) {
    claimFinancialDocuments(companyId: $companyId, docType: INVOICE, max: 100) {
      documents { id invoice { requestHeader { requestId } image { ${IMAGE_FIELDS} } } }
    }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($companyId: ID!, $confirmations: [FinancialPostingInput!]!) {
    confirmFinancialPostings(companyId: $companyId, docType: EXPENSE, confirmations: $confirmations) { docId status code }
  }
`;
const IMAGE = /* GraphQL */ `
  query Image($companyId: ID!, $of: ImageSubjectKind!, $id: ID!, $entryId: ID) {
    financialImage(companyId: $companyId, of: $of, id: $id, entryId: $entryId) { ${IMAGE_FIELDS} }
  }
`;

let stack: Stack;
let companyId: string;

beforeAll(async () => {
  stack = await startStack({ env: { FILE_URL_SECRET: SECRET, IMAGE_DOWNLOAD_MAX_BYTES: String(CAP) } });
  companyId = stack.companyId;
}, 60_000);
afterAll(() => stack?.stop());

/** A new READY expense document of the demo company (no event: the test claims it). */
async function newExpenseDocument(): Promise<{ id: string; reportId: string; entries: Array<{ entryId: string; entryReceiptId: string }> }> {
  const { ids } = await stack.admin("POST", `/fis/companies/${companyId}/documents`, { docType: "expense", count: 1, events: false });
  const view = await stack.admin("GET", `/fis/documents/${ids[0]}`);
  return { id: ids[0], reportId: view.document.report.reportId, entries: view.document.expenseEntry.map((e: any) => ({ entryId: e.entryId, entryReceiptId: e.entryReceiptId })) };
}

/** The bytes the emulator's Image v1 serves for a path (its admin view). */
async function emulatorBytes(kind: string, id: string): Promise<{ data: Buffer; contentType: string }> {
  const res = await request(`${stack.emulator.url}/_emulator/images/companies/${companyId}/${kind}/${id}`);
  expect(res.statusCode).toBe(200);
  return { data: Buffer.from(await res.body.arrayBuffer()), contentType: String(res.headers["content-type"]) };
}

async function get(url: string, token: string | null = stack.token): Promise<{ status: number; data: Buffer; headers: Record<string, unknown> }> {
  const res = await request(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, data: Buffer.from(await res.body.arrayBuffer()), headers: res.headers };
}

const calls = async () => {
  const counters = await stack.counters();
  return Object.values(counters).reduce((sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
};

describe("images for posting: claim -> post with image -> confirm", () => {
  it("a claimed expense report's image and its entries' receipts, downloaded through the gateway, are the emulator's bytes", async () => {
    const doc = await newExpenseDocument();
    const claimed = await stack.graphql(CLAIM, { companyId });
    expect(claimed.errors).toBeUndefined();
    const mine = claimed.data.claimFinancialDocuments.documents.find((d: any) => d.id === doc.id);
    expect(mine).toBeDefined();

    const report = mine.expense.report.image;
    const reportBytes = await emulatorBytes("report", doc.reportId);
    expect(report).toMatchObject({ of: "REPORT", id: doc.reportId, contentType: "application/pdf", size: reportBytes.data.length, servedBy: "REPORT" });
    expect(report.imageId).toMatch(/^[0-9A-F]{20}$/);
    expect(report.download.url.startsWith(stack.gateway.origin)).toBe(true);
    expect(report.download.url).not.toContain(stack.emulator.url.replace(/^http:\/\//, ""));
    const pdf = await get(report.download.url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.data.equals(reportBytes.data)).toBe(true);
    expect(pdf.data.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    for (const [i, entry] of mine.expense.expenseEntry.entries()) {
      expect(entry.entryReceiptId).toBe(doc.entries[i].entryReceiptId);
      const receipt = await emulatorBytes("receipt", entry.entryReceiptId);
      expect(entry.image).toMatchObject({ of: "EXPENSE_ENTRY", servedBy: "REPORT_ENTRY_RECEIPT", contentType: receipt.contentType, size: receipt.data.length });
      const got = await get(entry.image.download.url);
      expect(got.status).toBe(200);
      expect(got.headers["content-type"]).toBe(receipt.contentType);
      expect(got.data.equals(receipt.data)).toBe(true);
    }

    // Posted with its images: confirm.
    const confirmed = await stack.graphql(CONFIRM, {
      companyId,
      confirmations: [{ docId: doc.id, status: "SUCCESS", postingDocuments: [{ companyCode: "0100", documentNumber: "4711", fiscalYear: "2026", postingDate: "2026-12-04" }] }],
    });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data.confirmFinancialPostings).toEqual([expect.objectContaining({ docId: doc.id, status: "SUCCEEDED" })]);
  }, 60_000);

  it("image fields under a query (compiled by graphql-jit, then answered by the fast path) act for the root field's companyId, also through an alias and a fragment", async () => {
    const doc = await newExpenseDocument();
    const query = /* GraphQL */ `
      query One($c: ID!, $d: ID!) { mine: financialDocument(companyId: $c, docType: EXPENSE, docId: $d) { ...Images } }
      fragment Images on FinancialDocument { id expense { report { image { servedBy contentType } } expenseEntry { image { servedBy } } } }
    `;
    for (let run = 0; run < 2; run++) {
      const res = await stack.graphql(query, { c: companyId.toUpperCase(), d: doc.id });
      expect(res.errors).toBeUndefined();
      expect(res.data.mine.expense.report.image).toEqual({ servedBy: "REPORT", contentType: "application/pdf" });
      expect(res.data.mine.expense.expenseEntry[0].image).toEqual({ servedBy: "REPORT_ENTRY_RECEIPT" });
    }
  }, 60_000);

  it("image fields on documents delivered by financialDocumentReady (graphql-ws) act for the subscription's companyId", async () => {
    const s = subscribe<any>(stack.gateway.wsUrl, stack.token, `subscription Ready($c: ID!) { financialDocumentReady(companyId: $c, docType: EXPENSE) { id expense { report { reportId image { servedBy contentType download { url } } } } } }`, { c: companyId });
    try {
      // Live once a new document (announced by the emulator's own signed event) arrives with its image.
      await waitFor(
        async () => {
          const before = s.events.length;
          await stack.admin("POST", `/fis/companies/${companyId}/documents`, { docType: "expense", count: 1, events: true });
          try {
            await waitFor(() => s.events.length > before, 1_000);
            return true;
          } catch {
            return false;
          }
        },
        20_000,
        "financialDocumentReady to deliver a document",
      );
      const event = s.events.at(-1).financialDocumentReady;
      expect(event.expense.report.image).toMatchObject({ servedBy: "REPORT", contentType: "application/pdf" });
      const got = await get(event.expense.report.image.download.url);
      expect(got.status).toBe(200);
      expect(got.data.equals((await emulatorBytes("report", event.expense.report.reportId)).data)).toBe(true);
    } finally {
      await s.close();
    }
  }, 60_000);

  it("an invoice's image (Image v1 invoice/{requestId}: a PDF whose URL carries the documented query) streams through the gateway", async () => {
    const { ids } = await stack.admin("POST", `/fis/companies/${companyId}/documents`, { docType: "invoice", count: 1, events: false });
    const claimed = await stack.graphql(CLAIM_INVOICES, { companyId });
    expect(claimed.errors).toBeUndefined();
    const mine = claimed.data.claimFinancialDocuments.documents.find((d: any) => d.id === ids[0]);
    const requestId = mine.invoice.requestHeader.requestId;
    expect(mine.invoice.image).toMatchObject({ of: "INVOICE", id: requestId, servedBy: "INVOICE", contentType: "application/pdf" });
    const got = await get(mine.invoice.image.download.url);
    expect(got.status).toBe(200);
    expect(got.data.equals((await emulatorBytes("invoice", requestId)).data)).toBe(true);
  }, 60_000);

  it("a gateway URL still works after Concur's URL expired: the gateway asks Image v1 again (emulator clock +16 min), and once more when the image host refuses a URL", async () => {
    const doc = await newExpenseDocument();
    const asked = await stack.graphql(IMAGE, { companyId, of: "REPORT", id: doc.reportId });
    expect(asked.errors).toBeUndefined();
    const url = asked.data.financialImage.download.url;
    const expected = (await emulatorBytes("report", doc.reportId)).data;

    // The URL Concur gave when the field was resolved is dead now; the gateway never stored it.
    await stack.admin("POST", "/clock/advance", { ms: 16 * 60_000 });
    await stack.resetCounters();
    const later = await get(url);
    expect(later.status).toBe(200);
    expect(later.data.equals(expected)).toBe(true);
    let counters = await stack.counters();
    expect(sumCalls(counters, XML, "200")).toBe(1);
    expect(sumCalls(counters, FILE, "200")).toBe(1);

    // Concur's image host refuses the just-issued URL (expired on arrival): asked again once, then served.
    await stack.admin("PUT", "/config", { imageUrlsIssuedExpired: 1 });
    await stack.resetCounters();
    const again = await get(url);
    expect(again.status).toBe(200);
    expect(again.data.equals(expected)).toBe(true);
    counters = await stack.counters();
    expect(sumCalls(counters, XML, "200")).toBe(2);
    expect(sumCalls(counters, FILE, "403")).toBe(1);
    expect(sumCalls(counters, FILE, "200")).toBe(1);
  }, 60_000);

  it("tries every id form of an entry receipt in one order (Image v1's three, then Spend Documents) and answers NOT_FOUND only when none serves", async () => {
    const doc = await newExpenseDocument();
    const { entryId, entryReceiptId } = doc.entries[0];
    const expected = (await emulatorBytes("receipt", entryReceiptId)).data;
    // A new token per ask: the gateway remembers a description per caller for a minute.
    let token = stack.token;
    const ask = () => stack.graphql(IMAGE, { companyId, of: "EXPENSE_ENTRY", id: entryReceiptId, entryId }, (token = stack.emulator.issueToken(companyId)));
    try {
      await stack.admin("PUT", "/config", { imageFormsServed: ["receipt", "expenseentry"] });
      let res = await ask();
      expect(res.data.financialImage.servedBy).toBe("RECEIPT");
      expect((await get(res.data.financialImage.download.url, token)).data.equals(expected)).toBe(true);

      await stack.admin("PUT", "/config", { imageFormsServed: ["expenseentry"] });
      res = await ask();
      expect(res.data.financialImage.servedBy).toBe("EXPENSE_ENTRY");
      expect((await get(res.data.financialImage.download.url, token)).data.equals(expected)).toBe(true);

      await stack.admin("PUT", "/config", { imageFormsServed: ["report", "invoice"] });
      await stack.resetCounters();
      res = await ask();
      expect(res.data?.financialImage ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(res.errors?.[0]?.message).toMatch(/report\/.*\(404\), receipt\/.*\(404\), expenseentry\/.*\(404\), spend-documents imageId=.*\(404\)/);
      const counters = await stack.counters();
      expect(sumCalls(counters, XML, "404")).toBe(3);
      expect(sumCalls(counters, SD_RECEIPTS, "404")).toBe(1);
    } finally {
      await stack.admin("PUT", "/config", { imageFormsServed: [...IMAGE_FORMS] });
    }
  }, 60_000);

  it("an entry receipt only Spend Documents v4 serves: Image v1's three forms 404, then the receipt by image id and its display representation, with the company token", async () => {
    const doc = await newExpenseDocument();
    const { entryId, entryReceiptId } = doc.entries[0];
    const expected = await emulatorBytes("receipt", entryReceiptId);
    const imageId = `RCPT${entryReceiptId.slice(0, 12)}`;
    await stack.admin("PUT", `/images/companies/${companyId}/receipt/${imageId}`, { contentType: "image/png", sizeBytes: 20_000 });
    const attached = await emulatorBytes("receipt", imageId);
    const token = stack.emulator.issueToken(companyId);
    try {
      await stack.admin("PUT", "/config", { imageFormsServed: ["spendDocuments"] });
      await stack.resetCounters();
      const res = await stack.graphql(IMAGE, { companyId, of: "EXPENSE_ENTRY", id: entryReceiptId, entryId }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data.financialImage).toMatchObject({ of: "EXPENSE_ENTRY", servedBy: "SPEND_DOCUMENTS", imageId: entryReceiptId, contentType: expected.contentType, size: expected.data.length });
      let counters = await stack.counters();
      expect(sumCalls(counters, XML, "404")).toBe(3);
      expect(sumCalls(counters, SD_RECEIPTS, "200")).toBe(1);
      expect(sumCalls(counters, SD_REPRESENTATION, "200")).toBe(1);

      // The download asks Spend Documents first now (the form that served) and streams the representation.
      await stack.resetCounters();
      const got = await get(res.data.financialImage.download.url, token);
      expect(got.status).toBe(200);
      expect(got.headers["content-type"]).toBe(expected.contentType);
      expect(got.data.equals(expected.data)).toBe(true);
      counters = await stack.counters();
      expect(sumCalls(counters, XML)).toBe(0);
      expect(sumCalls(counters, SD_RECEIPTS, "200")).toBe(1);
      expect(sumCalls(counters, SD_REPRESENTATION, "200")).toBe(1);

      // A receipt-store image by its id: receipt/{id} 404, then Spend Documents.
      const receipt = await stack.graphql(IMAGE, { companyId, of: "RECEIPT", id: imageId }, token);
      expect(receipt.data.financialImage).toMatchObject({ of: "RECEIPT", servedBy: "SPEND_DOCUMENTS", contentType: "image/png", size: 20_000 });
      expect((await get(receipt.data.financialImage.download.url, token)).data.equals(attached.data)).toBe(true);
    } finally {
      await stack.admin("PUT", "/config", { imageFormsServed: [...IMAGE_FORMS] });
    }
  }, 60_000);

  it("an invoice image URL is tried as given, then cut at the '?' (FIS guide): one Image v1 call either way, whichever form the imaging host takes", async () => {
    const { ids } = await stack.admin("POST", `/fis/companies/${companyId}/documents`, { docType: "invoice", count: 2, events: false });
    const requestIds: string[] = [];
    for (const id of ids) requestIds.push((await stack.admin("GET", `/fis/documents/${id}`)).document.requestHeader.requestId);
    try {
      for (const [form, requestId, refusedFirst] of [
        ["full", requestIds[0], 0],
        ["cut", requestIds[1], 1],
      ] as const) {
        await stack.admin("PUT", "/config", { invoiceUrlForm: form });
        const asked = await stack.graphql(IMAGE, { companyId, of: "INVOICE", id: requestId });
        expect(asked.errors, form).toBeUndefined();
        expect(asked.data.financialImage).toMatchObject({ servedBy: "INVOICE", contentType: "application/pdf" });
        await stack.resetCounters();
        const got = await get(asked.data.financialImage.download.url);
        expect(got.status, form).toBe(200);
        expect(got.data.equals((await emulatorBytes("invoice", requestId)).data), form).toBe(true);
        const counters = await stack.counters();
        expect(sumCalls(counters, XML, "200"), form).toBe(1);
        expect(sumCalls(counters, FILE, "403"), form).toBe(refusedFirst);
        expect(sumCalls(counters, FILE, "200"), form).toBe(1);
      }
    } finally {
      await stack.admin("PUT", "/config", { invoiceUrlForm: "any" });
    }
  }, 60_000);

  it("an image over the download cap (IMAGE_DOWNLOAD_MAX_BYTES) ends with a clear error: 502 PAYLOAD_TOO_LARGE by Content-Length, the connection cut once counted past it without one", async () => {
    const doc = await newExpenseDocument();
    const { entryReceiptId } = doc.entries[0];
    await stack.admin("PUT", `/images/companies/${companyId}/receipt/${entryReceiptId}`, { contentType: "image/png", sizeBytes: 2 * CAP });
    const asked = await stack.graphql(IMAGE, { companyId, of: "EXPENSE_ENTRY", id: entryReceiptId });
    expect(asked.errors).toBeUndefined();
    expect(asked.data.financialImage.size).toBe(2 * CAP);
    const url: string = asked.data.financialImage.download.url;

    // Content-Length says 2 MiB: refused before a byte of the image is sent.
    const refused = await get(url);
    expect(refused.status).toBe(502);
    const error = JSON.parse(refused.data.toString()).errors[0];
    expect(error.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toBe(`The image is ${2 * CAP} bytes, over the gateway's download cap of ${CAP} bytes (IMAGE_DOWNLOAD_MAX_BYTES)`);

    // No Content-Length (chunked): counted while streaming, the download is cut past the cap, never completed.
    await stack.admin("PUT", "/config", { imageFilesUnsized: 1 });
    await stack.resetCounters();
    const res = await request(url, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-length"]).toBeUndefined();
    let received = 0;
    await expect(
      (async () => {
        for await (const chunk of res.body) received += (chunk as Buffer).length;
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(CAP);
    expect(sumCalls(await stack.counters(), FILE, "200")).toBe(1);
    expect((await stack.admin("GET", "/config")).imageFilesUnsized).toBe(0);
  }, 60_000);

  it("a foreign, tampered or expired gateway URL is refused with 403 before any upstream call; no credentials is 401", async () => {
    const doc = await newExpenseDocument();
    const asked = await stack.graphql(IMAGE, { companyId, of: "REPORT", id: doc.reportId });
    const url: string = asked.data.financialImage.download.url;
    const otherCaller = stack.emulator.issueToken(companyId);
    const otherCompany = stack.emulator.issueToken(stack.secondCompanyId);
    const ref = url.slice(url.lastIndexOf("/") + 1);
    const tampered = `${url.slice(0, url.lastIndexOf("/") + 1)}${ref.slice(0, 10)}${ref[10] === "A" ? "B" : "A"}${ref.slice(11)}`;
    // Signed with the gateway's own secret for this very caller, but an hour ago: expired.
    const expired = createFileLinks({ secret: SECRET, ttlSeconds: 300, now: () => Date.now() - 3_600_000 }).sign(
      { kind: "image", companyId, subject: { of: "report", reportId: doc.reportId }, form: "REPORT" },
      callerKeyOf(stack.token),
    );

    await stack.resetCounters();
    for (const [what, target, token] of [
      ["another caller of the company", url, otherCaller],
      ["a caller of another company", url, otherCompany],
      ["a tampered URL", tampered, stack.token],
      ["an expired URL", `${stack.gateway.origin}${expired.path}`, stack.token],
    ] as const) {
      const res = await get(target, token);
      expect(res.status, what).toBe(403);
      expect(JSON.parse(res.data.toString()).errors[0].extensions.code, what).toBe("FORBIDDEN");
    }
    expect((await get(url, null)).status).toBe(401);
    expect(await calls()).toBe(0);
    // Passthrough: a token of another company asking for this company's image is refused before Image v1 is asked.
    const foreign = await stack.graphql(IMAGE, { companyId, of: "REPORT", id: doc.reportId }, otherCompany);
    expect(foreign.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(sumCalls(await stack.counters(), XML)).toBe(0);
    // The real caller still gets it.
    expect((await get(url)).status).toBe(200);
  }, 60_000);
});
