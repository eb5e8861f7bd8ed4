// Conformance of the emulated Extracts v1.0, Payment Batches v1.1/v1.2 and Profile v1 company over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { createEmulator, EMPTY_BATCH_MESSAGE, FILES_DEMO, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";
import { waitFor } from "../../helpers/wait.js";

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => ["definitions.definition", "jobs.job", "BatchList.BatchSummary"].includes(String(jpath)) });
const xml = (text: string) => parser.parse(text);
const E = "/api/expense/extract/v1.0";
const P = "/api/expense/paymentbatch";
const LEGACY = "https://www.concursolutions.com";

describe("emulator: Extracts v1.0", () => {
  let emu: RunningEmulator;
  let token: string;
  const oauth = (t: string) => ({ authorization: `OAuth ${t}` });
  beforeAll(async () => {
    emu = await createEmulator({ seed: "demo", privateKeyPem: testKeyPem() });
    token = emu.issueToken(FILES_DEMO.professionalCompanyId);
  });
  afterAll(() => emu.stop());

  it("lists definitions in the documented namespace with legacy-host URLs and $ ids, for both auth schemes", async () => {
    for (const headers of [oauth(token), { authorization: `Bearer ${token}` }]) {
      const res = await call(emu.url, "GET", `${E}/`, { headers });
      expect(res.status).toBe(200);
      expect(String(res.headers["content-type"])).toMatch(/^application\/xml/);
      const doc = xml(res.text);
      expect(doc.definitions["@_xmlns"]).toBe("http://www.concursolutions.com/api/expense/extract/2010/02");
      const defs = doc.definitions.definition;
      expect(defs.map((d: any) => d.name)).toContain(FILES_DEMO.saeName);
      expect(defs.map((d: any) => d.name)).toContain(FILES_DEMO.praeName);
      for (const d of defs) {
        expect(d.id.startsWith(`${LEGACY}${E}/`)).toBe(true);
        expect(d.id).toContain("$");
        expect(d["job-link"]).toBe(`${d.id}/job`);
      }
    }
  });

  it("runs a job Queued -> Running -> Completed on the emulator clock; lists say Complete, the status page Completed", async () => {
    const defs = xml((await call(emu.url, "GET", `${E}/`, { headers: oauth(token) })).text).definitions.definition;
    const sae = defs.find((d: any) => d.name === FILES_DEMO.saeName);
    const id = sae.id.slice(`${LEGACY}${E}/`.length);
    const base = `${E}/${encodeURIComponent(id)}`;
    const bad = await call(emu.url, "POST", `${base}/job`, { headers: { ...oauth(token), "content-type": "application/xml" }, rawBody: "<definition/>" });
    expect(bad.status).toBe(400);
    const started = await call(emu.url, "POST", `${base}/job`, { headers: { ...oauth(token), "content-type": "application/xml" }, rawBody: `<definition xmlns="http://www.concursolutions.com/api/expense/extract/2010/02"><id>${sae.id}</id></definition>` });
    expect(started.status).toBe(201);
    const job = xml(started.text).job;
    expect(job.status).toBe("Queued");
    expect(started.headers.location).toBe(job.id);
    expect(job["file-link"]).toBeUndefined();
    const jobId = job.id.slice(job.id.lastIndexOf("/") + 1);
    const jobPath = `${base}/job/${encodeURIComponent(jobId)}`;
    expect((await call(emu.url, "GET", `${jobPath}/file`, { headers: oauth(token) })).status).toBe(404);

    await call(emu.url, "POST", "/_emulator/clock/advance", { body: { ms: 2_500 } });
    expect(xml((await call(emu.url, "GET", `${jobPath}/status`, { headers: oauth(token) })).text).job.status).toBe("Running");
    await call(emu.url, "POST", "/_emulator/clock/advance", { body: { ms: 5_000 } });
    const status = xml((await call(emu.url, "GET", `${jobPath}/status`, { headers: oauth(token) })).text).job;
    expect(status.status).toBe("Completed");
    expect(status["stop-time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(status["file-link"]).toBe(`${job.id}/file`);
    expect(xml((await call(emu.url, "GET", jobPath, { headers: oauth(token) })).text).job.status).toBe("Complete");
    const list = xml((await call(emu.url, "GET", `${base}/job`, { headers: oauth(token) })).text).jobs.job;
    expect(list.map((j: any) => j.status)).toEqual(["Complete", "Complete", "Complete"]);

    const file = await call(emu.url, "GET", `${jobPath}/file`, { headers: oauth(token) });
    expect(file.status).toBe(200);
    expect(String(file.headers["content-type"])).toBe("text/csv");
    expect(file.text.startsWith("100,")).toBe(true);
  });

  it("answers a ZIP for a definition with several files, 403 without EXTRCT, 401 for a refused scheme", async () => {
    const defs = xml((await call(emu.url, "GET", `${E}/`, { headers: oauth(token) })).text).definitions.definition;
    const prae = defs.find((d: any) => d.name === FILES_DEMO.praeName);
    const base = `${E}/${encodeURIComponent(prae.id.slice(`${LEGACY}${E}/`.length))}`;
    await call(emu.url, "PUT", "/_emulator/config", { body: { extractJobQueuedMs: 0, extractJobRunMs: 0 } });
    const job = xml((await call(emu.url, "POST", `${base}/job`, { headers: { ...oauth(token), "content-type": "application/xml" }, rawBody: `<definition><id>${prae.id}</id></definition>` })).text).job;
    const file = await call(emu.url, "GET", `${new URL(job["file-link"]).pathname.replace(/\$/g, "%24")}`, { headers: oauth(token) });
    expect(String(file.headers["content-type"])).toBe("application/zip");
    expect(file.text.slice(0, 2)).toBe("PK");

    const noScope = emu.issueToken(FILES_DEMO.professionalCompanyId, ["PAYBAT"]);
    expect((await call(emu.url, "GET", `${E}/`, { headers: oauth(noScope) })).status).toBe(403);
    await call(emu.url, "PUT", "/_emulator/config", { body: { xmlAuthSchemes: ["OAuth"] } });
    expect((await call(emu.url, "GET", `${E}/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await call(emu.url, "GET", `${E}/`, { headers: oauth(token) })).status).toBe(200);
    await call(emu.url, "PUT", "/_emulator/config", { body: { xmlAuthSchemes: ["Bearer", "OAuth"] } });
  });
});

describe("emulator: Payment Batches and Profile v1", () => {
  let emu: RunningEmulator;
  let token: string;
  beforeAll(async () => {
    emu = await createEmulator({ seed: "demo", privateKeyPem: testKeyPem() });
    token = emu.issueToken(FILES_DEMO.standardCompanyId);
  });
  afterAll(() => emu.stop());
  const auth = () => ({ authorization: `OAuth ${token}` });
  const batches = async (status = "") => xml((await call(emu.url, "GET", `${P}/v1.1/batchlist/${status}`, { headers: auth() })).text).BatchList.BatchSummary as any[];
  const idOf = (b: any) => b["Batch-URL"].slice(b["Batch-URL"].lastIndexOf("/") + 1);

  it("lists by the OPEN / CLOSED path segment with Batch-URL on the legacy host", async () => {
    expect((await batches()).length).toBe(4);
    const open = await batches("OPEN");
    expect(open.map((b) => b.BatchName).sort()).toEqual([FILES_DEMO.batches.empty, FILES_DEMO.batches.large, FILES_DEMO.batches.expensePay].sort());
    expect((await batches("CLOSED")).map((b) => b.BatchName)).toEqual([FILES_DEMO.batches.closed]);
    expect((await call(emu.url, "GET", `${P}/v1.1/batchlist/true`, { headers: auth() })).status).toBe(400);
    for (const b of open) {
      expect(b["Batch-URL"].startsWith(`${LEGACY}${P}/v1.1/batch/`)).toBe(true);
      expect(idOf(b)).toContain("$");
    }
  });

  it("closes by the encrypted id only; empty batch 500 with the documented message; large batch: v1.1 times out, v1.2 then v1.1 works", async () => {
    const open = await batches("OPEN");
    const pay = open.find((b) => b.BatchName === FILES_DEMO.batches.expensePay);
    expect((await call(emu.url, "POST", `${P}/v1.1/batch/${pay.BatchID}/close`, { headers: auth() })).status).toBe(404);
    const closed = await call(emu.url, "POST", `${P}/v1.1/batch/${encodeURIComponent(idOf(pay))}/close`, { headers: auth() });
    expect(closed.status).toBe(200);
    const status = xml(closed.text).BatchStatus;
    expect(status).toMatchObject({ BatchStatus: "CLOSED", Status: "SUCCESS" });
    expect(status["File-Url"]).toMatch(/^http:\/\/www\.concursolutions\.com\/api\/expense\/paymentbatch\/v1\.1\/batch\/[^/]+\/file$/);
    const file = await call(emu.url, "GET", new URL(status["File-Url"]).pathname.replace(/\$/g, "%24"), { headers: auth() });
    expect(String(file.headers["content-type"])).toBe("application/zip");

    const empty = open.find((b) => b.BatchName === FILES_DEMO.batches.empty);
    for (const version of ["v1.1", "v1.2"]) {
      const res = await call(emu.url, "POST", `${P}/${version}/batch/${encodeURIComponent(idOf(empty))}/close`, { headers: auth() });
      expect(res.status).toBe(500);
      expect(res.text).toContain(EMPTY_BATCH_MESSAGE);
    }

    await call(emu.url, "PUT", "/_emulator/config", { body: { paymentBatchSyncCloseDelayMs: 10 } });
    const large = open.find((b) => b.BatchName === FILES_DEMO.batches.large);
    expect((await call(emu.url, "POST", `${P}/v1.1/batch/${encodeURIComponent(idOf(large))}/close`, { headers: auth() })).status).toBe(504);
    const async = await call(emu.url, "POST", `${P}/v1.2/batch/${encodeURIComponent(idOf(large))}/close`, { headers: auth() });
    expect(xml(async.text).BatchStatus.Status).toBe("SUCCESS");
    expect(xml(async.text).BatchStatus.JobQueueKey).toBeTruthy();
    expect((await call(emu.url, "POST", `${P}/v1.1/batch/${encodeURIComponent(idOf(large))}/close`, { headers: auth() })).status).toBe(200);
  });

  it("an asynchronous close and a file can take emulated time: listed OPEN until the clock passes, v1.1 answers once its file is made", async () => {
    await call(emu.url, "PUT", "/_emulator/config", { body: { paymentBatchAsyncCloseMs: 60_000, paymentBatchFileMs: 60_000 } });
    const created = (await call(emu.url, "POST", `/_emulator/extracts/companies/${FILES_DEMO.standardCompanyId}/batches`, { body: { name: "Slow close", count: 3 } })).json;
    const path = `${P}/v1.2/batch/${encodeURIComponent(created.id)}/close`;
    for (let i = 0; i < 2; i++) expect(xml((await call(emu.url, "POST", path, { headers: auth() })).text).BatchStatus.Status).toBe("SUCCESS");
    expect((await batches("OPEN")).map((b) => b.BatchName)).toContain("Slow close");
    await call(emu.url, "POST", "/_emulator/clock/advance", { body: { ms: 60_000 } });
    expect((await batches("CLOSED")).map((b) => b.BatchName)).toContain("Slow close");
    // The file of the closed batch: the call is held until the emulator clock is 60 s past its arrival.
    let answered = false;
    const file = call(emu.url, "POST", `${P}/v1.1/batch/${encodeURIComponent(created.id)}/close`, { headers: auth() }).then((res) => ((answered = true), res));
    let advances = 0;
    await waitFor(async () => {
      if (answered) return true;
      advances += 1;
      await call(emu.url, "POST", "/_emulator/clock/advance", { body: { ms: 60_000 } });
      return false;
    }, 10_000, "the v1.1 call to answer once the clock moved");
    expect(advances).toBeGreaterThanOrEqual(1); // real time alone (well under 60 s) never releases it
    expect(xml((await file).text).BatchStatus.BatchStatus).toBe("CLOSED");
    const state = (await call(emu.url, "GET", `/_emulator/extracts/companies/${FILES_DEMO.standardCompanyId}`)).json;
    // One file from the completed asynchronous close, one from the v1.1 call; the second v1.2 changed nothing.
    expect(state.batches.find((b: any) => b.id === created.id).fileKeys).toHaveLength(2);
    await call(emu.url, "PUT", "/_emulator/config", { body: { paymentBatchAsyncCloseMs: 0, paymentBatchFileMs: 0 } });
  });

  it("serves the Profile v1 company with marketingName, needs company.read, and can fail or be deprecated", async () => {
    const std = await call(emu.url, "GET", "/profile/v1/me", { token });
    expect(std.status).toBe(200);
    expect(std.json).toMatchObject({ id: FILES_DEMO.standardCompanyId, meta: { principalType: "company" }, "com:concur:Expense:0.1": { marketingName: "Standard Edition" } });
    const pro = await call(emu.url, "GET", "/profile/v1/me", { token: emu.issueToken(FILES_DEMO.professionalCompanyId) });
    expect(pro.json["com:concur:Expense:0.1"].marketingName).toBe("CTE");
    expect((await call(emu.url, "GET", "/profile/v1/me", { token: emu.issueToken(FILES_DEMO.standardCompanyId, ["PAYBAT"]) })).status).toBe(403);
    expect((await call(emu.url, "GET", "/profile/v1/me", { token: emu.issueToken(FILES_DEMO.profileFailsCompanyId) })).status).toBe(500);
    await call(emu.url, "PUT", "/_emulator/config", { body: { profileV1Enabled: false } });
    expect((await call(emu.url, "GET", "/profile/v1/me", { token })).status).toBe(404);
    const counters = (await call(emu.url, "GET", "/_emulator/counters")).json.counters;
    expect(counters["GET /profile/v1/me"]).toMatchObject({ "200": 2, "403": 1, "500": 1, "404": 1 });
  });
});
