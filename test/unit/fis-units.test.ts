// Pure parts of the FIS client: exact decimals, the Decimal scalar, outcome classification, event parsing, document mapping.
import { Kind } from "graphql";
import { parse as parseLossless } from "lossless-json";
import { describe, expect, it } from "vitest";
import { classifyOutcome, EssEventError, normalizeNumbers, numberedFields, parseFisEvent, plainDecimal, readTimeStamp, toFinancialDocument } from "../../src/datasources/index.js";
import { Decimal } from "../../src/schema/index.js";

const C = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";

describe("exact decimals", () => {
  it.each([
    ["0E-8", "0.00000000"],
    ["50.00000000", "50.00000000"],
    ["12345678901234.12345678", "12345678901234.12345678"],
    ["-1.5E+3", "-1500"],
    ["1.25E-3", "0.00125"],
    ["007", "7"],
    ["abc", undefined],
  ])("plainDecimal(%s) = %s", (text, expected) => expect(plainDecimal(text)).toBe(expected));

  it("normalizes lossless numbers: small integers stay numbers, everything else an exact string", () => {
    expect(normalizeNumbers(parseLossless('{"a":12345678901234.12345678,"b":7,"c":[0E-8],"d":"x","e":123456789012345678}'))).toEqual({ a: "12345678901234.12345678", b: 7, c: ["0.00000000"], d: "x", e: "123456789012345678" });
  });

  it("Decimal scalar: strings out; strings and exact literals in; lossy JSON numbers refused", () => {
    expect(Decimal.serialize("0E-8")).toBe("0.00000000");
    expect(Decimal.parseValue("12345678901234.12345678")).toBe("12345678901234.12345678");
    expect(Decimal.parseLiteral({ kind: Kind.FLOAT, value: "12345678901234.12345678" }, {})).toBe("12345678901234.12345678");
    expect(Decimal.parseValue(10.5)).toBe("10.5");
    expect(() => Decimal.parseValue(12345678901234.12)).toThrow(/JSON number/);
    expect(() => Decimal.parseValue("1.123456789")).toThrow(/at most 15 before and 8 after/);
    expect(() => Decimal.parseValue("ten")).toThrow(/not a decimal/);
  });
});

describe("outcome classification (spec §4)", () => {
  const ctx = { maybeApplied: false };
  it.each([
    ["acknowledge", 0, "SUCCESS", "SUCCEEDED"],
    ["acknowledge", 101, "FAILURE", "ALREADY_DONE"],
    ["acknowledge", 102, "FAILURE", "FAILED"],
    ["acknowledge", 199, "FAILURE", "RETRY_LATER"],
    ["postingConfirmation", 113, "FAILURE", "ALREADY_DONE"],
    ["postingConfirmation", 111, "NOT_YET_ACKNOWLEDGED", "FAILED"],
    ["paymentConfirmation", 213, "FAILURE", "ALREADY_DONE"],
    ["paymentConfirmation", 298, "NOOP", "ALREADY_DONE"],
    ["paymentConfirmation", 298, "FAILURE", "FAILED"],
  ] as const)("%s code %i %s -> %s", (operation, code, result, status) => expect(classifyOutcome(operation, code, result, ctx)).toBe(status));

  it("an already-done answer after a maybe-applied attempt is UNCERTAIN, whatever systemId FIS names: every caller of a company sends the same one", () => {
    const retried = { maybeApplied: true };
    expect(classifyOutcome("acknowledge", 101, "FAILURE", retried)).toBe("UNCERTAIN");
    expect(classifyOutcome("postingConfirmation", 113, "FAILURE", retried)).toBe("UNCERTAIN");
    expect(classifyOutcome("paymentConfirmation", 298, "NOOP", retried)).toBe("UNCERTAIN");
    expect(classifyOutcome("acknowledge", null, "UPSTREAM_UNAVAILABLE", retried)).toBe("UNCERTAIN");
    expect(classifyOutcome("acknowledge", 0, "SUCCESS", retried)).toBe("SUCCEEDED");
  });
});

describe("FIS events (spec §2.5)", () => {
  const event = (over: Record<string, unknown> = {}, facts: Record<string, unknown> = {}) => ({
    id: "ett80969-9d7b-4a5e-8c7f-1234567890ab",
    eventType: "requestObligation.readyForIntegration",
    correlationId: "S4P_QM7CLNT715_0001",
    topic: "public.concur.financialintegration",
    subtopic: "p0608532bdtt",
    timeStamp: "2023-09-26T21:17:44.570+0000",
    route: "stable",
    data: null,
    facts: { companyId: C.toUpperCase(), documentId: "5F8FC21234374B979809", href: "https://financial-integration.service.cnqr.tech/x", entityId: "p0608532bdtt", ...facts },
    ...over,
  });
  it("accepts the documented irregular forms", () => {
    expect(parseFisEvent(event())).toMatchObject({ kind: "fisDocumentReady", docType: "requestobligation", documentId: "5F8FC21234374B979809", companyId: C, occurredAt: "2023-09-26T21:17:44.570Z" });
    expect(readTimeStamp("2023-09-26T21:17:44.524Z")).toBe("2023-09-26T21:17:44.524Z");
    expect(parseFisEvent(event({ eventType: "expense.somethingElse" })).kind).toBe("unknown");
  });
  it("refuses what is not an event of the topic", () => {
    expect(() => parseFisEvent(event({ topic: "public.test" }))).toThrow(EssEventError);
    expect(() => parseFisEvent(event({}, { documentId: "" }))).toThrow(/documentId/);
  });
});

describe("FIDocument mapping", () => {
  const wire = (document: unknown, companyUuid = C) => ({ id: "e7f810cabc8348cdb051dd9431c8cfbb", docType: "expense", companyId: "821599", entityId: "t0171945nik5", companyUuid, erpSystemId: "", document, docStatus: "READY", links: [] });
  const doc = { report: { reportId: "R1", reportKey: 7, totalApprovedAmount: parseLossless("12345678901234.12345678"), reportCustom2Code: "B", reportCustom2Value: null, reportCustom1Code: "A", reportCustom1Value: "Alpha", reportCustom3Code: null, reportCustom3Value: null }, expenseEntry: [] };
  it("folds numbered fields, keeps amounts exact, accepts the document as JSON text", () => {
    const fromObject = toFinancialDocument(wire(doc) as never, C, parseLossless);
    expect(fromObject.expense?.report).toMatchObject({ totalApprovedAmount: "12345678901234.12345678", reportKey: 7, customFields: [{ index: 1, code: "A", value: "Alpha" }, { index: 2, code: "B", value: null }] });
    const fromText = toFinancialDocument(wire('{"report":{"totalApprovedAmount":12345678901234.12345678}}') as never, C, parseLossless);
    expect((fromText.expense?.report as Record<string, unknown> | undefined)?.totalApprovedAmount).toBe("12345678901234.12345678");
    expect(numberedFields({ x1Code: "a", x10Value: "b" }, "x").map((f) => f.index)).toEqual([1, 10]);
  });
  it("a document of another company means the token and the company disagree: FORBIDDEN", () => {
    expect(() => toFinancialDocument(wire(doc, "00001cd1-07a1-405f-b3e2-f83566ab4e39") as never, C, parseLossless)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) }));
  });
});
