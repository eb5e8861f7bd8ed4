import { describe, expect, it } from "vitest";
import { ACCOUNTING_TOPIC, EssEventError, parseEssEvent } from "../../src/datasources/accounting/events.js";

const C = "11111111-1111-4111-8111-111111111111";
const E = "22222222-2222-4222-8222-222222222222";
const R = "33333333-3333-4333-8333-333333333333";

const envelope = (eventType: string, data?: unknown) => ({
  id: "44444444-4444-4444-8444-444444444444",
  correlationId: "corr-1",
  eventType,
  topic: ACCOUNTING_TOPIC,
  subtopic: null,
  timeStamp: "2025-01-01T00:00:00.000Z",
  data: null,
  facts: { companyId: C, erpId: E, partnerId: "p-1", ...(data === undefined ? {} : { data }) },
});

describe("parseEssEvent", () => {
  it("data.statusUpdated with _links (event example form)", () => {
    const event = parseEssEvent(
      envelope("data.statusUpdated", { requestId: R, status: "PARTIAL", _links: { self: { href: "/self" }, errors: { href: `/v4/companies/${C}/requests/${R}/errors` } } }),
    );
    expect(event).toMatchObject({
      kind: "requestStatus",
      companyId: C,
      erpId: E,
      partnerId: "p-1",
      correlationId: "corr-1",
      request: { requestId: R, status: "PARTIAL", errorsHref: `/v4/companies/${C}/requests/${R}/errors`, selfHref: "/self" },
    });
  });

  it("data.statusUpdated with `links` as an array of {rel, href}", () => {
    const event = parseEssEvent(envelope("data.statusUpdated", { requestId: R, status: "ERROR", links: [{ rel: "errors", href: "/e" }] }));
    expect(event.kind === "requestStatus" && event.request).toEqual({ requestId: R, status: "ERROR", errorsHref: "/e" });
  });

  it("data.statusUpdated without links, and an invalid status", () => {
    const event = parseEssEvent(envelope("data.statusUpdated", { requestId: R, status: "SUCCESS" }));
    expect(event.kind === "requestStatus" && event.request).toEqual({ requestId: R, status: "SUCCESS" });
    expect(() => parseEssEvent(envelope("data.statusUpdated", { requestId: R, status: "DONE" }))).toThrow(/status/);
    expect(() => parseEssEvent(envelope("data.statusUpdated", { status: "SUCCESS" }))).toThrow(/requestId/);
    expect(() => parseEssEvent(envelope("data.statusUpdated"))).toThrow(EssEventError);
  });

  it("mapping.updated carries no data", () => {
    expect(parseEssEvent(envelope("mapping.updated"))).toMatchObject({ kind: "mappingUpdated", eventType: "mapping.updated", companyId: C, erpId: E });
    // Concur may send the company UUID in upper case: the event carries the canonical (lower-case) id subscribers use.
    const upper = envelope("mapping.updated");
    expect(parseEssEvent({ ...upper, facts: { ...upper.facts, companyId: "5E0A1C1E-7D1B-4C3A-9F00-00000000C0DE" } })).toMatchObject({ companyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de" });
  });

  it("listMapping.created: array of ListMapping", () => {
    const mapping = {
      erpListId: "erp-list-1",
      concurListId: "concur-list-1",
      fieldMappings: [{ formTypeCode: "EXPENSE", fields: [{ alternateFieldId: "custom1", level: 1 }], connectedLists: [{ fields: [{ alternateFieldId: "custom2", level: 2 }] }] }],
    };
    const event = parseEssEvent(envelope("listMapping.created", [mapping]));
    expect(event.kind === "listMappingCreated" && event.listMappings).toEqual([mapping]);
    expect(() => parseEssEvent(envelope("listMapping.created", { erpListId: "x" }))).toThrow(/array/);
    expect(() => parseEssEvent(envelope("listMapping.created", [{ concurListId: "y" }]))).toThrow(/erpListId/);
  });

  it("listMapping.deleted: array of {erpListId, concurListId}", () => {
    const event = parseEssEvent(envelope("listMapping.deleted", [{ erpListId: "a", concurListId: "b", extra: 1 }]));
    expect(event.kind === "listMappingDeleted" && event.deletedListMappings).toEqual([{ erpListId: "a", concurListId: "b" }]);
    expect(() => parseEssEvent(envelope("listMapping.deleted", [{ erpListId: "a" }]))).toThrow(/concurListId/);
  });

  it("data.resetRequested: the documented JSON-string form", () => {
    const event = parseEssEvent(envelope("data.resetRequested", '{"accountingObjects":["ACCOUNT","VENDOR","LIST"]}'));
    expect(event.kind === "resetRequested" && event.objectTypes).toEqual(["ACCOUNT", "VENDOR", "LIST"]);
  });

  it("data.resetRequested: the schema's array form (unknown names skipped, duplicates folded)", () => {
    const event = parseEssEvent(envelope("data.resetRequested", ["VENDOR", "vendor", "SOMETHING"]));
    expect(event.kind === "resetRequested" && event.objectTypes).toEqual(["VENDOR"]);
    expect(() => parseEssEvent(envelope("data.resetRequested", "not json"))).toThrow(/JSON/);
    expect(() => parseEssEvent(envelope("data.resetRequested", 42))).toThrow(EssEventError);
  });

  it("unknown event types parse (to be acknowledged and ignored)", () => {
    expect(parseEssEvent(envelope("erp.somethingNew", { whatever: true }))).toMatchObject({ kind: "unknown", eventType: "erp.somethingNew" });
  });

  it.each([
    ["not an object", []],
    ["null", null],
    ["no id", { ...envelope("mapping.updated"), id: undefined }],
    ["no eventType", { ...envelope("mapping.updated"), eventType: "" }],
    ["other topic", { ...envelope("mapping.updated"), topic: "public.test" }],
    ["no facts", { ...envelope("mapping.updated"), facts: undefined }],
    ["no companyId", { ...envelope("mapping.updated"), facts: { erpId: E } }],
    ["no erpId", { ...envelope("mapping.updated"), facts: { companyId: C } }],
  ])("rejects a bad envelope: %s", (_name, json) => {
    expect(() => parseEssEvent(json)).toThrow(EssEventError);
  });
});
