// Log lines never carry a link Concur handed out (a signed image URL works as a credential for minutes) nor a query.
import { describe, expect, it } from "vitest";
import { loggablePath } from "../../src/datasources/client/pipeline.js";

describe("loggablePath", () => {
  it("keeps only the origin of an absolute URL and drops query strings", () => {
    expect(loggablePath("https://images.concursolutions.com/v1/abc123/receipt.png?sig=secret&exp=1")).toBe("https://images.concursolutions.com/…");
    expect(loggablePath("/financialintegration/fi/v4/expense/documents?limit=100&offset=0")).toBe("/financialintegration/fi/v4/expense/documents?…");
    expect(loggablePath("/profile/v1/me")).toBe("/profile/v1/me");
  });
});
