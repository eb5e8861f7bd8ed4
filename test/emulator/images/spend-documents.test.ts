// Conformance of the emulated Spend Documents v4 receipts (S1-S4, docs/emulator/images-v1.md "Spend Documents v4") and
// of the imaging host's faults the gateway's tests lean on (invoiceUrlForm, imageFilesUnsized), over HTTP.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../../../src/emulator/index.js";
import { IMAGE_FORMS } from "../../../src/emulator/images/index.js";
import { call, fakeClock, testKeyPem } from "../helpers.js";

const A = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";
const B = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2";
let emu: RunningEmulator;
let entryReceiptId: string;
let requestId: string;

const admin = (method: string, path: string, body?: unknown) => call(emu.url, method, `/_emulator${path}`, body === undefined ? {} : { body });
const receipts = (query: Record<string, string>) => `/spend-documents/v4/receipts?${new URLSearchParams(query)}`;

async function bytes(url: string, token?: string): Promise<{ status: number; type: string; length: string | undefined; data: Buffer }> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, type: String(res.headers["content-type"]), length: res.headers["content-length"] as string | undefined, data: Buffer.from(await res.body.arrayBuffer()) };
}

beforeAll(async () => {
  emu = await createEmulator({ seed: "demo", privateKeyPem: testKeyPem(), now: fakeClock().now });
  const made = await admin("POST", `/fis/companies/${A}/documents`, { docType: "expense", count: 1, events: false });
  entryReceiptId = (await admin("GET", `/fis/documents/${made.json.ids[0]}`)).json.document.expenseEntry[0].entryReceiptId;
  const invoice = await admin("POST", `/fis/companies/${A}/documents`, { docType: "invoice", count: 1, events: false });
  requestId = (await admin("GET", `/fis/documents/${invoice.json.ids[0]}`)).json.document.requestHeader.requestId;
});
afterAll(() => emu?.stop());

describe("Spend Documents v4 emulation", () => {
  it("S2 answers an entry's receipt by its image id as receipt JSON; S3 and S4 serve the same bytes as Image v1's receipt form; S1 reads it back by receipt id", async () => {
    const token = emu.issueToken(A);
    const receipt = await call(emu.url, "GET", receipts({ imageId: entryReceiptId, companyId: A }), { token });
    expect(receipt.status).toBe(200);
    const json = receipt.json as any;
    expect(json.metadata).toMatchObject({ imageId: entryReceiptId, companyId: A, status: "processed" });
    expect(json.metadata.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(json.documents.map((d: any) => d.representation)).toEqual(["display", "original"]);

    const s3 = await bytes(`${emu.url}/spend-documents/v4/receipts/${json.metadata.id}/representations?type=display`, token);
    expect(s3.status).toBe(200);
    expect(["image/png", "image/jpeg"]).toContain(s3.type);
    const served = await request(`${emu.url}/_emulator/images/companies/${A}/receipt/${entryReceiptId}`);
    const adminBytes = Buffer.from(await served.body.arrayBuffer());
    expect(adminBytes.length).toBeGreaterThan(0);
    expect(s3.data.equals(adminBytes)).toBe(true);
    expect((await bytes(`${emu.url}${receipts({ imageId: entryReceiptId, companyId: A, type: "compliance" })}`, token)).data.equals(adminBytes)).toBe(true);
    expect((await call(emu.url, "GET", `/spend-documents/v4/receipts/${json.metadata.id}`, { token })).json).toMatchObject({ metadata: { id: json.metadata.id } });
  });

  it("401 without a token, 403 without spenddocs.receipts.read or for another company, 400 without imageId or with another type, 404 for a report id or when switched off", async () => {
    const token = emu.issueToken(A);
    const path = receipts({ imageId: entryReceiptId, companyId: A });
    const noToken = await call(emu.url, "GET", path);
    expect(noToken.status).toBe(401);
    expect(noToken.json).toMatchObject({ status: "401", message: expect.any(String), timestamp: expect.any(String) });
    expect((await call(emu.url, "GET", path, { token: emu.issueToken(A, ["IMAGE"]) })).status).toBe(403);
    expect((await call(emu.url, "GET", receipts({ imageId: entryReceiptId, companyId: B }), { token })).status).toBe(403);
    expect((await call(emu.url, "GET", receipts({ companyId: A }), { token })).status).toBe(400);
    expect((await call(emu.url, "GET", receipts({ imageId: entryReceiptId, companyId: A, type: "original" }), { token })).status).toBe(400);
    expect((await call(emu.url, "GET", receipts({ imageId: requestId, companyId: A }), { token })).status).toBe(404);
    await admin("PUT", "/config", { imageFormsServed: ["receipt"] });
    try {
      expect((await call(emu.url, "GET", path, { token })).status).toBe(404);
    } finally {
      await admin("PUT", "/config", { imageFormsServed: [...IMAGE_FORMS] });
    }
  });
});

describe("imaging host faults", () => {
  it("invoiceUrlForm: full refuses an invoice URL cut at the '?', cut refuses one with its query, any takes both", async () => {
    const xml = (await call(emu.url, "GET", `/api/image/v1.0/invoice/${requestId}`, { token: emu.issueToken(A) })).text;
    const url = /<Url>([^<]*)<\/Url>/.exec(xml)![1].replace(/&amp;/g, "&");
    const cut = url.split("?")[0];
    try {
      for (const [form, full, bare] of [
        ["any", 200, 200],
        ["full", 200, 403],
        ["cut", 403, 200],
      ] as const) {
        expect((await admin("PUT", "/config", { invoiceUrlForm: form })).status).toBe(200);
        expect((await bytes(url)).status, `${form} full`).toBe(full);
        expect((await bytes(cut)).status, `${form} cut`).toBe(bare);
      }
      expect((await admin("PUT", "/config", { invoiceUrlForm: "half" })).status).toBe(400);
    } finally {
      await admin("PUT", "/config", { invoiceUrlForm: "any" });
    }
  });

  it("imageFilesUnsized: the next N image files come chunked, without Content-Length, then sized again", async () => {
    const xml = (await call(emu.url, "GET", `/api/image/v1.0/receipt/${entryReceiptId}`, { token: emu.issueToken(A) })).text;
    const url = /<Url>([^<]*)<\/Url>/.exec(xml)![1].replace(/&amp;/g, "&");
    await admin("PUT", "/config", { imageFilesUnsized: 1 });
    const unsized = await bytes(url);
    expect(unsized.status).toBe(200);
    expect(unsized.length).toBeUndefined();
    const sized = await bytes(url);
    expect(sized.length).toBe(String(sized.data.length));
    expect(sized.data.equals(unsized.data)).toBe(true);
  });
});
