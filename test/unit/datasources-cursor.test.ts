import { describe, expect, it } from "vitest";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { cursorEncoder, decodeCursor, encodeCursor } from "../../src/datasources/client/cursor.js";

const scope = "accounts|c1|e1";

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return { code: (error as CodedError).code, message: (error as CodedError).message };
  }
  throw new Error("expected a throw");
}

describe("cursor", () => {
  it("round-trips positions", () => {
    for (const position of [
      { scope, href: null, offset: 0 },
      { scope, href: "/accountingintegration/v4/companies/c1/erps/e1/accounts?next=eyJ0", offset: 17 },
      { scope: "errors|c|e|r", href: "https://h/x?a=1&b=ü", offset: 3 },
    ]) {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, position.scope)).toEqual(position);
    }
  });

  it("the per-page encoder (shared base64 prefix) decodes for every prefix length and offset", () => {
    for (const k of ["a", "ab", "abc", "accounts|c|e"]) {
      for (const href of [null, "/x", "/xy?ü=1", "/accountingintegration/v4/companies/c/erps/e/accounts?next=eyJvIjoxfQ"]) {
        const encode = cursorEncoder(k, href);
        for (const offset of [0, 1, 9, 10, 99, 100, 12_345, 9_999_999]) {
          expect(decodeCursor(encode(offset), k)).toEqual({ scope: k, href, offset });
        }
      }
    }
  });

  it("rejects a cursor of another list", () => {
    const cursor = encodeCursor({ scope: "vendors|c1|e1", href: null, offset: 0 });
    expect(codeOf(() => decodeCursor(cursor, scope))).toEqual({
      code: ErrorCode.BAD_USER_INPUT,
      message: "after: this cursor belongs to another list; use a cursor from the same connection",
    });
  });

  const b64 = (text: string) => Buffer.from(text).toString("base64url");
  it.each([
    ["empty", ""],
    ["not base64url", "abc+/=="],
    ["binary garbage", b64("\u0000\u0001\u00ff")],
    ["not JSON", b64("hello")],
    ["JSON number", b64("42")],
    ["JSON null", b64("null")],
    ["JSON array", b64("[1,2]")],
    ["wrong version", b64(JSON.stringify({ v: 99, k: scope, p: null, o: 0 }))],
    ["negative offset", b64(JSON.stringify({ v: 1, k: scope, p: null, o: -1 }))],
    ["fractional offset", b64(JSON.stringify({ v: 1, k: scope, p: null, o: 1.5 }))],
    ["string offset", b64(JSON.stringify({ v: 1, k: scope, p: null, o: "1" }))],
    ["numeric href", b64(JSON.stringify({ v: 1, k: scope, p: 5, o: 0 }))],
    ["empty href", b64(JSON.stringify({ v: 1, k: scope, p: "", o: 0 }))],
    ["missing scope", b64(JSON.stringify({ v: 1, p: null, o: 0 }))],
    ["huge", "A".repeat(1_000_000)],
  ])("rejects %s as malformed", (_name, cursor) => {
    expect(codeOf(() => decodeCursor(cursor, scope))).toEqual({ code: ErrorCode.BAD_USER_INPUT, message: "after: malformed cursor" });
  });

  it("rejects non-strings without crashing", () => {
    expect(codeOf(() => decodeCursor(undefined as unknown as string, scope)).code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(codeOf(() => decodeCursor({} as unknown as string, scope)).code).toBe(ErrorCode.BAD_USER_INPUT);
  });
});
