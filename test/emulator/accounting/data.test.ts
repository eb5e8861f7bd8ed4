import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../src/emulator/index.js";
import { call, fakeClock, startWithErp, waitForFinal } from "../helpers.js";

const clock = fakeClock();
let emu: RunningEmulator;
let token: string;
let companyId: string;
let erpId: string;
let base: string;

beforeAll(async () => {
  ({ emu, token, companyId, erpId, base } = await startWithErp({ now: clock.now }));
});
afterAll(async () => {
  await emu.stop();
});

/** PATCH (or POST/PUT) a data body, wait for its final status; advances the clock past the 1/s limit first. */
async function write(segment: string, body: unknown, method = "PATCH", headers: Record<string, string> = {}) {
  clock.advance(1_000);
  const accepted = await call(emu.url, method, `${base}/${segment}`, { token, body, headers });
  expect(accepted.status, accepted.text).toBe(202);
  const final = await waitForFinal(emu, token, base, accepted.json.requestId);
  return { accepted: accepted.json, final };
}

const getAll = async (segment: string) => (await call(emu.url, "GET", `${base}/${segment}`, { token })).json.data;
const errorsOf = async (requestId: string) => (await call(emu.url, "GET", `${base}/requests/${requestId}/errors`, { token })).json;

describe("data writes", () => {
  it("answers 202 with the spec's RequestStatus and finishes SUCCESS; GET returns nulls for absent fields", async () => {
    clock.advance(1_000);
    const r = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [{ id: "A1", name: "Travel", type: "EXPENSE" }] } });
    expect(r.status).toBe(202);
    const id = r.json.requestId;
    expect(r.json).toEqual({
      status: "PROCESSING",
      requestId: id,
      companyId,
      erpId,
      links: {
        errors: { href: `/v4/companies/${companyId}/erps/${erpId}/requests/${id}/errors` },
        self: { href: `/v4/companies/${companyId}/erps/${erpId}/requests/${id}` },
      },
    });
    expect(r.headers["concur-correlationid"]).toMatch(/^[0-9a-f-]{36}$/);
    const final = await waitForFinal(emu, token, base, id);
    expect(final).toEqual({ ...r.json, status: "SUCCESS", links: undefined, _links: r.json.links });
    expect(await getAll("accounts")).toEqual([{ id: "A1", name: "Travel", number: null, type: "EXPENSE" }]);
  });

  it("applies deleteAll first, then upserts in order (last duplicate wins), then isDeleted removals", async () => {
    await write("lists", { data: [{ id: "L1", name: "one" }, { id: "L2", name: "two" }, { id: "L3", name: "three" }] });
    const { final } = await write("lists", {
      deleteAll: true,
      data: [
        { id: "L9", isDeleted: true }, // deleted last even though listed first
        { id: "L9", name: "nine" },
        { id: "L2", name: "two-a" },
        { id: "L4", name: "four" },
        { id: "L2", name: "two-b" },
      ],
    });
    expect(final.status).toBe("SUCCESS");
    // L1/L3 gone (deleteAll), L9 upserted then removed, L2's last occurrence wins.
    expect(await getAll("lists")).toEqual([{ id: "L4", name: "four" }, { id: "L2", name: "two-b" }]);
  });

  it("processes writes strictly in acceptance order per object type", async () => {
    const first = await (async () => {
      clock.advance(1_000);
      return call(emu.url, "PATCH", `${base}/accounts`, { token, body: { deleteAll: true, data: [{ id: "O1", name: "first", type: "BANK" }] } });
    })();
    clock.advance(1_000);
    const second = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [{ id: "O1", name: "second", type: "BANK" }] } });
    await waitForFinal(emu, token, base, second.json.requestId);
    expect((await waitForFinal(emu, token, base, first.json.requestId)).status).toBe("SUCCESS");
    expect(await getAll("accounts")).toEqual([{ id: "O1", name: "second", number: null, type: "BANK" }]);
  });

  it("reports PARTIAL with ProcessingErrors, ERROR when every record fails", async () => {
    const { accepted, final } = await write("accounts", {
      data: [{ id: "P1", name: "ok", type: "EXPENSE", number: "6000" }, { id: "P2", type: "NOT_A_TYPE" }, { name: "no id", type: "BANK" }],
    });
    expect(final.status).toBe("PARTIAL");
    const errors = await errorsOf(accepted.requestId);
    expect(errors._links).toEqual({});
    expect(errors.data).toHaveLength(2);
    expect(errors.data[0]).toMatchObject({
      companyId, erpId, requestId: accepted.requestId, objectType: "ACCOUNT",
      errorCode: "dataInvalid.requestIdProcessingErrors", errorMessage: "Failed to validate the input data",
      values: JSON.stringify({ id: "P2", type: "NOT_A_TYPE" }),
    });
    expect(errors.data[0].validationErrors.map((v: { errorCode: string; source: string }) => `${v.source}:${v.errorCode}`).sort()).toEqual(
      ["name:name.required", "type:type.invalid"],
    );
    expect(errors.data[1].validationErrors[0]).toMatchObject({ source: "id", errorCode: "id.required" });

    const bad = await write("accounts", { data: [{ id: "E1" }] });
    expect(bad.final.status).toBe("ERROR");
  });

  it("validates vendors by type and rejects a type change with type.cannot.update", async () => {
    const { final, accepted } = await write("vendors", {
      data: [
        { id: "V1", type: "ACCOUNTING", currencyCode: "USD", name: "Acme", companyName: "Acme Inc.", address: { city: "Austin" } },
        { id: "V2", type: "EMPLOYEE", currencyCode: "EUR", firstName: "Ada", lastName: "L", email: "ada@example.com", employeeId: "E1" },
        { id: "V3", type: "EMPLOYEE", currencyCode: "usd", firstName: "No" },
      ],
    });
    expect(final.status).toBe("PARTIAL");
    const codes = (await errorsOf(accepted.requestId)).data[0].validationErrors.map((v: { errorCode: string }) => v.errorCode);
    expect(codes).toEqual(expect.arrayContaining(["currencyCode.invalid", "lastName.required", "email.required", "employeeId.required"]));
    const vendors = await getAll("vendors");
    expect(vendors[0]).toEqual({
      id: "V1", type: "ACCOUNTING", currencyCode: "USD", name: "Acme", companyName: "Acme Inc.", lastName: null, firstName: null,
      email: null, employeeId: null, taxId: null, phone: null, accountNumber: null,
      address: { addr1: null, addr2: null, addr3: null, city: "Austin", state: null, country: null, postalCode: null, note: null },
    });
    expect(vendors[1].address).toBeNull();

    const change = await write("vendors", { data: [{ id: "V1", type: "EMPLOYEE", currencyCode: "USD", firstName: "A", lastName: "B", email: "a@b.c", employeeId: "9" }] });
    expect(change.final.status).toBe("ERROR");
    const [err] = (await errorsOf(change.accepted.requestId)).data;
    expect(err.objectType).toBe("VENDOR");
    expect(err.validationErrors).toEqual([{ source: "type", errorCode: "type.cannot.update", errorMessage: expect.any(String) }]);
  });

  it("fails a record over 200 KB individually", async () => {
    const { final, accepted } = await write("lists", { data: [{ id: "BIG", name: "x".repeat(205 * 1024) }, { id: "SMALL", name: "ok" }] });
    expect(final.status).toBe("PARTIAL");
    const [err] = (await errorsOf(accepted.requestId)).data;
    expect(err.validationErrors[0].errorCode).toBe("record.tooLarge");
  });

  it("removes a list's mapping on a single delete but keeps mappings on deleteAll", async () => {
    const mappings = async () => (await call(emu.url, "GET", `${base}/mappings`, { token })).json.files[0].listMappings.map((m: { erpListId: string }) => m.erpListId);
    expect(await mappings()).toEqual(["LST-0001", "LST-0002"]);
    await write("lists", { data: [{ id: "LST-0001", name: "Department" }, { id: "LST-0002", name: "Project" }] });
    await write("lists", { deleteAll: true, data: [] });
    expect(await mappings()).toEqual(["LST-0001", "LST-0002"]);
    await write("lists", { data: [{ id: "LST-0001", isDeleted: true }] });
    expect(await mappings()).toEqual(["LST-0002"]);
  });

  it("tax data: POST adds, PUT replaces all (isDeleted ignored), deleteAll alone clears", async () => {
    const tax = (countryCode: string, extra: Record<string, unknown> = {}) => ({
      countryCode, countryName: `Country ${countryCode}`, ...extra,
      stateEntries: [{ stateCode: null, reclaimEntries: [{ reclaimCode: "R1", reclaimDetails: [{ taxCode: "T1", percentage: 19, validFrom: "2024-01-01" }] }] }],
    });
    expect((await write("taxData", { data: [tax("DE"), tax("FR")] }, "POST")).final.status).toBe("SUCCESS");
    const data = await getAll("taxData");
    expect(data.map((d: { countryCode: string }) => d.countryCode)).toEqual(["DE", "FR"]);
    expect(data[0]).toEqual({
      countryCode: "DE", countryDesc: "Country DE",
      stateEntries: [{ stateCode: null, stateDesc: null, reclaimEntries: [{ reclaimCode: "R1", reclaimDesc: null, reclaimDetails: [{ taxCode: "T1", taxRateDesc: null, percentage: 19, validFrom: "2024-01-01", validTo: null }] }] }],
    });
    expect((await write("taxData", { data: [tax("US", { isDeleted: true })] }, "PUT")).final.status).toBe("SUCCESS");
    expect((await getAll("taxData")).map((d: { countryCode: string }) => d.countryCode)).toEqual(["US"]);
    const invalid = await write("taxData", { data: [{ countryCode: "DEU", stateEntries: [{ reclaimEntries: [{ reclaimDetails: [{ validFrom: "1.1.2024" }] }] }] }] }, "POST");
    expect(invalid.final.status).toBe("ERROR");
    const codes = (await errorsOf(invalid.accepted.requestId)).data[0].validationErrors.map((v: { source: string }) => v.source);
    expect(codes).toEqual(expect.arrayContaining(["countryCode", "stateEntries[0].reclaimEntries[0].reclaimCode", "stateEntries[0].reclaimEntries[0].reclaimDetails[0].taxCode"]));
    expect((await write("taxData", { deleteAll: true }, "PUT")).final.status).toBe("SUCCESS");
    expect(await getAll("taxData")).toEqual([]);
  });
});

describe("data write limits and request errors", () => {
  it("answers 400 for a non-JSON body, a missing data array and bad records shapes", async () => {
    clock.advance(1_000);
    const notJson = await call(emu.url, "PATCH", `${base}/accounts`, { token, rawBody: "not json", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ httpStatus: "400 - Bad Request", path: `${base}/accounts`, validationErrors: [{ source: "body" }] });
    const noData = await call(emu.url, "PATCH", `${base}/vendors`, { token, body: { deleteAll: true } });
    expect(noData.json.validationErrors).toEqual([{ source: "data", errorCode: "data.required", errorMessage: expect.any(String) }]);
    const badItems = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { deleteAll: "yes", data: [1] } });
    expect(badItems.status).toBe(400);
    expect(badItems.json.validationErrors.map((v: { source: string }) => v.source)).toEqual(["deleteAll", "data[0]"]);
  });

  it("answers 400 for a payload over 4 MB and does not apply it", async () => {
    clock.advance(1_000);
    const records = Array.from({ length: 50 }, (_, i) => ({ id: `H${i}`, name: "y".repeat(90 * 1024), type: "BANK" }));
    const r = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: records } });
    expect(r.status).toBe(400);
    expect(r.json.errorCode).toBe("payload.tooLarge");
    expect((await getAll("accounts")).some((a: { id: string }) => a.id === "H0")).toBe(false);
  });

  it("uses If-None-Match as the request id, 412 on reuse without reprocessing, 400 when not a UUID", async () => {
    const id = randomUUID();
    const { accepted } = await write("lists", { data: [{ id: "INM", name: "first" }] }, "PATCH", { "if-none-match": id });
    expect(accepted.requestId).toBe(id);
    clock.advance(1_000);
    const again = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { data: [{ id: "INM", name: "second" }] }, headers: { "if-none-match": id } });
    expect(again.status).toBe(412);
    expect(again.json.httpStatus).toBe("412 - Precondition Failed");
    expect((await getAll("lists")).find((l: { id: string }) => l.id === "INM").name).toBe("first");
    const bad = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { data: [] }, headers: { "if-none-match": "*" } });
    expect(bad.status).toBe(400);
  });

  it("allows one write per second per object type: 429 + Retry-After, other types unaffected", async () => {
    clock.advance(1_000);
    const body = { data: [{ id: "R", name: "r" }] };
    expect((await call(emu.url, "PATCH", `${base}/lists`, { token, body })).status).toBe(202);
    const limited = await call(emu.url, "PATCH", `${base}/lists`, { token, body });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(limited.json).toMatchObject({ httpStatus: "429 - Too Many Requests", errorCode: "security.rate.limit.reached" });
    expect((await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [] } })).status).toBe(202);
    clock.advance(1_000);
    expect((await call(emu.url, "PATCH", `${base}/lists`, { token, body })).status).toBe(202);
  });

  it("answers 401/403/404 on data, request and mapping paths", async () => {
    const readOnly = emu.issueToken(companyId, ["spend.accountingintegration.read"]);
    const writeOnly = emu.issueToken(companyId, ["spend.accountingintegration.write"]);
    clock.advance(1_000);
    expect((await call(emu.url, "PATCH", `${base}/accounts`, { body: { data: [] } })).status).toBe(401);
    const ro = await call(emu.url, "PATCH", `${base}/accounts`, { token: readOnly, body: { data: [] } });
    expect(ro.status).toBe(403);
    expect(ro.json.errorCode).toBe("scope.insufficient");
    expect((await call(emu.url, "GET", `${base}/accounts`, { token: writeOnly })).status).toBe(403);
    expect((await call(emu.url, "GET", `${base}/mappings`, { token: writeOnly })).status).toBe(403);
    const missing = randomUUID();
    const nf = await call(emu.url, "GET", `${base}/requests/${missing}`, { token });
    expect(nf.status).toBe(404);
    expect(nf.json.errorCode).toBe("request.notFound");
    expect((await call(emu.url, "GET", `${base}/requests/${missing}/errors`, { token })).status).toBe(404);
    expect((await call(emu.url, "GET", `${base}/requests/nope`, { token })).status).toBe(400);
  });

  it("serves mappings with every MappingsResponse field", async () => {
    const r = await call(emu.url, "GET", `${base}/mappings`, { token });
    expect(r.status).toBe(200);
    const m = r.json;
    expect(Object.keys(m).sort()).toEqual(["companyEdition", "erpId", "features", "files", "invoicePolicies", "ledger"]);
    expect(m.erpId).toBe(erpId);
    expect(typeof m.companyEdition).toBe("string");
    expect(Object.keys(m.ledger).sort()).toEqual(["code", "expenseHierarchy", "invoiceHierarchy", "name"]);
    expect(Object.keys(m.ledger.expenseHierarchy[0]).sort()).toEqual(["alternateFieldId", "formTypeCode", "level"]);
    expect(Object.keys(m.features[0]).sort()).toEqual(["description", "id", "value"]);
    const file = m.files[0];
    expect(Object.keys(file).sort()).toEqual(["billableField", "fileId", "invoiceLiabilityAccount", "listMappings", "paymentTypes"]);
    expect(Object.keys(file.paymentTypes[0]).sort()).toEqual([
      "clearingAccountCode", "countryCode", "creditCardVendorId", "currencyCode", "erpCreditCardAccount", "liabilityAccountCode",
      "name", "patKey", "postingDate", "transactionType",
    ]);
    expect(file.listMappings[0].fieldMappings[0]).toEqual({ formTypeCode: expect.any(String), fields: [{ alternateFieldId: expect.any(String), level: 1 }], connectedLists: [expect.objectContaining({ fields: expect.any(Array) })] });
    expect(Object.keys(file.invoiceLiabilityAccount).sort()).toEqual(["id", "name", "number", "type"]);
    expect(Object.keys(file.billableField).sort()).toEqual(["alternateFieldId", "formTypeCode"]);
    expect(Object.keys(m.invoicePolicies[0]).sort()).toEqual(["externalId", "isPurchaseOrderPolicy", "name"]);
  });

  it("expires employee vendors 150 days after they were last sent", async () => {
    await write("vendors", { deleteAll: true, data: [
      { id: "EMP", type: "EMPLOYEE", currencyCode: "USD", firstName: "A", lastName: "B", email: "a@b.c", employeeId: "1" },
      { id: "ACC", type: "ACCOUNTING", currencyCode: "USD", name: "N", companyName: "C" },
    ] });
    expect((await getAll("vendors")).map((v: { id: string }) => v.id)).toEqual(["EMP", "ACC"]);
    clock.advance(150 * 24 * 3_600 * 1_000);
    expect((await getAll("vendors")).map((v: { id: string }) => v.id)).toEqual(["ACC"]);
  });
});
