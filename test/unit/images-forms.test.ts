// The Image v1 client's pure parts: the one order of id forms (spec Q2), the Image XML (entities decoded), which
// image URLs are followed, and the Content-Type a download answers.
import { describe, expect, it } from "vitest";
import { checkedImageUrl, imageRequests, imageUrlForms, parseImage, parseSpendDocumentsReceipt, spendDocumentsRepresentation } from "../../src/datasources/index.js";
import { imageContentTypeOf } from "../../src/services/images.js";

const C = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";

describe("imageRequests", () => {
  it("tries an entry receipt as report/{entryReceiptId}, receipt/{entryReceiptId}, expenseentry/{entryId}, then Spend Documents by image id; the form that served last first", () => {
    const entry = { of: "entry", entryReceiptId: "R1", entryId: "E1" } as const;
    expect(imageRequests(entry, C).map((r) => [r.form, r.api, r.path])).toEqual([
      ["REPORT_ENTRY_RECEIPT", "image-v1", "/api/image/v1.0/report/R1"],
      ["RECEIPT", "image-v1", "/api/image/v1.0/receipt/R1"],
      ["EXPENSE_ENTRY", "image-v1", "/api/image/v1.0/expenseentry/E1"],
      ["SPEND_DOCUMENTS", "spend-documents", `/spend-documents/v4/receipts?imageId=R1&companyId=${C}`],
    ]);
    expect(imageRequests(entry, C, "EXPENSE_ENTRY").map((r) => r.form)).toEqual(["EXPENSE_ENTRY", "REPORT_ENTRY_RECEIPT", "RECEIPT", "SPEND_DOCUMENTS"]);
    expect(imageRequests({ of: "entry", entryReceiptId: null, entryId: "E1" }, C).map((r) => r.form)).toEqual(["EXPENSE_ENTRY"]);
    expect(imageRequests({ of: "receipt", imageId: "I$1" }, C).map((r) => r.path)).toEqual(["/api/image/v1.0/receipt/I%241", `/spend-documents/v4/receipts?imageId=I%241&companyId=${C}`]);
    // Spend Documents holds receipts: reports and invoices are Image v1 only.
    expect(imageRequests({ of: "report", reportId: "ABC" }, C)).toEqual([{ form: "REPORT", api: "image-v1", path: "/api/image/v1.0/report/ABC" }]);
    expect(imageRequests({ of: "invoice", requestId: "Q$1" }, C).map((r) => r.path)).toEqual(["/api/image/v1.0/invoice/Q%241"]);
  });

  it("refuses ids that are no path segment, naming the field and value", () => {
    expect(() => imageRequests({ of: "report", reportId: "../x" }, C)).toThrow(/reportId must be 1-128 letters.*"\.\.\/x"/);
    expect(() => imageRequests({ of: "receipt", imageId: "a&b=c" }, C)).toThrow(/imageId must be 1-128 letters/);
    expect(() => imageRequests({ of: "entry", entryReceiptId: null, entryId: null }, C)).toThrow(/entryReceiptId or entryId/);
  });
});

describe("Spend Documents representation", () => {
  it("downloads compliance when the receipt lists it, else display; by receipt id (S3), else by image id (S4)", () => {
    const receiptId = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    expect(spendDocumentsRepresentation({ receiptId, imageId: "R1", companyId: C, listed: ["display", "compliance", "original"] })).toEqual({ type: "compliance", path: `/spend-documents/v4/receipts/${receiptId}/representations?type=compliance` });
    expect(spendDocumentsRepresentation({ receiptId, imageId: "R1", companyId: C, listed: ["display", "original"] }).type).toBe("display");
    expect(spendDocumentsRepresentation({ receiptId: null, imageId: "R1", companyId: C, listed: [] })).toEqual({ type: "display", path: `/spend-documents/v4/receipts?imageId=R1&companyId=${C}&type=display` });
    expect(spendDocumentsRepresentation({ receiptId: "../../x", imageId: "R1", companyId: C, listed: [] }).path).toContain("?imageId=R1");
  });

  it("reads metadata.id, metadata.imageId and the documents' representations of a receipt", () => {
    expect(parseSpendDocumentsReceipt({ metadata: { id: "u", imageId: "I" }, documents: [{ representation: "display" }, { representation: 3 }, null] })).toEqual({ receiptId: "u", imageId: "I", representations: ["display"] });
    expect(() => parseSpendDocumentsReceipt("<x/>")).toThrow(/not a receipt/);
  });
});

describe("imageUrlForms", () => {
  it("tries an invoice URL as given, then cut at the '?' (FIS guide, spec Q4); other URLs as given only", () => {
    const url = new URL("https://imaginginvoiceupload.concursolutions.com/file/p1/ab?id=A2&e=p1&t=AN&s=ConcurConnect");
    expect(imageUrlForms("INVOICE", url).map(String)).toEqual([url.href, "https://imaginginvoiceupload.concursolutions.com/file/p1/ab"]);
    expect(imageUrlForms("INVOICE", new URL("https://imaginginvoiceupload.concursolutions.com/file/p1/ab")).map(String)).toEqual(["https://imaginginvoiceupload.concursolutions.com/file/p1/ab"]);
    expect(imageUrlForms("REPORT", url).map(String)).toEqual([url.href]);
  });
});

describe("parseImage", () => {
  it("reads Id and the XML-escaped Url of the documented answer", () => {
    const xml = `<Image xmlns="http://www.concursolutions.com/api/image/2011/02" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Id>A2C40CEE415B43B2A0BE</Id><Url>https://imaginginvoiceupload.concursolutions.com/file/p1/ab?id=A2&amp;e=p1&amp;t=AN&amp;s=ConcurConnect</Url></Image>`;
    expect(parseImage(xml)).toEqual({ id: "A2C40CEE415B43B2A0BE", url: "https://imaginginvoiceupload.concursolutions.com/file/p1/ab?id=A2&e=p1&t=AN&s=ConcurConnect" });
    expect(parseImage("<Image><Id>X</Id><Url/></Image>")).toEqual({ id: "X", url: "" });
    expect(() => parseImage('{"Url":"x"}')).toThrow(/not the expected <Image> XML/);
  });
});

describe("checkedImageUrl", () => {
  const base = "https://us2.api.concursolutions.com";
  it("follows https Concur imaging hosts and the company's own origin only", () => {
    expect(checkedImageUrl("https://imagingupload.concursolutions.com/file/x?id=1", base).hostname).toBe("imagingupload.concursolutions.com");
    expect(checkedImageUrl("http://127.0.0.1:4010/imaging/file/t", "http://127.0.0.1:4010").pathname).toBe("/imaging/file/t");
    expect(() => checkedImageUrl("https://api.example.com/getImage?cid=1", base)).toThrow(/does not fetch from/);
    expect(() => checkedImageUrl("http://imagingupload.concursolutions.com/x", base)).toThrow(/does not fetch from/);
    expect(() => checkedImageUrl("https://evilconcursolutions.com/x", base)).toThrow(/does not fetch from/);
    expect(() => checkedImageUrl("https://u:p@imagingupload.concursolutions.com/x", base)).toThrow(/does not fetch from/);
  });
});

describe("imageContentTypeOf", () => {
  it("keeps image and PDF types, sniffs the rest, never answers a type a browser would run", () => {
    expect(imageContentTypeOf("image/JPG; charset=x", Buffer.alloc(0))).toBe("image/jpeg");
    expect(imageContentTypeOf("application/octet-stream", Buffer.from("%PDF-1.4"))).toBe("application/pdf");
    expect(imageContentTypeOf(null, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("image/png");
    expect(imageContentTypeOf("text/html", Buffer.from("<html>"))).toBe("application/octet-stream");
  });
});
