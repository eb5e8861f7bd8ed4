// The Image v1 client's pure parts: the one order of id forms (spec Q2), the Image XML (entities decoded), which
// image URLs are followed, and the Content-Type a download answers.
import { describe, expect, it } from "vitest";
import { checkedImageUrl, imageRequests, parseImage } from "../../src/datasources/index.js";
import { imageContentTypeOf } from "../../src/services/images.js";

describe("imageRequests", () => {
  it("tries an entry receipt as report/{entryReceiptId}, receipt/{entryReceiptId}, expenseentry/{entryId}, the form that served last first", () => {
    const entry = { of: "entry", entryReceiptId: "R1", entryId: "E1" } as const;
    expect(imageRequests(entry).map((r) => [r.form, r.path])).toEqual([
      ["REPORT_ENTRY_RECEIPT", "/api/image/v1.0/report/R1"],
      ["RECEIPT", "/api/image/v1.0/receipt/R1"],
      ["EXPENSE_ENTRY", "/api/image/v1.0/expenseentry/E1"],
    ]);
    expect(imageRequests(entry, "EXPENSE_ENTRY").map((r) => r.form)).toEqual(["EXPENSE_ENTRY", "REPORT_ENTRY_RECEIPT", "RECEIPT"]);
    expect(imageRequests({ of: "entry", entryReceiptId: null, entryId: "E1" }).map((r) => r.form)).toEqual(["EXPENSE_ENTRY"]);
    expect(imageRequests({ of: "report", reportId: "ABC" })).toEqual([{ form: "REPORT", path: "/api/image/v1.0/report/ABC" }]);
    expect(imageRequests({ of: "invoice", requestId: "Q$1" })[0].path).toBe("/api/image/v1.0/invoice/Q%241");
  });

  it("refuses ids that are no path segment, naming the field and value", () => {
    expect(() => imageRequests({ of: "report", reportId: "../x" })).toThrow(/reportId must be 1-128 letters.*"\.\.\/x"/);
    expect(() => imageRequests({ of: "entry", entryReceiptId: null, entryId: null })).toThrow(/entryReceiptId or entryId/);
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
