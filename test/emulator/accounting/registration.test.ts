import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, fakeClock, testKeyPem } from "../helpers.js";

const clock = fakeClock();
let emu: RunningEmulator;

const pkg = (externalErpId: string) => ({ partnerAppName: "Test App", erpName: "Test ERP", externalErpId });

async function newCompany(): Promise<{ companyId: string; token: string; erps: string }> {
  const { json } = await call(emu.url, "POST", "/_emulator/companies", { body: {} });
  return { companyId: json.companyId, token: emu.issueToken(json.companyId), erps: `/accountingintegration/v4/companies/${json.companyId}/erps` };
}

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), now: clock.now, processingDelayMs: 5 });
});
afterAll(async () => {
  await emu.stop();
});

describe("registration (R1–R5)", () => {
  it("R1 registers an ERP: 200 with the package and a new erpId", async () => {
    const { token, erps } = await newCompany();
    const r = await call(emu.url, "POST", erps, {
      token,
      body: {
        ...pkg("ext-1"),
        features: ["SUPPORTS_RECEIPT_POSTING"],
        postingOptions: [{ postingCode: "J", postingName: "Journal", configurationFields: [{ configurationFieldType: "POSTING_DATE", required: true }] }],
      },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ...pkg("ext-1"), features: ["SUPPORTS_RECEIPT_POSTING"] });
    expect(r.json.erpId).toMatch(/^[0-9a-f-]{36}$/);
    // Q16: `required` accepted on input, `isRequired` emitted.
    expect(r.json.postingOptions[0]).toEqual({
      postingCode: "J", postingName: "Journal", availableForOutOfPocketExpenses: false,
      configurationFields: [{ configurationFieldType: "POSTING_DATE", isRequired: true }],
    });
  });

  it("R1 rejects a second registration within a minute with 429 + Retry-After, allows it after", async () => {
    const { token, erps } = await newCompany();
    expect((await call(emu.url, "POST", erps, { token, body: pkg("a") })).status).toBe(200);
    const limited = await call(emu.url, "POST", erps, { token, body: pkg("b") });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(limited.json).toMatchObject({ httpStatus: "429 - Too Many Requests", errorCode: "security.rate.limit.reached", path: erps });
    clock.advance(60_000);
    expect((await call(emu.url, "POST", erps, { token, body: pkg("b") })).status).toBe(200);
  });

  it("R1 answers 400 erp.already.registered for a duplicate externalErpId and 400 for missing fields", async () => {
    const { token, erps } = await newCompany();
    expect((await call(emu.url, "POST", erps, { token, body: pkg("dup") })).status).toBe(200);
    clock.advance(60_000);
    const dup = await call(emu.url, "POST", erps, { token, body: pkg("dup") });
    expect(dup.status).toBe(400);
    expect(dup.json.errorCode).toBe("erp.already.registered");
    const missing = await call(emu.url, "POST", erps, { token, body: { erpName: "x", features: ["NOPE"] } });
    expect(missing.status).toBe(400);
    expect(missing.json.httpStatus).toBe("400 - Bad Request");
    expect(missing.json.validationErrors.map((v: { errorCode: string }) => v.errorCode)).toEqual(
      expect.arrayContaining(["partnerAppName.required", "externalErpId.required", "features[0].invalid"]),
    );
    const notJson = await call(emu.url, "POST", erps, { token, rawBody: "{nope", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
  });

  it("R2 replaces features and postingOptions wholesale; R3 reads it back; R4 lists all", async () => {
    const { token, erps } = await newCompany();
    const created = await call(emu.url, "POST", erps, {
      token,
      body: { ...pkg("r2"), features: ["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"], postingOptions: [{ postingCode: "A", postingName: "A" }] },
    });
    const erp = `${erps}/${created.json.erpId}`;
    const patched = await call(emu.url, "PATCH", erp, { token, body: { features: ["ENABLE_TAX_INTEGRATION"], postingOptions: [{ postingCode: "B", postingName: "B", availableForOutOfPocketExpenses: true }] } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      ...pkg("r2"),
      erpId: created.json.erpId,
      features: ["ENABLE_TAX_INTEGRATION"],
      postingOptions: [{ postingCode: "B", postingName: "B", availableForOutOfPocketExpenses: true }],
    });
    const read = await call(emu.url, "GET", erp, { token });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(patched.json);
    expect((await call(emu.url, "PATCH", erp, { token, body: { features: "x" } })).status).toBe(400);
    const list = await call(emu.url, "GET", erps, { token });
    expect(list.status).toBe(200);
    expect(list.json.data).toEqual([patched.json]);
    expect(list.json.links).toEqual({});
  });

  it("R5 deletes with 204 and everything under the ERP is 404 afterwards", async () => {
    const { token, erps } = await newCompany();
    const { json } = await call(emu.url, "POST", erps, { token, body: pkg("gone") });
    const erp = `${erps}/${json.erpId}`;
    const accepted = await call(emu.url, "PATCH", `${erp}/accounts`, { token, body: { data: [{ id: "1", name: "n", type: "BANK" }] } });
    expect(accepted.status).toBe(202);
    const del = await call(emu.url, "DELETE", erp, { token });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    for (const path of [erp, `${erp}/accounts`, `${erp}/mappings`, `${erp}/requests/${accepted.json.requestId}`]) {
      const r = await call(emu.url, "GET", path, { token });
      expect(r.status, path).toBe(404);
      expect(r.json).toMatchObject({ httpStatus: "404 - Not Found", path });
    }
    expect((await call(emu.url, "DELETE", erp, { token })).status).toBe(404);
  });

  it("answers 401, 403, 404 and 400 on registration paths", async () => {
    const { token, erps, companyId } = await newCompany();
    const other = await newCompany();
    expect((await call(emu.url, "GET", erps)).status).toBe(401);
    expect((await call(emu.url, "GET", erps, { token: "bogus" })).status).toBe(401);
    const forbidden = await call(emu.url, "GET", erps, { token: other.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.httpStatus).toBe("403 - Forbidden");
    const readOnly = emu.issueToken(companyId, ["spend.accountingintegration.read"]);
    expect((await call(emu.url, "POST", erps, { token: readOnly, body: pkg("ro") })).status).toBe(403);
    expect((await call(emu.url, "GET", erps, { token: readOnly })).status).toBe(200);
    expect((await call(emu.url, "GET", `${erps}/00000000-0000-4000-8000-000000000000`, { token })).status).toBe(404);
    expect((await call(emu.url, "GET", `${erps}/not-a-uuid`, { token })).status).toBe(400);
    const unknownCompany = "11111111-1111-4111-8111-111111111111";
    const t = emu.issueToken(unknownCompany);
    expect((await call(emu.url, "GET", `/accountingintegration/v4/companies/${unknownCompany}/erps`, { token: t })).status).toBe(404);
  });
});
