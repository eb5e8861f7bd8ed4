// Exactly once for the Invoice v3 writes when Concur applies a write and the answer never arrives: the emulator's
// invoiceWritesAfterApply fault (docs/emulator/invoice-vendors.md) carries each write out, then answers 500, or holds
// the answer past the gateway's upstream timeout, or holds it while the gateway process is SIGKILLed. For
// createInvoiceVendor, updateInvoiceVendor, saveInvoicePurchaseOrder (create) and createInvoiceGoodsReceipt the caller
// then sends the same mutation again (through a freshly started gateway after the kill). Checked through the
// emulator's admin API: every record exists exactly once with the caller's values; checked in the answers: nothing
// unconfirmed is called a success, an ambiguous failure says it may have been applied (extensions.maybeApplied), and
// a repeated create is answered with Concur's own "already exists" refusal, never with a success.
// Each case runs on its own company (an arbitrary company id: the emulator serves it at any data center), so the four
// writes of a phase are in flight at once (the gateway paces each company on its own, one write per second).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { startEmulator } from "../helpers/emulator.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { settleWithin, waitFor } from "../helpers/wait.js";

const ROOT = join(import.meta.dirname, "..", "..");

const CREATE_VENDOR = `mutation C($c: ID!, $v: ConcurInvoiceVendorInput!) { createInvoiceVendor(companyId: $c, vendor: $v) { succeeded statuses { type code message } } }`;
const UPDATE_VENDOR = `mutation U($c: ID!, $v: ConcurInvoiceVendorInput!) { updateInvoiceVendor(companyId: $c, vendor: $v) { succeeded statuses { type code message } } }`;
const SAVE_PO = `mutation S($c: ID!, $o: ConcurPurchaseOrderInput!) { saveInvoicePurchaseOrder(companyId: $c, order: $o) { purchaseOrderNumber created } }`;
const CREATE_RECEIPT = `mutation R($c: ID!, $r: ConcurGoodsReceiptInput!) { createInvoiceGoodsReceipt(companyId: $c, receipt: $r) { goodsReceiptNumber records } }`;

const VENDOR = { vendorCode: "AA-1", addressCode: "REMIT", name: "After Apply Paints", countryCode: "US", currencyCode: "USD" };
const RENAMED = { ...VENDOR, name: "After Apply Paints (renamed)" };
const address = (id: string) => ({ externalId: id, address1: "1 Main St", city: "Bellevue", stateProvince: "WA", postalCode: "98004", countryCode: "US" });
const order = (number: string) => ({
  number, name: "Fit-out", currencyCode: "USD", orderDate: "2026-01-15", policyExternalId: "PO", vendorCode: VENDOR.vendorCode, vendorAddressCode: VENDOR.addressCode,
  billTo: address("bill-1"), shipTo: address("ship-1"),
  lines: [{ lineNumber: "1", externalId: "L1", quantity: "3", unitPrice: "10.50", expenseType: "Advertising", receiptType: "QUANTITY_RECEIPT" }],
});
const RECEIPT = { purchaseOrderNumber: "PO-R", lineItemExternalId: "L1", goodsReceiptNumber: "GRN-1", receivedQuantity: "2", receivedDate: "2026-02-01" };

type Answer = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | "transport";

/** One GraphQL call; a dropped connection (the gateway killed) is the answer "transport", never a throw. */
async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  try {
    const res = await request(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    return (await res.body.json()) as Answer;
  } catch {
    return "transport";
  }
}

/** The emulator as its admin API shows it (what Concur holds, whoever wrote it). */
function concurState(emulatorUrl: string) {
  const admin = async (path: string) => {
    const res = await request(`${emulatorUrl}/_emulator${path}`);
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  return {
    admin,
    vendors: async (company: string) => ((await admin(`/invoice/companies/${company}/vendors`)).body.vendors as Array<Record<string, string>>).filter((v) => v.VendorCode === VENDOR.vendorCode),
    purchaseOrder: async (company: string, number: string) => (await admin(`/invoice/companies/${company}/purchase-orders/${number}`)).body,
    receipts: async (company: string) => ((await admin(`/invoice/companies/${company}/receipts`)).body.receipts as Array<Record<string, string>>).filter((r) => r.GoodsReceiptNumber === RECEIPT.goodsReceiptNumber),
    setFault: async (fault: unknown) => {
      const res = await request(`${emulatorUrl}/_emulator/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ invoiceWritesAfterApply: fault }) });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    },
  };
}

/** A new company of the emulator's first data center, with the Profile v1 answer the gateway checks a token against. */
async function newCompany(emulatorUrl: string): Promise<string> {
  const companyId = randomUUID();
  for (const [method, path, body] of [["POST", "/companies", { companyId }], ["PUT", `/extracts/companies/${companyId}/profile`, {}]] as const) {
    const res = await request(`${emulatorUrl}/_emulator${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.statusCode).toBeLessThan(300);
    await res.body.dump();
  }
  return companyId;
}

/** Four new companies, one per mutation, with what each mutation needs already in Concur (set up through `url`). */
async function prepare(emulatorUrl: string, url: string, token: (company: string) => string) {
  const [vendorCreate, vendorUpdate, poCreate, receiptCreate] = await Promise.all([1, 2, 3, 4].map(() => newCompany(emulatorUrl)));
  const c = { vendorCreate, vendorUpdate, poCreate, receiptCreate };
  const ok = (answer: Answer) => expect(answer !== "transport" && answer.errors === undefined ? "ok" : answer).toBe("ok");
  await Promise.all([
    (async () => ok(await graphql(url, token(c.vendorUpdate), CREATE_VENDOR, { c: c.vendorUpdate, v: VENDOR })))(),
    (async () => ok(await graphql(url, token(c.poCreate), CREATE_VENDOR, { c: c.poCreate, v: VENDOR })))(),
    (async () => {
      ok(await graphql(url, token(c.receiptCreate), CREATE_VENDOR, { c: c.receiptCreate, v: VENDOR }));
      ok(await graphql(url, token(c.receiptCreate), SAVE_PO, { c: c.receiptCreate, o: order("PO-R") }));
    })(),
  ]);
  return c;
}

/** The four mutations at once, each on its own company. */
function sendAll(url: string, token: (company: string) => string, c: Awaited<ReturnType<typeof prepare>>) {
  return Promise.all([
    graphql(url, token(c.vendorCreate), CREATE_VENDOR, { c: c.vendorCreate, v: VENDOR }),
    graphql(url, token(c.vendorUpdate), UPDATE_VENDOR, { c: c.vendorUpdate, v: RENAMED }),
    graphql(url, token(c.poCreate), SAVE_PO, { c: c.poCreate, o: order("PO-C") }),
    graphql(url, token(c.receiptCreate), CREATE_RECEIPT, { c: c.receiptCreate, r: RECEIPT }),
  ]);
}

/** What Concur holds after the four mutations (and their repeats): each record once, with the caller's values. */
async function expectExactlyOnce(state: ReturnType<typeof concurState>, c: Awaited<ReturnType<typeof prepare>>) {
  const created = await state.vendors(c.vendorCreate);
  expect(created).toHaveLength(1);
  expect(created[0]).toMatchObject({ VendorName: VENDOR.name });
  const updated = await state.vendors(c.vendorUpdate);
  expect(updated).toHaveLength(1);
  expect(updated[0]).toMatchObject({ VendorName: RENAMED.name });
  const po = await state.purchaseOrder(c.poCreate, "PO-C");
  expect(po).toMatchObject({ PurchaseOrderNumber: "PO-C", LineItem: [expect.objectContaining({ ExternalID: "L1", Quantity: "3" })] });
  const receipts = await state.receipts(c.receiptCreate);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]).toMatchObject({ PurchaseOrderNumber: "PO-R", LineItemExternalID: "L1", ReceivedQuantity: "2" });
}

const errorOf = (answer: Answer) => (answer === "transport" ? undefined : answer.errors?.[0]);

/** The repeats' answers: the creates refused by Concur as existing (not a success), the update and the PO save done. */
function expectTruthfulRepeats([vendorCreate, vendorUpdate, poCreate, receiptCreate]: Answer[]) {
  expect(vendorCreate).not.toBe("transport");
  const vc = vendorCreate as Exclude<Answer, "transport">;
  expect(vc.errors).toBeUndefined();
  expect(vc.data.createInvoiceVendor.succeeded).toBe(false);
  expect(vc.data.createInvoiceVendor.statuses).toEqual([expect.objectContaining({ type: "ERROR", message: expect.stringMatching(/already exists/) })]);
  expect(vendorUpdate).toMatchObject({ data: { updateInvoiceVendor: { succeeded: true } } });
  expect((vendorUpdate as any).errors).toBeUndefined();
  // A PO save is an upsert on the PO number: the repeat finds the PO and sends the same full PO again.
  expect(poCreate).toMatchObject({ data: { saveInvoicePurchaseOrder: { purchaseOrderNumber: "PO-C", created: false } } });
  expect((poCreate as any).errors).toBeUndefined();
  expect(receiptCreate).not.toBe("transport");
  expect((receiptCreate as any).data?.createInvoiceGoodsReceipt ?? null).toBeNull();
  expect(errorOf(receiptCreate)).toMatchObject({ message: expect.stringMatching(/already exists/), extensions: { code: "BAD_USER_INPUT", upstreamErrorCode: "9999" } });
}

/** The first answers when Concur applied every write and its answer was lost: no success for either create. */
function expectAmbiguousCreates([vendorCreate, vendorUpdate, poCreate, receiptCreate]: Answer[], code: string) {
  expect(errorOf(vendorCreate)).toMatchObject({ extensions: { code, maybeApplied: true }, message: expect.stringMatching(/may have been applied/) });
  expect((vendorCreate as any).data?.createInvoiceVendor ?? null).toBeNull();
  expect(errorOf(receiptCreate)).toMatchObject({ extensions: { code, maybeApplied: true }, message: expect.stringMatching(/may have been applied/) });
  expect((receiptCreate as any).data?.createInvoiceGoodsReceipt ?? null).toBeNull();
  // Whole-record writes are sent again by the gateway (same values): done, and said so only after Concur's SUCCESS.
  expect(vendorUpdate).toMatchObject({ data: { updateInvoiceVendor: { succeeded: true } } });
  expect(poCreate).toMatchObject({ data: { saveInvoicePurchaseOrder: { purchaseOrderNumber: "PO-C", created: true } } });
}

describe("Invoice writes applied by Concur, then answered 500 or held past the upstream timeout (gateway in process)", () => {
  let stack: Stack;
  let state: ReturnType<typeof concurState>;
  const token = (company: string) => stack.emulator.issueToken(company);
  beforeAll(async () => {
    stack = await startStack({ env: { UPSTREAM_TIMEOUT_MS: "1000", BATCH_WINDOW_MS: "5" } });
    await stack.admin("PUT", "/config", { invoiceWritesPerSecond: 0 });
    state = concurState(stack.emulator.url);
  });
  afterAll(() => stack?.stop());

  it("the fault is refused when mistyped, shown as set, and off with null", async () => {
    for (const wrong of [{ answer: "later" }, { answer: "500", count: -1 }, { answer: "hold", rate: 2 }, { answer: "500", cuont: 1 }, "500"]) {
      const res = await request(`${stack.emulator.url}/_emulator/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ invoiceWritesAfterApply: wrong }) });
      expect([res.statusCode, JSON.stringify(wrong)]).toEqual([400, JSON.stringify(wrong)]);
      await res.body.dump();
    }
    await state.setFault({ answer: "hold", rate: 0.5 });
    expect((await stack.admin("GET", "/config")).invoiceWritesAfterApply).toEqual({ answer: "hold", count: 0, rate: 0.5, holdMs: 5000 });
    await state.setFault(null);
    expect((await stack.admin("GET", "/config")).invoiceWritesAfterApply).toBeNull();
  });

  it("500 after apply: each create sent once and reported as maybe applied; its repeat refused as existing; update and PO save re-sent and done", async () => {
    const c = await prepare(stack.emulator.url, stack.gateway.url, token);
    await stack.resetCounters();
    await state.setFault({ answer: "500", count: 4 });
    const first = await sendAll(stack.gateway.url, token, c);
    expectAmbiguousCreates(first, "UPSTREAM_UNAVAILABLE");
    const counters = await stack.counters();
    expect(sumCalls(counters, "POST /api/v3.1/invoice/vendors")).toBe(1);
    expect(sumCalls(counters, "POST /api/v3.0/invoice/purchaseorderreceipts")).toBe(1);
    expect(sumCalls(counters, "PUT /api/v3.1/invoice/vendors")).toBe(2);
    expect(sumCalls(counters, "POST /api/v3.0/invoice/purchaseorders")).toBe(2);
    await expectExactlyOnce(state, c);

    expectTruthfulRepeats(await sendAll(stack.gateway.url, token, c));
    await expectExactlyOnce(state, c);
    expect((await stack.admin("GET", "/config")).invoiceWritesAfterApply).toEqual({ answer: "500", count: 0, rate: 0, holdMs: 5000 });
  }, 30_000);

  it("answer held past UPSTREAM_TIMEOUT_MS: the same outcomes (creates not re-sent, reported as maybe applied)", async () => {
    const c = await prepare(stack.emulator.url, stack.gateway.url, token);
    await stack.resetCounters();
    await state.setFault({ answer: "hold", count: 4, holdMs: 2_000 });
    const first = await sendAll(stack.gateway.url, token, c);
    expectAmbiguousCreates(first, "UPSTREAM_TIMEOUT");
    await expectExactlyOnce(state, c);
    // The held answers arrive (to nobody) once the hold is over: then every call the gateway made is counted.
    const expected = { "POST /api/v3.1/invoice/vendors": 1, "POST /api/v3.0/invoice/purchaseorderreceipts": 1, "PUT /api/v3.1/invoice/vendors": 2, "POST /api/v3.0/invoice/purchaseorders": 2 };
    const counted = async () => {
      const now = await stack.counters();
      return Object.fromEntries(Object.keys(expected).map((route) => [route, sumCalls(now, route)]));
    };
    await waitFor(async () => JSON.stringify(await counted()) === JSON.stringify(expected), 10_000, "the held answers");

    expectTruthfulRepeats(await sendAll(stack.gateway.url, token, c));
    await expectExactlyOnce(state, c);
  }, 30_000);
});

interface Child {
  process: ChildProcess;
  url: string;
  exit: Promise<unknown>;
}

/** The gateway as `npm start` runs it against a given Concur (node --import tsx src/index.ts: one process to kill). */
async function startGateway(emulator: RunningEmulator): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/index.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", CONCUR_BASE_URL: emulator.url, CONCUR_WEBHOOK_PUBLIC_KEY: emulator.publicKeyPem, BATCH_WINDOW_MS: "5" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exit = new Promise((resolve) => child.once("close", resolve));
  registerCleanup(`the gateway process ${child.pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await settleWithin(exit, 10_000, "still running");
  });
  const url = await Promise.race([
    waitFor(() => /GraphiQL: (http:\/\/\S+)/.exec(out)?.[1], 60_000, "the gateway banner"),
    exit.then(() => {
      throw new Error(`gateway exited before listening:\n${out}`);
    }),
  ]);
  return { process: child, url, exit };
}

describe("Invoice writes applied by Concur while the gateway is SIGKILLed, repeated through a fresh gateway (child processes)", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({});
  });
  afterAll(() => emulator?.stop());

  it("each record exists once, with the caller's values; the repeats are answered truthfully", async () => {
    // Both gateways start at once: the second stands in for the replica (or restart) the caller turns to.
    const [doomed, fresh] = await Promise.all([startGateway(emulator), startGateway(emulator)]);
    const token = (company: string) => emulator.issueToken(company);
    const state = concurState(emulator.url);
    await request(`${emulator.url}/_emulator/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ invoiceWritesPerSecond: 0 }) }).then((r) => r.body.dump());
    const c = await prepare(emulator.url, doomed.url, token);
    await state.setFault({ answer: "hold", count: 4, holdMs: 15_000 });
    const first = sendAll(doomed.url, token, c);
    // Every write is applied (and its answer held): now the gateway dies mid-call.
    await waitFor(async () => {
      const [created, updated, po, receipts] = await Promise.all([state.vendors(c.vendorCreate), state.vendors(c.vendorUpdate), state.admin(`/invoice/companies/${c.poCreate}/purchase-orders/PO-C`), state.receipts(c.receiptCreate)]);
      return created.length === 1 && updated[0]?.VendorName === RENAMED.name && po.status === 200 && receipts.length === 1;
    }, 10_000, "the four writes applied");
    doomed.process.kill("SIGKILL");
    expect(await first).toEqual(["transport", "transport", "transport", "transport"]);
    await state.setFault(null);

    expectTruthfulRepeats(await sendAll(fresh.url, token, c));
    await expectExactlyOnce(state, c);
  }, 60_000);
});
