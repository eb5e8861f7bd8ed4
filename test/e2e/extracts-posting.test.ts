// Posting by file end to end: GraphQL over HTTP and graphql-ws against a gateway on the emulator (passthrough mode),
// file downloads over HTTP compared byte for byte with the emulator's own answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { FILES_DEMO } from "../../src/emulator/index.js";
import { createFileLinks } from "../../src/services/extract-files.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const SECRET = "test-file-url-secret-0123456789abcdef";
const ROUTE = {
  jobStatus: "GET /api/expense/extract/v1.0/{definitionId}/job/{jobId}/status",
  jobFile: "GET /api/expense/extract/v1.0/{definitionId}/job/{jobId}/file",
  closeAsync: "POST /api/expense/paymentbatch/v1.2/batch/{batchId}/close",
  closeSync: "POST /api/expense/paymentbatch/v1.1/batch/{batchId}/close",
  batchFile: "GET /api/expense/paymentbatch/v1.1/batch/{jobRunKey}/file",
  profile: "GET /profile/v1/me",
};

const EDITION = `query Edition($companyId: ID!) { companyEdition(companyId: $companyId) { companyId edition source postingChannel fisEnabled marketingName notes } }`;
const DEFINITIONS = `query Defs($companyId: ID!, $name: String) { extractDefinitions(companyId: $companyId, name: $name) { id name jobs { id status upstreamStatus hasFile file { url } } } }`;
const START = `mutation Start($companyId: ID!, $definitionId: ID!) { startExtractJob(companyId: $companyId, definitionId: $definitionId) { id definitionId status upstreamStatus file { url } } }`;
const FOLLOW = `subscription Follow($companyId: ID!, $definitionId: ID!, $jobId: ID!) { extractJobChanged(companyId: $companyId, definitionId: $definitionId, jobId: $jobId) { id status upstreamStatus stopTime hasFile file { url expiresAt } } }`;
const BATCHES = `query Batches($companyId: ID!, $status: PaymentBatchStatus) { paymentBatches(companyId: $companyId, status: $status) { id batchGuid name total count status } }`;
const CLOSE = `mutation Close($companyId: ID!, $batchId: ID!) { closePaymentBatch(companyId: $companyId, batchId: $batchId) { outcome batchStatus requestStatus jobQueueKey message retryAfterSeconds file { url expiresAt } } }`;

async function fetchBytes(url: string, token: string | null): Promise<{ status: number; type: string; length: string | undefined; bytes: Buffer }> {
  const res = await request(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, type: String(res.headers["content-type"]), length: res.headers["content-length"] as string | undefined, bytes };
}

describe("posting by file (e2e, passthrough)", () => {
  let stack: Stack;
  let pro: string;
  let std: string;
  let failing: string;

  beforeAll(async () => {
    stack = await startStack({ env: { EXTRACT_POLL_MIN_MS: "20", EXTRACT_POLL_MAX_MS: "60", FILE_URL_SECRET: SECRET } });
    pro = stack.token;
    std = stack.emulator.issueToken(FILES_DEMO.standardCompanyId);
    failing = stack.emulator.issueToken(FILES_DEMO.profileFailsCompanyId);
    await stack.admin("PUT", "/config", { extractJobQueuedMs: 150, extractJobRunMs: 250, paymentBatchSyncCloseDelayMs: 50 });
  });
  afterAll(() => stack.stop());

  it("tells the edition and posting channel of the Professional, the Standard and a Profile-failing company", async () => {
    const professional = await stack.graphql(EDITION, { companyId: FILES_DEMO.professionalCompanyId });
    expect(professional.errors).toBeUndefined();
    expect(professional.data.companyEdition).toMatchObject({ edition: "PROFESSIONAL", source: "ACCOUNTING_MAPPINGS", postingChannel: "EXTRACT", fisEnabled: false });

    await stack.resetCounters();
    const standard = await stack.graphql(EDITION, { companyId: FILES_DEMO.standardCompanyId }, std);
    expect(standard.data.companyEdition).toMatchObject({ edition: "STANDARD", source: "COMPANY_PROFILE", postingChannel: "PAYMENT_BATCH", marketingName: "Standard Edition" });
    // Two Profile reads: the passthrough check of whose token this is (once per token and TOKEN_TRUST_SECONDS), and the edition's.
    expect(sumCalls(await stack.counters(), ROUTE.profile, "200")).toBe(2);
    // Cached: asking again costs no upstream call.
    await stack.graphql(EDITION, { companyId: FILES_DEMO.standardCompanyId }, std);
    expect(sumCalls(await stack.counters(), ROUTE.profile)).toBe(2);

    const unknown = await stack.graphql(EDITION, { companyId: FILES_DEMO.profileFailsCompanyId }, failing);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.companyEdition).toMatchObject({ edition: "UNKNOWN", source: "NONE", postingChannel: "UNKNOWN" });
    expect(unknown.data.companyEdition.notes).toContain("Profile v1: UPSTREAM_UNAVAILABLE");

    // The Professional company's Profile failing changes nothing: the mappings come first.
    await stack.admin("PUT", `/extracts/companies/${FILES_DEMO.professionalCompanyId}/profile`, { failStatus: 500 });
    const again = await stack.graphql(`query { companyEdition(companyId: "${FILES_DEMO.professionalCompanyId}", refresh: true) { edition source postingChannel } }`);
    expect(again.data.companyEdition).toEqual({ edition: "PROFESSIONAL", source: "ACCOUNTING_MAPPINGS", postingChannel: "EXTRACT" });
  });

  it("finds the SAE, starts a job, follows it to COMPLETED over graphql-ws and downloads the emulator's bytes", async () => {
    const defs = await stack.graphql(DEFINITIONS, { companyId: FILES_DEMO.professionalCompanyId, name: "standard accounting extract" });
    expect(defs.errors).toBeUndefined();
    expect(defs.data.extractDefinitions).toHaveLength(1);
    const sae = defs.data.extractDefinitions[0];
    expect(sae.name).toBe(FILES_DEMO.saeName);
    expect(sae.id).toContain("$");
    // The customer's schedule ran two jobs: listed as `Complete`, one state with `Completed`.
    expect(sae.jobs.map((j: any) => [j.status, j.upstreamStatus, j.hasFile])).toEqual([["COMPLETED", "Complete", true], ["COMPLETED", "Complete", true]]);
    const invoice = await stack.graphql(DEFINITIONS, { companyId: FILES_DEMO.professionalCompanyId, name: "Payment Request" });
    expect(invoice.data.extractDefinitions.map((d: any) => d.name)).toEqual([FILES_DEMO.praeName]);

    // The job's phases last 10 emulated minutes each and the test moves it on with the emulator's clock: what the
    // subscribers see cannot depend on how fast this (possibly loaded) machine polls.
    const PHASE_MS = 600_000;
    await stack.admin("PUT", "/config", { extractJobQueuedMs: PHASE_MS, extractJobRunMs: PHASE_MS });
    const started = await stack.graphql(START, { companyId: FILES_DEMO.professionalCompanyId, definitionId: sae.id });
    expect(started.errors).toBeUndefined();
    const job = started.data.startExtractJob;
    expect(job).toMatchObject({ definitionId: sae.id, status: "QUEUED", upstreamStatus: "Queued", file: null });
    expect(job.id).toContain("$");

    const vars = { companyId: FILES_DEMO.professionalCompanyId, definitionId: sae.id, jobId: job.id };
    const first = subscribe(stack.gateway.wsUrl, pro, FOLLOW, vars);
    const second = subscribe(stack.gateway.wsUrl, pro, FOLLOW, vars);
    const statesOf = (sub: typeof first) => sub.events.map((e: any) => e.extractJobChanged.status as string);
    const reached = (status: string) => () => {
      for (const sub of [first, second]) if (sub.errors) throw new Error(JSON.stringify(sub.errors));
      return statesOf(first).includes(status) && statesOf(second).includes(status);
    };
    // Each subscriber's first event is the job's state read with its own token: it proves the subscriber is live.
    await waitFor(reached("QUEUED"), 20_000, "both subscribers' first event (QUEUED)");
    // One poll loop for the job, whoever listens.
    expect(stack.gateway.services.posting.jobs.watching()).toBe(1);
    await stack.admin("POST", "/clock/advance", { ms: PHASE_MS });
    await waitFor(reached("RUNNING"), 20_000, "both subscribers to hear RUNNING");
    await stack.admin("POST", "/clock/advance", { ms: PHASE_MS });
    await Promise.all([first.done, second.done]);
    for (const sub of [first, second]) {
      expect(sub.errors).toBeUndefined();
      expect(sub.completed).toBe(true);
      expect(statesOf(sub)).toEqual(["QUEUED", "RUNNING", "COMPLETED"]); // changes only
    }
    await waitFor(() => stack.gateway.services.posting.jobs.watching() === 0, 20_000, "the poll loop to end");
    const done = first.events.at(-1).extractJobChanged;
    expect(done).toMatchObject({ upstreamStatus: "Completed", hasFile: true });
    expect(done.file.url.startsWith(`${stack.gateway.origin}/files/`)).toBe(true);

    await stack.resetCounters();
    const viaGateway = await fetchBytes(done.file.url, pro);
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.type).toBe("text/csv");
    const direct = await fetchBytes(`${stack.emulator.url}/api/expense/extract/v1.0/${encodeURIComponent(sae.id)}/job/${encodeURIComponent(job.id)}/file`, pro);
    expect(direct.status).toBe(200);
    expect(viaGateway.bytes.equals(direct.bytes)).toBe(true);
    expect(viaGateway.length).toBe(String(direct.bytes.length));
    expect(sumCalls(await stack.counters(), ROUTE.jobFile, "200")).toBe(2);
  });

  it("lists OPEN batches by their encrypted ids, closes one (v1.2 then v1.1) and downloads its ZIP", async () => {
    const open = await stack.graphql(BATCHES, { companyId: FILES_DEMO.standardCompanyId, status: "OPEN" }, std);
    expect(open.errors).toBeUndefined();
    const batches = open.data.paymentBatches;
    expect(batches.map((b: any) => b.name).sort()).toEqual([FILES_DEMO.batches.empty, FILES_DEMO.batches.large, FILES_DEMO.batches.expensePay].sort());
    const batch = batches.find((b: any) => b.name === FILES_DEMO.batches.expensePay);
    expect(batch).toMatchObject({ total: "334.21", count: 10, status: "OPEN" });
    expect(batch.id).toContain("$");
    expect(batch.id).not.toBe(batch.batchGuid);

    await stack.resetCounters();
    const closed = await stack.graphql(CLOSE, { companyId: FILES_DEMO.standardCompanyId, batchId: batch.id }, std);
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closePaymentBatch).toMatchObject({ outcome: "CLOSED", batchStatus: "CLOSED", requestStatus: "SUCCESS", retryAfterSeconds: null });
    const counters = await stack.counters();
    expect(sumCalls(counters, ROUTE.closeAsync, "200")).toBe(1);
    expect(sumCalls(counters, ROUTE.closeSync, "200")).toBe(1);

    const file = await fetchBytes(closed.data.closePaymentBatch.file.url, std);
    expect(file.status).toBe(200);
    expect(file.type).toBe("application/zip");
    expect(file.bytes.subarray(0, 2).toString()).toBe("PK");
    const state = await stack.admin("GET", `/extracts/companies/${FILES_DEMO.standardCompanyId}`);
    const fileKey = state.batches.find((b: any) => b.name === FILES_DEMO.batches.expensePay).fileKeys.at(-1);
    expect(fileKey).toBeDefined();
    const direct = await fetchBytes(`${stack.emulator.url}/api/expense/paymentbatch/v1.1/batch/${encodeURIComponent(fileKey)}/file`, std);
    expect(file.bytes.equals(direct.bytes)).toBe(true);

    const nowClosed = await stack.graphql(BATCHES, { companyId: FILES_DEMO.standardCompanyId, status: "CLOSED" }, std);
    expect(nowClosed.data.paymentBatches.map((b: any) => b.name)).toContain(FILES_DEMO.batches.expensePay);
  });

  it("answers the empty batch with its own outcome and the retry advice, not an error", async () => {
    const open = await stack.graphql(BATCHES, { companyId: FILES_DEMO.standardCompanyId, status: "OPEN" }, std);
    const empty = open.data.paymentBatches.find((b: any) => b.name === FILES_DEMO.batches.empty);
    const res = await stack.graphql(CLOSE, { companyId: FILES_DEMO.standardCompanyId, batchId: empty.id }, std);
    expect(res.errors).toBeUndefined();
    expect(res.data.closePaymentBatch).toMatchObject({ outcome: "EMPTY_BATCH", retryAfterSeconds: 1800, file: null });
    expect(res.data.closePaymentBatch.message).toMatch(/does not contain any reports/);
  });

  it("closes a large batch asynchronously first, so the synchronous file call does not time out", async () => {
    const open = await stack.graphql(BATCHES, { companyId: FILES_DEMO.standardCompanyId, status: "OPEN" }, std);
    const large = open.data.paymentBatches.find((b: any) => b.name === FILES_DEMO.batches.large);
    await stack.resetCounters();
    const res = await stack.graphql(CLOSE, { companyId: FILES_DEMO.standardCompanyId, batchId: large.id }, std);
    expect(res.data.closePaymentBatch.outcome).toBe("CLOSED");
    expect(sumCalls(await stack.counters(), ROUTE.closeSync, "504")).toBe(0);
  });

  it("refuses expired, tampered and foreign download URLs with 403 and no upstream call", async () => {
    const defs = await stack.graphql(DEFINITIONS, { companyId: FILES_DEMO.professionalCompanyId, name: FILES_DEMO.saeName });
    const url: string = defs.data.extractDefinitions[0].jobs[0].file.url;
    const ref = url.slice(url.lastIndexOf("/") + 1);
    const claims = JSON.parse(Buffer.from(ref.split(".")[0], "base64url").toString());
    const jobRef = { kind: "extract" as const, companyId: claims.c, definitionId: claims.d, jobId: claims.j };
    const expired = createFileLinks({ secret: SECRET, ttlSeconds: 60, now: () => Date.now() - 3_600_000 }).sign(jobRef, claims.a);
    const otherSecret = createFileLinks({ secret: "another-secret-0123456789abcdefghijkl", ttlSeconds: 60 }).sign(jobRef, claims.a);

    await stack.resetCounters();
    for (const [what, target, token] of [
      ["expired", `${stack.gateway.origin}${expired.path}`, pro],
      ["signed with another key", `${stack.gateway.origin}${otherSecret.path}`, pro],
      ["tampered", `${url.slice(0, -3)}abc`, pro],
      ["another caller's token", url, std],
      ["no credentials", url, null],
    ] as const) {
      const res = await fetchBytes(target, token);
      expect([what, res.status]).toEqual([what, token === null ? 401 : 403]);
      expect(res.bytes.toString()).not.toMatch(/^100,/);
    }
    expect(sumCalls(await stack.counters(), ROUTE.jobFile)).toBe(0);
    // The genuine URL still works for its caller.
    expect((await fetchBytes(url, pro)).status).toBe(200);
  });
});

describe("posting by file (e2e): auth scheme fallback and follow timeout", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { EXTRACT_POLL_MIN_MS: "20", EXTRACT_POLL_MAX_MS: "40", EXTRACT_FOLLOW_TIMEOUT_MS: "300" } });
  });
  afterAll(() => stack.stop());

  it("sends Bearer and, when Concur answers 401, the documented `OAuth <token>` once (spec Q1)", async () => {
    await stack.admin("PUT", "/config", { xmlAuthSchemes: ["OAuth"] });
    await stack.resetCounters();
    const res = await stack.graphql(DEFINITIONS, { companyId: FILES_DEMO.professionalCompanyId, name: FILES_DEMO.saeName });
    expect(res.errors).toBeUndefined();
    expect(res.data.extractDefinitions).toHaveLength(1);
    const counters = await stack.counters();
    expect(counters["GET /api/expense/extract/v1.0"]).toEqual({ "401": 1, "200": 1 });
    await stack.admin("PUT", "/config", { xmlAuthSchemes: ["Bearer", "OAuth"] });
  });

  it("ends a job that never finishes as TIMED_OUT, then completes the subscription", async () => {
    await stack.admin("PUT", "/config", { extractJobQueuedMs: 0, extractJobOutcome: "Never" });
    const defs = await stack.graphql(DEFINITIONS, { companyId: FILES_DEMO.professionalCompanyId, name: FILES_DEMO.saeName });
    const definitionId = defs.data.extractDefinitions[0].id;
    const job = (await stack.graphql(START, { companyId: FILES_DEMO.professionalCompanyId, definitionId })).data.startExtractJob;
    const sub = subscribe(stack.gateway.wsUrl, stack.token, FOLLOW, { companyId: FILES_DEMO.professionalCompanyId, definitionId, jobId: job.id });
    await sub.done;
    expect(sub.completed).toBe(true);
    expect(sub.events.map((e: any) => e.extractJobChanged.status)).toEqual(["RUNNING", "TIMED_OUT"]);
    expect(stack.gateway.services.posting.jobs.watching()).toBe(0);
  });
});
