import { describe, expect, it } from "vitest";
import { assertCanAct, canAct, parseCompanies, parseRole, roleAtLeast, type CallerIdentity } from "../../src/callers/identity.js";
import { roleFromClaim } from "../../src/callers/jwt.js";
import { CodedError, ErrorCode } from "../../src/errors.js";

const caller = (role: CallerIdentity["role"], companies: CallerIdentity["companies"]): CallerIdentity => ({ kind: "apiKey", id: "abc", role, companies });

describe("roles", () => {
  it("admin ⊃ write ⊃ read", () => {
    expect(roleAtLeast("admin", "write")).toBe(true);
    expect(roleAtLeast("admin", "read")).toBe(true);
    expect(roleAtLeast("write", "read")).toBe(true);
    expect(roleAtLeast("write", "admin")).toBe(false);
    expect(roleAtLeast("read", "write")).toBe(false);
  });

  it("parseRole is case-insensitive and refuses unknown roles", () => {
    expect(parseRole(" Admin ")).toBe("admin");
    expect(parseRole("owner")).toBeUndefined();
    expect(parseRole(3)).toBeUndefined();
  });

  it("canAct checks role and company", () => {
    expect(canAct(caller("write", ["a", "b"]), "a", "read")).toBe(true);
    expect(canAct(caller("write", ["a", "b"]), "c", "read")).toBe(false);
    expect(canAct(caller("read", ["a"]), "a", "write")).toBe(false);
    expect(canAct(caller("admin", "*"), "anything", "admin")).toBe(true);
    expect(canAct(caller("admin", []), "a", "read")).toBe(false);
  });

  it("assertCanAct throws FORBIDDEN naming what is missing", () => {
    expect(() => assertCanAct(caller("read", "*"), "a", "write")).toThrow(/needs role write; API key abc has role read/);
    expect(() => assertCanAct(caller("admin", ["a"]), "b", "read")).toThrow(/may not act for company b/);
    try {
      assertCanAct(caller("read", ["a"]), "b", "read");
    } catch (error) {
      expect((error as CodedError).code).toBe(ErrorCode.FORBIDDEN);
    }
  });
});

describe("claim parsing", () => {
  it("companies: array, space or comma string, * wins, blanks dropped", () => {
    expect(parseCompanies(["a", "b", "a", 3])).toEqual(["a", "b"]);
    expect(parseCompanies("a b,c ,, d")).toEqual(["a", "b", "c", "d"]);
    expect(parseCompanies("a *")).toBe("*");
    expect(parseCompanies(["*"])).toBe("*");
    expect(parseCompanies(undefined)).toEqual([]);
    expect(parseCompanies({ a: 1 })).toEqual([]);
  });

  it("role: the strongest valid value of a string, list or array", () => {
    expect(roleFromClaim("write")).toBe("write");
    expect(roleFromClaim("read admin")).toBe("admin");
    expect(roleFromClaim(["read", "write", "boss"])).toBe("write");
    expect(roleFromClaim("boss")).toBeUndefined();
    expect(roleFromClaim(undefined)).toBeUndefined();
  });
});
