import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../../src/datasources/client/errors.js";
import { deriveRequestId, isUuid } from "../../src/datasources/accounting/writes/send.js";

describe("send helpers", () => {
  it("derives stable, distinct UUIDs for later parts of a caller-supplied request id", () => {
    const base = "6f1c7a52-3a8e-4f7e-9a51-5d2c3b1e0f11";
    expect(deriveRequestId(base, 0)).toBe(base);
    const one = deriveRequestId(base, 1);
    expect(isUuid(one)).toBe(true);
    expect(one).toBe(deriveRequestId(base.toUpperCase(), 1));
    expect(one).not.toBe(deriveRequestId(base, 2));
  });

  it("reads Retry-After as seconds or an HTTP date, 1 s by default, clipped", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs("soon")).toBe(1000);
    expect(retryAfterMs("100000", 120_000)).toBe(120_000);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs(inFive)).toBeGreaterThan(3000);
  });
});
