// `concur-graph sync --type receipts`: JSON Lines of ConcurGoodsReceiptInput (one goods receipt per line) made equal to
// Concur Invoice through the gateway. "Read Concur" reads the receipts of each PO the export names (one call per PO);
// new receipts are created, changed ones replaced, and with --delete the receipts of those POs the export lacks are
// deleted (a receipt matched to an invoice is refused by Concur and reported as such). One Concur call per receipt.
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Agent, request, type Dispatcher } from "undici";
import { validateGoodsReceipt } from "../../datasources/index.js";
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import { normalisePurchaseOrder } from "./invoice-purchase-orders.js";
import { canonical, fieldDiff } from "./records.js";
import type { Progress } from "./progress.js";
import type { SyncCounts, SyncReport } from "./report.js";
import type { Change, InputRecord, Rejection, SourceRecord } from "./types.js";

const FIELDS = "purchaseOrderNumber lineItemExternalId goodsReceiptNumber receivedQuantity receivedDate unitOfMeasureCode deliverySlipNumber customFields { number value }";
const keyOf = (r: InputRecord) => [r.purchaseOrderNumber, r.lineItemExternalId, r.goodsReceiptNumber].map((v) => String(v ?? "").toUpperCase()).join("/");
const displayKey = (r: InputRecord) => [r.purchaseOrderNumber, r.lineItemExternalId, r.goodsReceiptNumber].join("/");

export function createReceiptSyncClient(options: { url: string; token: string; companyId: string }) {
  const dispatcher = new Agent({ connections: 8, keepAliveTimeout: 10_000, bodyTimeout: 600_000, headersTimeout: 600_000 });
  async function post(query: string, variables: Record<string, unknown>): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(options.url, { method: "POST", dispatcher, headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` }, body: JSON.stringify({ query, variables: { c: options.companyId, ...variables } }) });
    } catch (error) {
      throw new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `cannot reach the gateway at ${options.url}: ${(error as Error).message}`);
    }
    return (await res.body.json().catch(() => ({}))) as { data?: any };
  }
  const outcome = (answer: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) => {
    const error = answer.errors?.[0];
    return error ? { error: { code: String(error.extensions?.reason ?? error.extensions?.upstreamErrorCode ?? error.extensions?.code ?? "GATEWAY_ERROR"), message: `${error.extensions?.field ? `${String(error.extensions.field)}: ` : ""}${error.message}` } } : {};
  };
  return {
    /** The receipts Concur holds for a PO (none when the PO does not exist). */
    async read(purchaseOrderNumber: string): Promise<Record<string, unknown>[]> {
      const answer = await post(`query SyncReceipts($c: ID!, $n: String!) { invoicePurchaseOrder(companyId: $c, number: $n) { receipts { ${FIELDS} } } }`, { n: purchaseOrderNumber });
      if (answer.errors?.length) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `reading receipts of ${purchaseOrderNumber}: ${answer.errors[0].message}`);
      return answer.data?.invoicePurchaseOrder?.receipts ?? [];
    },
    async save(receipt: InputRecord, mode: "create" | "replace") {
      const field = mode === "create" ? "createInvoiceGoodsReceipt" : "replaceInvoiceGoodsReceipt";
      return outcome(await post(`mutation SyncReceipt($c: ID!, $r: ConcurGoodsReceiptInput!) { ${field}(companyId: $c, receipt: $r) { records } }`, { r: receipt }));
    },
    async remove(receipt: InputRecord) {
      return outcome(await post(`mutation SyncReceiptDelete($c: ID!, $p: String!, $l: String!, $g: String!) { deleteInvoiceGoodsReceipt(companyId: $c, purchaseOrderNumber: $p, lineItemExternalId: $l, goodsReceiptNumber: $g) { records } }`, { p: receipt.purchaseOrderNumber, l: receipt.lineItemExternalId, g: receipt.goodsReceiptNumber }));
    },
    async close() {
      await dispatcher.close();
    },
  };
}
export type ReceiptSyncClient = ReturnType<typeof createReceiptSyncClient>;

export async function runReceiptSync(options: { input: string; companyId: string; delete?: boolean; dryRun?: boolean }, deps: { client: ReceiptSyncClient; progress: Progress; stop?: AbortSignal }): Promise<SyncReport> {
  const { client, progress } = deps;
  const startedAt = new Date().toISOString();
  if (!/\.(jsonl|ndjson)$/i.test(options.input)) throw badInput("--type receipts reads JSON Lines (.jsonl): one ConcurGoodsReceiptInput per line");
  await access(options.input).catch(() => {
    throw badInput(`--input: cannot read ${options.input}`);
  });
  progress.start("read input", 0);
  const records: SourceRecord[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(options.input, "utf8"), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let record: InputRecord;
    try {
      record = normalisePurchaseOrder(JSON.parse(text)) as InputRecord;
    } catch (error) {
      rejected.push({ key: "", line, code: "VALIDATION", message: `not JSON: ${(error as Error).message}`, stage: "input" });
      continue;
    }
    const problems = validateGoodsReceipt({ customFields: [], ...record } as never).map((p) => p.message);
    if (problems.length > 0) rejected.push({ key: displayKey(record), line, code: "VALIDATION", message: problems.join("; "), stage: "input" });
    else if (seen.has(keyOf(record))) rejected.push({ key: displayKey(record), line, code: "DUPLICATE_ID", message: "appears again (first line kept)", stage: "input" });
    else {
      seen.add(keyOf(record));
      records.push({ key: displayKey(record), record, line });
    }
  }
  progress.finish("read input", `${line} line(s), ${records.length} valid, ${rejected.length} refused`);

  const orders = [...new Set(records.map((r) => String(r.record.purchaseOrderNumber)))];
  progress.start("read Concur", orders.length);
  const held = new Map<string, InputRecord>();
  let done = 0;
  for (const order of orders) {
    for (const receipt of await client.read(order)) {
      const normal = normalisePurchaseOrder(receipt) as InputRecord;
      held.set(keyOf(normal), normal);
    }
    progress.update("read Concur", ++done);
  }
  progress.finish("read Concur", `${held.size} receipt(s) on ${orders.length} purchase order(s)`);

  progress.start("compare", records.length);
  const creates: SourceRecord[] = [];
  const updates: SourceRecord[] = [];
  const sample: Change[] = [];
  let unchanged = 0;
  for (const source of records) {
    const current = held.get(keyOf(source.record));
    if (!current) {
      creates.push(source);
      if (sample.length < 10) sample.push({ kind: "create", key: source.key, line: source.line });
      continue;
    }
    const seenAs = Object.fromEntries(Object.keys(source.record).map((k) => [k, current[k]]));
    if (canonical(seenAs) === canonical(source.record)) unchanged++;
    else {
      updates.push(source);
      if (sample.length < 10) sample.push({ kind: "update", key: source.key, line: source.line, fields: fieldDiff(seenAs, source.record) });
    }
  }
  const wanted = new Set(records.map((r) => keyOf(r.record)));
  const absent = [...held.entries()].filter(([key]) => !wanted.has(key)).map(([, record]) => record);
  progress.finish("compare", `${creates.length} new, ${updates.length} changed, ${unchanged} unchanged, ${absent.length} absent from the input`);

  const counts: SyncCounts = { input: records.length, held: held.size, created: 0, updated: 0, deleted: 0, unchanged, rejected: 0, sent: 0, notSent: 0, absentKept: options.delete ? 0 : absent.length };
  const report: SyncReport = { type: "receipts", input: options.input, companyId: options.companyId, erpId: "", mode: options.delete ? "upsert+delete" : "upsert", dryRun: Boolean(options.dryRun), interrupted: false, startedAt, finishedAt: startedAt, counts, requests: [], sample, rejected };
  if (options.dryRun) {
    Object.assign(counts, { created: creates.length, updated: updates.length, deleted: options.delete ? absent.length : 0, rejected: rejected.length });
    report.finishedAt = new Date().toISOString();
    return report;
  }
  const jobs: Array<{ kind: "create" | "replace" | "delete"; source: SourceRecord }> = [
    ...creates.map((source) => ({ kind: "create" as const, source })),
    ...updates.map((source) => ({ kind: "replace" as const, source })),
    ...(options.delete ? absent.map((record) => ({ kind: "delete" as const, source: { key: displayKey(record), record, line: 0 } })) : []),
  ];
  progress.start("send", jobs.length);
  for (const job of jobs) {
    if (deps.stop?.aborted) break;
    const result = job.kind === "delete" ? await client.remove(job.source.record) : await client.save(job.source.record, job.kind);
    counts.sent++;
    if (result.error) rejected.push({ key: job.source.key, line: job.source.line || undefined, code: result.error.code, message: result.error.message, stage: "concur" });
    else counts[job.kind === "create" ? "created" : job.kind === "replace" ? "updated" : "deleted"]++;
    progress.update("send", counts.sent);
  }
  counts.notSent = jobs.length - counts.sent;
  report.interrupted = counts.notSent > 0;
  progress.finish("send", `${counts.sent} receipt call(s)`);
  counts.rejected = rejected.length;
  report.finishedAt = new Date().toISOString();
  return report;
}
