// The Connect page's rendering: every value escaped (a company name or identity from elsewhere cannot inject markup),
// data centers in words, and words plus the Concur code for failures.
import { describe, expect, it } from "vitest";
import { dataCenterOf, renderPage } from "../../src/http/connect-page.js";

const wording = { appName: "Acme <ERP>", supportContact: "support@acme.example" };
const EVIL = `<img src=x onerror="alert(1)">&'`;

describe("Connect page", () => {
  it("escapes the company name, the identity, the app name and the contact", () => {
    const html = renderPage(
      { kind: "connected", companyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de", companyName: EVIL, dataCenter: dataCenterOf("https://us2.api.concursolutions.com"), signedInAs: EVIL, concurUserId: "u", connectedAt: 0 },
      wording,
      "nonce123",
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<ERP>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;");
    expect(html).toContain("Acme &lt;ERP&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<style nonce="nonce123">');
  });

  it("names Concur's data centers in words and keeps other hosts as they are", () => {
    expect(dataCenterOf("https://us2.api.concursolutions.com").label).toBe("US2 (North America)");
    expect(dataCenterOf("https://www-eu2.api.concursolutions.com").label).toBe("EU2 (Europe)");
    expect(dataCenterOf("https://emea-impl.api.concursolutions.com").label).toBe("EMEA implementation");
    expect(dataCenterOf("http://127.0.0.1:4011").label).toBe("127.0.0.1:4011");
  });

  it("a failure says what happened, what to do, the Concur code, the reference and the contact", () => {
    const html = renderPage({ kind: "failed", reason: "OTHER_APP", concurCode: "136", companyId: "c", reference: "ref-1" }, wording, "n");
    expect(html).toContain("made for another app, not Acme &lt;ERP&gt;");
    expect(html).toContain("What to do");
    expect(html).toContain("<dt>SAP Concur code</dt><dd>136</dd>");
    expect(html).toContain("ref-1");
    expect(html).toContain("support@acme.example");
    expect(html).toContain('data-reason="OTHER_APP"');
  });
});
