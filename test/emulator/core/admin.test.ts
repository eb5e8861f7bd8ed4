import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../../src/emulator/index.js";
import { elapse } from "../../helpers/wait.js";
import { call, fakeClock, waitForFinal, testKeyPem } from "../helpers.js";

const clock = fakeClock();
let emu: RunningEmulator;
let token: string;
const base = `/accountingintegration/v4/companies/${DEMO.companyId}/erps/${DEMO.erpId}`;
const ACCOUNTS = "/accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts";

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", now: clock.now, processingDelayMs: 5 });
  token = emu.issueToken(DEMO.companyId);
});
afterAll(async () => {
  await emu.stop();
});

const counters = async () => (await call(emu.url, "GET", "/_emulator/counters")).json;

describe("demo seed", () => {
  it("has the fixed company and ERP with 5,000 accounts, 2,000 vendors of both types and 50 lists", async () => {
    const erp = await call(emu.url, "GET", base, { token });
    expect(erp.json).toMatchObject({ erpId: DEMO.erpId, externalErpId: DEMO.externalErpId });
    const count = async (segment: string) => (await call(emu.url, "GET", `${base}/${segment}`, { token })).json.data;
    expect(await count("accounts")).toHaveLength(5_000);
    const vendors = await count("vendors");
    expect(vendors).toHaveLength(2_000);
    expect(new Set(vendors.map((v: { type: string }) => v.type))).toEqual(new Set(["ACCOUNTING", "EMPLOYEE"]));
    expect(vendors.every((v: { address: unknown }) => v.address !== null)).toBe(true);
    expect(await count("lists")).toHaveLength(50);
  });

  it("is deterministic across instances", async () => {
    const other = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo" });
    try {
      const t = other.issueToken(DEMO.companyId);
      const a = await call(emu.url, "GET", `${base}/vendors`, { token });
      const b = await call(other.url, "GET", `${base}/vendors`, { token: t });
      expect(b.text).toBe(a.text);
    } finally {
      await other.stop();
    }
  });
});

describe("admin API", () => {
  it("counts calls per route template and status, and resets the counters", async () => {
    await call(emu.url, "POST", "/_emulator/counters/reset");
    await call(emu.url, "GET", `${base}/accounts`, { token });
    await call(emu.url, "GET", `${base}/accounts`, { token });
    await call(emu.url, "GET", `${base}/accounts`);
    clock.advance(1_000);
    await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [] } });
    await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [] } });
    const c = await counters();
    expect(c.counters[`GET ${ACCOUNTS}`]).toEqual({ 200: 2, 401: 1 });
    expect(c.counters[`PATCH ${ACCOUNTS}`]).toEqual({ 202: 1, 429: 1 });
    expect(Object.keys(c.counters).some((k) => k.includes("_emulator"))).toBe(false);
    expect(c.webhooks).toMatchObject({ delivered: expect.any(Number) });
    await call(emu.url, "POST", "/_emulator/counters/reset");
    expect((await counters()).counters).toEqual({});
  });

  it("seeds generated records, creates companies and tokens, and resets to the start seed", async () => {
    const { json: company } = await call(emu.url, "POST", "/_emulator/companies", { body: {} });
    const erp = await call(emu.url, "POST", `/_emulator/companies/${company.companyId}/register-erp`, { body: { erpName: "Seeded" } });
    expect(erp.json.erpName).toBe("Seeded");
    const seeded = await call(emu.url, "POST", `/_emulator/companies/${company.companyId}/erps/${erp.json.erpId}/seed`, { body: { accounts: 10, vendors: 4 } });
    expect(seeded.json).toEqual({ accounts: 10, vendors: 4, lists: 0 });
    const t = (await call(emu.url, "POST", "/_emulator/tokens", { body: { companyId: company.companyId, scopes: ["spend.accountingintegration.read"] } })).json.access_token;
    const accounts = await call(emu.url, "GET", `/accountingintegration/v4/companies/${company.companyId}/erps/${erp.json.erpId}/accounts`, { token: t });
    expect(accounts.json.data).toHaveLength(10);

    clock.advance(1_000);
    await call(emu.url, "PATCH", `${base}/lists`, { token, body: { deleteAll: true, data: [] } });
    await call(emu.url, "POST", "/_emulator/reset");
    expect((await call(emu.url, "GET", `/accountingintegration/v4/companies/${company.companyId}/erps`, { token: t })).status).toBe(404);
    expect((await call(emu.url, "GET", `${base}/lists`, { token })).json.data).toHaveLength(50);
    expect((await call(emu.url, "POST", "/_emulator/companies", { body: { companyId: "nope" } })).status).toBe(400);
  });

  it("processingPaused keeps requests PROCESSING until resumed", async () => {
    await call(emu.url, "PUT", "/_emulator/config", { body: { processingPaused: true } });
    clock.advance(1_000);
    const r = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { data: [{ id: "P", name: "p" }] } });
    // Proves processing does NOT happen while paused: a bounded wait longer than the processing delay.
    await elapse(30);
    expect((await call(emu.url, "GET", `${base}/requests/${r.json.requestId}`, { token })).json.status).toBe("PROCESSING");
    const cfg = await call(emu.url, "PUT", "/_emulator/config", { body: { processingPaused: false } });
    expect(cfg.json.processingPaused).toBe(false);
    expect((await waitForFinal(emu, token, base, r.json.requestId)).status).toBe("SUCCESS");
    expect((await call(emu.url, "PUT", "/_emulator/config", { body: { pageBytes: "big" } })).status).toBe(400);
  });
});

describe("fault injection", () => {
  it("5xx fault answers 500 ErrorMessage and does not apply the write", async () => {
    await call(emu.url, "PUT", "/_emulator/faults", { body: { error5xxRate: 1 } });
    clock.advance(1_000);
    const r = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { deleteAll: true, data: [] } });
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ httpStatus: "500 - Internal Server Error", path: `${base}/lists` });
    expect((await call(emu.url, "GET", "/_emulator/counters")).status).toBe(200); // admin is never faulted
    await call(emu.url, "PUT", "/_emulator/faults", { body: { error5xxRate: 0 } });
    expect((await call(emu.url, "GET", `${base}/lists`, { token })).json.data.length).toBeGreaterThan(0);
  });

  it("429 fault answers 429 with Retry-After; latency delays answers", async () => {
    await call(emu.url, "PUT", "/_emulator/faults", { body: { rate429: 1 } });
    const r = await call(emu.url, "GET", `${base}/mappings`, { token });
    expect(r.status).toBe(429);
    expect(r.headers["retry-after"]).toBe("1");
    await call(emu.url, "PUT", "/_emulator/faults", { body: { rate429: 0, latencyMs: 60 } });
    const started = Date.now();
    expect((await call(emu.url, "GET", `${base}/mappings`, { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const faults = await call(emu.url, "PUT", "/_emulator/faults", { body: { latencyMs: 0 } });
    expect(faults.json).toEqual({ latencyMs: 0, error5xxRate: 0, rate429: 0, webhookDuplicateRate: 0, webhookReorder: false, webhooksEnabled: true });
    expect((await call(emu.url, "PUT", "/_emulator/faults", { body: { rate429: 2 } })).status).toBe(400);
    expect((await call(emu.url, "PUT", "/_emulator/faults", { body: { typo: 1 } })).status).toBe(400);
  });

  it("uses the injected random source for fault rates", async () => {
    let draws = 0;
    const seq = [0.1, 0.9];
    const other = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", faults: { error5xxRate: 0.5 }, random: () => seq[draws++ % 2] });
    try {
      const t = other.issueToken(DEMO.companyId);
      expect((await call(other.url, "GET", `${base}/mappings`, { token: t })).status).toBe(500);
      expect((await call(other.url, "GET", `${base}/mappings`, { token: t })).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});
