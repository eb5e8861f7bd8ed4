import { describe, expect, it } from "vitest";
import { editionFromCompanyEdition, editionFromMarketingName, idAfter, isoTime, jobState, parseXmlRoot, rebaseLegacyUrl } from "../../src/datasources/index.js";
import { contentTypeOf } from "../../src/http/files.js";
import { postingChannelOf } from "../../src/services/extract-edition.js";
import { createFileLinks } from "../../src/services/extract-files.js";

const BASE = "https://us2.api.concursolutions.com";

describe("posting by file: pure parts", () => {
  it("matches marketingName tolerantly and companyEdition as string or array", () => {
    expect(["CTE", "cte", "Enterprise", "Professional Edition", "Concur Professional"].map(editionFromMarketingName)).toEqual(Array(5).fill("PROFESSIONAL"));
    expect(["Standard", "Standard Edition", "  standard edition "].map(editionFromMarketingName)).toEqual(Array(3).fill("STANDARD"));
    expect([undefined, null, "", "Travel only", "Enterprises Ltd"].map(editionFromMarketingName)).toEqual(Array(5).fill("UNKNOWN"));
    expect([editionFromCompanyEdition("PROFESSIONAL"), editionFromCompanyEdition(["STANDARD"]), editionFromCompanyEdition(["X", "professional"]), editionFromCompanyEdition(null)]).toEqual(["PROFESSIONAL", "STANDARD", "PROFESSIONAL", "UNKNOWN"]);
  });

  it("routes FIS first, then by edition", () => {
    expect([postingChannelOf("PROFESSIONAL", true), postingChannelOf("PROFESSIONAL", false), postingChannelOf("STANDARD", false), postingChannelOf("UNKNOWN", false)]).toEqual(["FINANCIAL_INTEGRATION_SERVICE", "EXTRACT", "PAYMENT_BATCH", "UNKNOWN"]);
  });

  it("treats Complete and Completed as one state; unknown states are reported as UNKNOWN", () => {
    expect(["Queued", "Running", "Complete", "Completed", "Failed", "Cancelled"].map(jobState)).toEqual(["QUEUED", "RUNNING", "COMPLETED", "COMPLETED", "FAILED", "UNKNOWN"]);
    expect(isoTime("2011-08-25T14:25:22.58")).toBe("2011-08-25T14:25:22.580Z");
    expect(isoTime("2011-08-25T14:25:23Z")).toBe("2011-08-25T14:25:23.000Z");
    expect(isoTime(undefined)).toBeNull();
  });

  it("re-bases legacy-host URLs onto the company's host keeping the path, refuses foreign hosts, normalizes the File-Url sample", () => {
    expect(rebaseLegacyUrl(BASE, "https://www.concursolutions.com/api/expense/extract/v1.0/nYoPK$pZ/job").href).toBe(`${BASE}/api/expense/extract/v1.0/nYoPK$pZ/job`);
    expect(rebaseLegacyUrl(BASE, "http:// www.concursolutions.com/api/expense/paymentbatch/v1.1/batch/n$s4/file").href).toBe(`${BASE}/api/expense/paymentbatch/v1.1/batch/n$s4/file`);
    expect(rebaseLegacyUrl(BASE, `${BASE}/api/x`).href).toBe(`${BASE}/api/x`);
    for (const foreign of ["https://evil.example/api/expense/extract/v1.0/x", "https://www.concursolutions.com.evil.example/api", "//evil.example/x"]) {
      expect(() => rebaseLegacyUrl(BASE, foreign)).toThrow(/will not follow/);
    }
    const url = rebaseLegacyUrl(BASE, "https://www.concursolutions.com/api/expense/paymentbatch/v1.1/batch/a%24b/file");
    expect(idAfter(url, "/api/expense/paymentbatch/v1.1/batch/", "/file")).toBe("a$b");
    expect(() => idAfter(url, "/api/expense/extract/v1.0/")).toThrow(/unexpected shape/);
  });

  it("parses namespaced XML with one-element lists as lists and keeps decimals as text", () => {
    const one = parseXmlRoot<{ BatchSummary: { BatchTotal: string }[] }>(
      `<?xml version="1.0"?><BatchList xmlns="http://www.concursolutions.com/api/expense/paymentbatch/2011/11"><BatchSummary><BatchTotal>334.210</BatchTotal></BatchSummary></BatchList>`,
      "BatchList",
    );
    expect(one.BatchSummary).toEqual([{ BatchTotal: "334.210" }]);
    expect(parseXmlRoot<{ job?: unknown[] }>(`<jobs xmlns="x"/>`, "jobs").job).toBeUndefined();
    expect(() => parseXmlRoot(`{"json":true}`, "jobs")).toThrow(/not the expected <jobs> XML/);
  });

  it("signs download references that expire, and refuses tampering", () => {
    let now = 1_000_000;
    const links = createFileLinks({ secret: "s".repeat(32), ttlSeconds: 60, now: () => now, publicUrl: "https://gw.example" });
    const ref = { kind: "batch" as const, companyId: "c", fileKey: "k$1" };
    const signed = links.sign(ref, "caller");
    expect(signed.url.startsWith("https://gw.example/files/")).toBe(true);
    const token = signed.path.slice("/files/".length);
    expect(links.verify(token)).toEqual({ ok: true, ref, callerKey: "caller" });
    expect(links.verify(`${token}x`)).toEqual({ ok: false, reason: "invalid" });
    expect(links.verify(`e30.${token.split(".")[1]}`)).toEqual({ ok: false, reason: "invalid" });
    now += 61_000;
    expect(links.verify(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("detects ZIP from the header or the PK magic", () => {
    expect(contentTypeOf("application/zip", Buffer.from("x"))).toBe("application/zip");
    expect(contentTypeOf("application/octet-stream", Buffer.from("PK\x03\x04rest", "latin1"))).toBe("application/zip");
    expect(contentTypeOf("text/csv; charset=utf-8", Buffer.from("100,"))).toBe("text/csv");
    expect(contentTypeOf(null, Buffer.from("100,"))).toBe("application/octet-stream");
  });
});
