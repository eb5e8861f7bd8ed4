// Conformance of the emulated Image v1 (docs/emulator/images-v1.md) over HTTP: the Image XML, every id form of an
// entry receipt, a report PDF bundling its receipts, an invoice PDF, URLs expiring on the emulator clock, auth, scope,
// company isolation, the upload cap of admin-attached images.
import { createHash } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../../../src/emulator/index.js";
import { IMAGE_FORMS } from "../../../src/emulator/images/index.js";
import { call, fakeClock, testKeyPem } from "../helpers.js";

const A = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";
const B = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2";
let emu: RunningEmulator;
const clock = fakeClock();
let report: { reportId: string; entries: Array<{ entryId: string; entryReceiptId: string }> };
let requestId: string;

const admin = (method: string, path: string, body?: unknown) => call(emu.url, method, `/_emulator${path}`, body === undefined ? {} : { body });

/** `<Id>` and the `&amp;`-unescaped `<Url>` of an Image answer. */
function imageOf(xml: string): { id: string; url: string } {
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><Image xmlns="http:\/\/www.concursolutions.com\/api\/image\/2011\/02"/);
  const id = /<Id>([^<]*)<\/Id>/.exec(xml)![1];
  const url = /<Url>([^<]*)<\/Url>/.exec(xml)![1];
  expect(url).toContain("&amp;e=");
  return { id, url: url.replace(/&amp;/g, "&") };
}

async function bytes(url: string): Promise<{ status: number; type: string; data: Buffer }> {
  const res = await request(url);
  return { status: res.statusCode, type: String(res.headers["content-type"]), data: Buffer.from(await res.body.arrayBuffer()) };
}

beforeAll(async () => {
  emu = await createEmulator({ seed: "demo", privateKeyPem: testKeyPem(), now: clock.now });
  const made = await admin("POST", `/fis/companies/${A}/documents`, { docType: "expense", count: 1, events: false });
  const doc = (await admin("GET", `/fis/documents/${made.json.ids[0]}`)).json.document;
  report = { reportId: doc.report.reportId, entries: doc.expenseEntry.map((e: any) => ({ entryId: e.entryId, entryReceiptId: e.entryReceiptId })) };
  const invoice = await admin("POST", `/fis/companies/${A}/documents`, { docType: "invoice", count: 1, events: false });
  requestId = (await admin("GET", `/fis/documents/${invoice.json.ids[0]}`)).json.document.requestHeader.requestId;
});
afterAll(() => emu?.stop());

describe("Image v1 emulation", () => {
  it("serves a report as one PDF and an entry's receipt on report/{entryReceiptId}, receipt/{id} and expenseentry/{entryId}: the same bytes", async () => {
    const token = emu.issueToken(A);
    const pdf = await call(emu.url, "GET", `/api/image/v1.0/report/${report.reportId}`, { token });
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toMatch(/^application\/xml/);
    const pdfBytes = await bytes(imageOf(pdf.text).url);
    expect(pdfBytes).toMatchObject({ status: 200, type: "application/pdf" });
    expect(pdfBytes.data.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect(pdfBytes.data.toString("latin1")).toContain(`/Count ${report.entries.length}`);

    const { entryId, entryReceiptId } = report.entries[0];
    const hashes = new Set<string>();
    for (const path of [`report/${entryReceiptId}`, `receipt/${entryReceiptId}`, `expenseentry/${entryId}`, `REPORT/${entryReceiptId.toLowerCase()}`]) {
      const res = await call(emu.url, "GET", `/api/image/v1.0/${path}`, { headers: { authorization: `OAuth ${token}` } });
      expect(res.status, path).toBe(200);
      const image = await bytes(imageOf(res.text).url);
      expect(image.status).toBe(200);
      expect(["image/png", "image/jpeg"]).toContain(image.type);
      expect(image.type === "image/png" ? image.data.readUInt32BE(0) === 0x89504e47 : image.data[0] === 0xff && image.data[1] === 0xd8).toBe(true);
      hashes.add(createHash("sha256").update(image.data).digest("hex"));
    }
    expect(hashes.size).toBe(1);

    const invoice = await call(emu.url, "GET", `/api/image/v1.0/invoice/${requestId}`, { token });
    expect((await bytes(imageOf(invoice.text).url)).type).toBe("application/pdf");
  });

  it("URLs expire on the emulator clock (15 minutes by default); the same GET gives a fresh one", async () => {
    const token = emu.issueToken(A);
    const first = imageOf((await call(emu.url, "GET", `/api/image/v1.0/report/${report.reportId}`, { token })).text).url;
    clock.advance(14 * 60_000);
    expect((await bytes(first)).status).toBe(200);
    clock.advance(60_000);
    const expired = await bytes(first);
    expect(expired.status).toBe(403);
    expect(expired.data.toString()).toContain("<Message>Request has expired.</Message>");
    const fresh = imageOf((await call(emu.url, "GET", `/api/image/v1.0/report/${report.reportId}`, { token })).text).url;
    expect((await bytes(fresh)).status).toBe(200);
    expect((await bytes(`${fresh.split("?")[0]}`)).status).toBe(200);
    expect((await bytes(fresh.replace(/\/imaging\/file\/./, "/imaging/file/x"))).status).toBe(403);
  });

  it("401 without a token, 403 without scope IMAGE, 404 (XML) for another company's report, an unknown id or a form switched off", async () => {
    expect((await call(emu.url, "GET", `/api/image/v1.0/report/${report.reportId}`)).status).toBe(401);
    expect((await call(emu.url, "GET", `/api/image/v1.0/report/${report.reportId}`, { token: emu.issueToken(A, ["FISVC"]) })).status).toBe(403);
    // Company B's data center is the second one: its token is valid there only.
    const other = await call(emu.dataCenters[1].url, "GET", `/api/image/v1.0/report/${report.reportId}`, { token: emu.issueToken(B) });
    expect(other.status).toBe(404);
    expect(other.text).toContain("<Message>No image was found for the specified report Id or barcode.</Message>");
    expect((await call(emu.url, "GET", `/api/image/v1.0/invoice/NOPE`, { token: emu.issueToken(A) })).status).toBe(404);
    await admin("PUT", "/config", { imageFormsServed: ["report", "expenseentry"] });
    try {
      expect((await call(emu.url, "GET", `/api/image/v1.0/report/${report.entries[0].entryReceiptId}`, { token: emu.issueToken(A) })).status).toBe(404);
      expect((await call(emu.url, "GET", `/api/image/v1.0/expenseentry/${report.entries[0].entryId}`, { token: emu.issueToken(A) })).status).toBe(200);
    } finally {
      await admin("PUT", "/config", { imageFormsServed: [...IMAGE_FORMS] });
    }
  });

  it("admin-attached images are served (up to the 10 MB upload cap) and replace the drawn receipt in its forms", async () => {
    const { entryReceiptId } = report.entries[0];
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    expect((await admin("PUT", `/images/companies/${A}/receipt/${entryReceiptId}`, { contentType: "image/jpg", base64: jpeg.toString("base64") })).status).toBe(200);
    const res = await call(emu.url, "GET", `/api/image/v1.0/report/${entryReceiptId}`, { token: emu.issueToken(A) });
    const served = await bytes(imageOf(res.text).url);
    expect(served.type).toBe("image/jpeg");
    expect(served.data.equals(jpeg)).toBe(true);
    expect((await admin("PUT", `/images/companies/${A}/receipt/x`, { contentType: "image/png", sizeBytes: 10 * 1024 * 1024 + 1 })).status).toBe(400);
    expect((await admin("PUT", `/images/companies/${A}/receipt/x`, { contentType: "image/gif", base64: "R0lG" })).status).toBe(400);
    expect((await admin("DELETE", `/images/companies/${A}/receipt/${entryReceiptId}`)).status).toBe(204);
  });
});
